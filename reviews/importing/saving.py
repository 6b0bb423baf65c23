"""Writing an import's plan: all of it in one transaction, in a few bulk statements."""

from functools import reduce
from operator import or_

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from agencies.models import Agency
from agencies.scores import scores_mark_stale
from reviews.importing.agencies import NewAgency
from reviews.importing.planning import ImportPlan, plan_import
from reviews.importing.reading import ReadFile, read_rows
from reviews.models import Engagement, Event
from reviews.screening import engagements_screen

BATCH_SIZE = 2000


def experiences_import(
    *,
    data: bytes | None = None,
    read: ReadFile | None = None,
    candidate,
    staff: bool = False,
    create_users: bool = False,
    dry_run: bool = False,
    progress=None,
) -> ImportPlan:
    """Check every row of a file, then save all of it or nothing; returns the plan.

    The file is given as bytes (``data``) or already split into rows (``read``, so a caller
    can size a progress bar first). ``candidate`` (a User, or an e-mail) owns the rows
    without a ``candidate`` value. The plan is saved (``plan.saved``) only when it has no
    problem and this is not a dry run.
    """
    if read is None:
        read = read_rows(data or b"")
    with transaction.atomic():
        plan = plan_import(
            read,
            candidate=candidate,
            staff=staff,
            create_users=create_users,
            lock=not dry_run,
            progress=progress,
        )
        if not plan.problems and not dry_run and plan.has_changes:
            import_save(plan)
    return plan


@transaction.atomic
def import_save(plan: ImportPlan) -> None:
    """Write a plan without problems, screening its new engagements as the logbook does;
    one score recompute per agency it touches."""
    if plan.problems:
        raise ValueError("an import plan with problems cannot be saved")
    _create_accounts(plan)
    _create_agencies(plan.agencies_to_create)
    new_engagements = [
        Engagement(
            candidate_id=plan.candidate_ids[planned.candidate],
            agency_id=planned.agency_id or planned.new_agency.pk,
            reference=planned.reference,
            role_title=planned.role_title,
            source=planned.source,
            started_on=planned.started_on,
        )
        for planned in plan.engagements_to_create
    ]
    Engagement.objects.bulk_create(new_engagements, batch_size=BATCH_SIZE)
    saved = iter(new_engagements)
    events: list[Event] = []
    touched: set[int] = set()
    for planned in plan.engagements:
        if planned.existing_id is None:
            engagement = next(saved)
            engagement_id, agency_id = engagement.pk, engagement.agency_id
        elif planned.events:
            engagement_id, agency_id = planned.existing_id, planned.agency_id
        else:
            continue
        touched.add(agency_id)
        events.extend(
            Event(
                engagement_id=engagement_id,
                agency_id=agency_id,
                kind=event.kind,
                occurred_on=event.occurred_on,
                occurred_at=event.occurred_at,
                note=event.note,
                role_details_disclosed=event.role_details_disclosed,
            )
            for event in planned.events
        )
    Event.objects.bulk_create(events, batch_size=BATCH_SIZE)
    # Screened once their events are in, since a burst recomputes the agency's score before
    # freezing it. Accounts the import creates (staff imports with --create-users) are
    # screened too: staff vouch for the person's address, not for every row of a file that
    # came from elsewhere, and those accounts are new and count towards any later burst
    # anyway. A burst they set off is released in two clicks on the agency's moderation page.
    engagements_screen(engagements=new_engagements)
    # One mark (and one recompute after commit) per agency, however many rows touched it.
    scores_mark_stale(agency_ids=touched)
    plan.saved = True


def _create_accounts(plan: ImportPlan) -> None:
    """Accounts for unknown candidates: no usable password, a verified primary e-mail.

    Staff vouch for the people they import (PRODUCT.md), so the address counts as verified;
    the person signs in by resetting the password.
    """
    if not plan.accounts_to_create:
        return
    user_model = get_user_model()
    users = []
    for email in plan.accounts_to_create:
        user = user_model(email=user_model.objects.normalize_email(email))
        user.set_unusable_password()
        users.append(user)
    user_model.objects.bulk_create(users)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    for email, user in zip(plan.accounts_to_create, users, strict=True):
        plan.candidate_ids[email] = user.pk


def _create_agencies(agencies: list[NewAgency]) -> None:
    """Create the plan's new agencies, giving each planned agency its ``pk``."""
    if not agencies:
        return
    slugs = _unique_slugs([agency.name for agency in agencies])
    rows = []
    for agency, slug in zip(agencies, slugs, strict=True):
        row = Agency(name=agency.name, website=agency.website, country=agency.country, slug=slug)
        row.refresh_match_keys()
        rows.append(row)
    Agency.objects.bulk_create(rows)
    for agency, row in zip(agencies, rows, strict=True):
        agency.pk = row.pk


def _unique_slugs(names: list[str]) -> list[str]:
    """One free slug per name, as ``agencies.services.unique_agency_slug`` picks them, for
    all the names in one query (and none given twice)."""
    bases = [slugify(name, allow_unicode=False)[:200] or "agency" for name in names]
    taken = set(
        Agency.objects.filter(
            reduce(or_, (Q(slug__startswith=base) for base in set(bases)))
        ).values_list("slug", flat=True)
    )
    slugs = []
    for base in bases:
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs
