"""Put a planned demo data set into the database, and find or delete the one already there.

Demo rows are recognised by the candidates' e-mail domain and by agency websites on the
reserved ``.example`` top-level domain (RFC 2606), which no real agency can have. A plan is
saved with ``bulk_create`` in batches inside one transaction; ids are whatever the database
hands out, so nothing in the plan depends on them. No scores are written here: computing
them is the background jobs' work.
"""

import datetime as dt
import sys
from collections.abc import Iterator, Sequence

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Model, ProtectedError
from tqdm import tqdm

from agencies.models import Agency, Specialty, SpecialtyCode
from agencies.services import unique_agency_slug
from agencyrank.demo.plan import DEMO_EMAIL_DOMAIN, DEMO_TLD, Plan
from reviews.models import (
    AgencyReply,
    Engagement,
    Event,
    Review,
    ReviewStatus,
    ReviewStatusChange,
)

BATCH_SIZE = 1000


def demo_candidates():
    """Demo candidate accounts, recognised by their e-mail domain."""
    return get_user_model().objects.filter(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}")


def demo_agencies():
    """Demo agencies, recognised by a website on the reserved ``.example`` domain."""
    return Agency.objects.filter(domain__endswith=DEMO_TLD)


def demo_representatives(domains: Sequence[str]):
    """Demo representative accounts of the agencies with these domains."""
    return get_user_model().objects.filter(email__in=[f"rep@{domain}" for domain in domains])


def existing_demo_data() -> tuple[int, int] | None:
    """(agencies, engagements) of the demo data already loaded, or None if none is."""
    agencies = demo_agencies().count()
    candidates = demo_candidates()
    if not agencies and not candidates.exists():
        return None
    return agencies, Engagement.objects.filter(candidate__in=candidates).count()


@transaction.atomic
def delete_demo_data() -> tuple[int, int, int]:
    """Delete demo data only; returns (agencies, candidates, engagements) deleted.

    A demo agency that a real account has logged an engagement with is kept, with its
    real engagements.
    """
    candidates = demo_candidates()
    domains = list(demo_agencies().values_list("domain", flat=True))
    engagements = Engagement.objects.filter(candidate__in=candidates)
    engagement_count = engagements.count()
    Event.objects.filter(engagement__in=engagements).delete()
    engagements.delete()
    agencies = demo_agencies().filter(engagements__isnull=True)
    agency_count = agencies.count()
    try:
        agencies.delete()
    except ProtectedError as error:
        raise CommandError(f"Some demo agencies are still referenced: {error}") from error
    candidate_count = candidates.count()
    candidates.delete()
    demo_representatives(domains).delete()
    return agency_count, candidate_count, engagement_count


def batched(objects: Sequence[Model], bar: tqdm) -> Iterator[Sequence[Model]]:
    """``objects`` in slices of BATCH_SIZE, advancing the progress bar as each is saved."""
    for start in range(0, len(objects), BATCH_SIZE):
        chunk = objects[start : start + BATCH_SIZE]
        yield chunk
        bar.update(len(chunk))


def save_all(model: type[Model], objects: Sequence[Model], bar: tqdm) -> None:
    """bulk_create ``objects`` in batches; primary keys are set on them afterwards."""
    for chunk in batched(objects, bar):
        model.objects.bulk_create(chunk)


def free_slugs(plan: Plan) -> None:
    """Rename the rare planned slug that a real agency already uses ("x" becomes "x-2")."""
    wanted = [a.slug for a in plan.agencies]
    taken = set(Agency.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for agency in plan.agencies:
        if agency.slug in taken:
            # Planned slugs never end in "-<number>", so the new one clashes with no other.
            agency.slug = unique_agency_slug(agency.slug)


def build_agencies(plan: Plan, specialty_ids: dict[str, int], bar: tqdm) -> list[Agency]:
    """Save the agencies with their matching keys and specialties."""
    agencies = []
    for agency_plan in plan.agencies:
        agency = Agency(
            name=agency_plan.name,
            slug=agency_plan.slug,
            website=agency_plan.website,
            country=agency_plan.country,
            city=agency_plan.city,
        )
        agency.refresh_match_keys()
        agencies.append(agency)
    save_all(Agency, agencies, bar)
    through_model = Agency.specialties.through
    links = [
        through_model(agency_id=agency.pk, specialty_id=specialty_ids[code])
        for agency, agency_plan in zip(agencies, plan.agencies, strict=True)
        for code in agency_plan.specialties
    ]
    save_all(through_model, links, bar)
    return agencies


def build_users(plan: Plan, bar: tqdm) -> tuple[list[Model], dict[int, Model]]:
    """Save candidates and representatives, each with a verified primary e-mail address.

    Returns the candidates in plan order and the representatives by agency index.
    """
    user_model = get_user_model()
    first_reply: dict[int, dt.datetime] = {}
    for review in plan.reviews:
        if review.reply_at is not None:
            agency = plan.engagements[review.engagement].agency
            first_reply[agency] = min(first_reply.get(agency, review.reply_at), review.reply_at)
    representatives = plan.representatives
    # Unusable passwords: demo accounts cannot be signed in to.
    users = [
        user_model(email=c.email, password=make_password(None), date_joined=c.joined)
        for c in plan.candidates
    ]
    users += [
        user_model(
            email=f"rep@{plan.agencies[index].domain}",
            password=make_password(None),
            date_joined=first_reply[index] - dt.timedelta(days=2),
        )
        for index in representatives
    ]
    save_all(user_model, users, bar)
    addresses = [
        EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True)
        for user in users
    ]
    save_all(EmailAddress, addresses, bar)
    candidates = users[: len(plan.candidates)]
    return candidates, dict(zip(representatives, users[len(plan.candidates) :], strict=True))


@transaction.atomic
def save_plan(plan: Plan, progress: bool) -> dict[str, int]:
    """Save the plan in one transaction; returns how many rows of each kind were saved.

    With ``progress``, a bar on stderr follows the rows as they are saved.
    """
    specialty_ids = dict(Specialty.objects.values_list("code", "id"))
    missing = sorted(set(SpecialtyCode.values) - set(specialty_ids))
    if missing:
        raise CommandError(f"Specialties missing ({', '.join(missing)}): run migrate first.")
    free_slugs(plan)
    published = [r for r in plan.reviews if r.status == ReviewStatus.PUBLISHED]
    total = (
        len(plan.agencies)
        + sum(len(a.specialties) for a in plan.agencies)
        + 2 * (len(plan.candidates) + len(plan.representatives))
        + len(plan.engagements)
        + sum(len(e.events) for e in plan.engagements)
        + len(plan.reviews)
        + len(published)
    )
    with tqdm(total=total, desc="Saving", unit="row", disable=not progress, file=sys.stderr) as bar:
        agencies = build_agencies(plan, specialty_ids, bar)
        candidates, representative_of = build_users(plan, bar)
        engagements = [
            Engagement(
                candidate_id=candidates[e.candidate].pk,
                agency_id=agencies[e.agency].pk,
                role_title=e.role_title,
                source=e.source,
                started_on=e.started_on,
            )
            for e in plan.engagements
        ]
        save_all(Engagement, engagements, bar)
        events = [
            # agency_id is set explicitly: a deferred composite foreign key checks it.
            Event(
                engagement_id=engagement.pk,
                agency_id=engagement.agency_id,
                kind=event.kind,
                occurred_on=event.day,
                occurred_at=event.time,
                note=event.note,
                role_details_disclosed=event.disclosed,
            )
            for engagement, engagement_plan in zip(engagements, plan.engagements, strict=True)
            for event in engagement_plan.events
        ]
        save_all(Event, events, bar)
        reviews = {
            id(r): Review(
                engagement_id=engagements[r.engagement].pk,
                agency_id=engagements[r.engagement].agency_id,
                rating_communication=r.ratings[0],
                rating_honesty=r.ratings[1],
                rating_feedback=r.ratings[2],
                rating_respect=r.ratings[3],
                text=r.text,
                status=r.status,
                submitted_at=r.submitted_at,
                published_at=r.published_at,
            )
            for r in plan.reviews
        }
        save_all(Review, list(reviews.values()), bar)
        history = [
            ReviewStatusChange(
                review=reviews[id(r)],
                from_status="",
                to_status=ReviewStatus.PUBLISHED,
                created_at=r.published_at,
            )
            for r in published
        ]
        save_all(ReviewStatusChange, history, bar)
        answered = [r for r in plan.reviews if r.reply_text]
        replies = AgencyReply.objects.bulk_create(
            AgencyReply(
                review=reviews[id(r)],
                text=r.reply_text,
                author=representative_of[plan.engagements[r.engagement].agency],
            )
            for r in answered
        )
        # created_at is auto_now_add: date each reply after the review it answers.
        for reply, r in zip(replies, answered, strict=True):
            AgencyReply.objects.filter(pk=reply.pk).update(
                created_at=r.reply_at, updated_at=r.reply_at
            )
    return {
        "agencies": len(agencies),
        "candidates": len(candidates),
        "engagements": len(engagements),
        "events": len(events),
        "reviews": len(reviews),
        "published": len(history),
        "replies": len(replies),
    }
