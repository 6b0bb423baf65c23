"""What an import would do: rows matched to accounts, agencies, engagements and events.

Every lookup is one query for the whole file (accounts, agencies, engagements, events), so
the time an import takes grows with its rows, not with round trips to the database.
"""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext

from reviews.importing.agencies import (
    AgencyIndex,
    NewAgency,
    engagement_agency,
    rows_name_agency,
)
from reviews.importing.events import PlannedEvent, plan_events
from reviews.importing.format import GENERATED_REFERENCE
from reviews.importing.problems import Problem
from reviews.importing.reading import ReadFile
from reviews.importing.rows import RowValues, read_values
from reviews.models import Engagement, Event, Source, latest_date_anywhere


@dataclass(slots=True)
class PlannedEngagement:
    """An engagement of the file: created, or found in the logbook and extended."""

    candidate: str  # the candidate's e-mail in lower case
    reference: str
    agency_name: str
    agency_id: int | None  # None: ``new_agency``
    new_agency: NewAgency | None
    existing_id: int | None
    role_title: str
    source: str
    started_on: datetime.date
    first_row: int
    events: list[PlannedEvent] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ImportPlan:
    """What an import would change, or every problem that prevents it."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    accounts_to_create: list[str] = field(default_factory=list)
    agencies_to_create: list[NewAgency] = field(default_factory=list)
    engagements: list[PlannedEngagement] = field(default_factory=list)
    candidate_ids: dict[str, int] = field(default_factory=dict)
    saved: bool = False

    @property
    def engagements_to_create(self) -> list[PlannedEngagement]:
        return [e for e in self.engagements if e.existing_id is None]

    @property
    def engagements_to_extend(self) -> list[PlannedEngagement]:
        return [e for e in self.engagements if e.existing_id is not None and e.events]

    @property
    def events_to_add(self) -> int:
        return sum(len(e.events) for e in self.engagements)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted(row for e in self.engagements for row in e.skipped_rows)

    @property
    def has_changes(self) -> bool:
        return bool(self.accounts_to_create or self.engagements_to_create or self.events_to_add)


def plan_import(
    read: ReadFile,
    *,
    candidate,
    staff: bool = False,
    create_users: bool = False,
    lock: bool = False,
    progress=None,
) -> ImportPlan:
    """What importing ``read`` for ``candidate`` (a User, or an e-mail) would change.

    ``staff`` lets the ``candidate`` column name other people; ``create_users`` plans
    accounts for unknown e-mails instead of reporting them; ``lock`` holds the candidates'
    rows until the transaction ends, so two imports for one person run one after the other.
    """
    plan = ImportPlan(rows=len(read.rows), problems=list(read.problems))
    if not read.complete:
        return plan
    today = latest_date_anywhere()
    values: list[RowValues] = []
    for raw in read.rows:
        values.append(read_values(raw, plan.problems, today=today))
        if progress is not None:
            progress.update(1)
    _resolve_candidates(values, candidate, plan, staff=staff, create_users=create_users)
    if lock and plan.candidate_ids:
        user_model = get_user_model()
        ids = sorted(set(plan.candidate_ids.values()))
        list(user_model.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    groups: dict[tuple[str, str], list[RowValues]] = {}
    for row in values:
        if row.groupable:
            groups.setdefault((row.candidate, row.reference), []).append(row)
    _plan_engagements(groups, plan)
    plan.problems.sort(key=lambda problem: problem.sort_key)
    return plan


def _resolve_candidates(
    values: list[RowValues], default, plan: ImportPlan, *, staff: bool, create_users: bool
) -> None:
    """Give each row its candidate's e-mail key; find their accounts or plan new ones."""
    default_key = ""
    if isinstance(default, str):
        default_key = default.strip().lower()
    elif default is not None:
        default_key = default.email.lower()
        plan.candidate_ids[default_key] = default.pk
    first_row: dict[str, int] = {}
    for row in values:
        if row.candidate and not staff and row.candidate != default_key:
            plan.problems.append(
                Problem(
                    row.number,
                    "candidate",
                    gettext(
                        "You can import only your own experiences: leave this column empty "
                        "or remove it."
                    ),
                )
            )
            row.groupable = row.usable = False
            continue
        row.candidate = row.candidate or default_key
        if not row.candidate:
            plan.problems.append(
                Problem(
                    row.number,
                    "candidate",
                    gettext("No candidate for this row: fill this column or give --user."),
                )
            )
            row.groupable = row.usable = False
            continue
        first_row.setdefault(row.candidate, row.number)
    wanted = set(first_row) - set(plan.candidate_ids)
    if not wanted:
        return
    user_model = get_user_model()
    found = dict(
        user_model.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=wanted)
        .values_list("email_key", "pk")
    )
    if wanted - set(found):
        # An account may be known by a further address of its own.
        for key, user_id in (
            EmailAddress.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=wanted - set(found))
            .values_list("email_key", "user_id")
        ):
            found.setdefault(key, user_id)
    plan.candidate_ids.update(found)
    for key in sorted(wanted - set(found), key=first_row.__getitem__):
        if create_users:
            plan.accounts_to_create.append(key)
        else:
            plan.problems.append(
                Problem(
                    first_row[key],
                    "candidate",
                    gettext(
                        "No account uses %(email)s; run the command with --create-users to "
                        "create one."
                    )
                    % {"email": key},
                )
            )
            for row in values:
                if row.candidate == key:
                    row.groupable = row.usable = False


def _plan_engagements(groups: dict[tuple[str, str], list[RowValues]], plan: ImportPlan) -> None:
    """Match each group of rows to an engagement and decide which events to add."""
    existing = _existing_engagements(groups, plan.candidate_ids)
    index = AgencyIndex(
        (row for rows in groups.values() for row in rows),
        (engagement["agency_id"] for engagement in existing.values()),
    )
    events = _existing_events([e["pk"] for e in existing.values()])
    new_by_domain: dict[str, NewAgency] = {}
    new_by_name: dict[str, NewAgency] = {}
    for (candidate, reference), rows in groups.items():
        found = existing.get((plan.candidate_ids.get(candidate), reference))
        if found is not None:
            agency_id, new_agency = found["agency_id"], None
            agency_name = index.agencies[agency_id]["name"]
            started_on = found["started_on"]
            mismatches = rows_name_agency(
                rows,
                index=index,
                agency_id=agency_id,
                new_agency=None,
                agency_name=agency_name,
                existing=True,
            )
            if mismatches:
                plan.problems.extend(mismatches)
                continue
        else:
            agency_id, new_agency = engagement_agency(rows, index, new_by_domain, new_by_name)
            if new_agency is not None and new_agency not in plan.agencies_to_create:
                plan.agencies_to_create.append(new_agency)
            agency_name = new_agency.name if new_agency else index.agencies[agency_id]["name"]
            mismatches = rows_name_agency(
                rows,
                index=index,
                agency_id=agency_id,
                new_agency=new_agency,
                agency_name=agency_name,
                existing=False,
            )
            if mismatches:
                plan.problems.extend(mismatches)
                continue
        # Rows whose date or event is bad still named their agency (checked above); they
        # take no further part.
        rows = [row for row in rows if row.usable]
        if not rows:
            continue
        if found is None:
            started_on = min(row.day for row in rows)
        planned = PlannedEngagement(
            candidate=candidate,
            reference=reference,
            agency_name=agency_name,
            agency_id=agency_id,
            new_agency=new_agency,
            existing_id=found["pk"] if found else None,
            role_title=next((row.role for row in rows if row.role), ""),
            source=next((row.source for row in rows if row.source), Source.APPLICATION),
            started_on=started_on,
            first_row=rows[0].number,
        )
        plan.problems.extend(plan_events(planned, rows, events.get(planned.existing_id, [])))
        plan.engagements.append(planned)
    for agency in plan.agencies_to_create:
        if not agency.country:
            plan.problems.append(
                Problem(
                    agency.first_row,
                    "country",
                    gettext(
                        "%(agency)s is a new agency: give its country as a two-letter code "
                        "such as GB or ES."
                    )
                    % {"agency": agency.name},
                )
            )


def _existing_engagements(
    groups: dict[tuple[str, str], list[RowValues]], candidate_ids: dict[str, int]
) -> dict[tuple[int, str], dict]:
    """The candidates' engagements the file's references name, by (candidate id, reference).

    A reference the export generated for an engagement without one finds that engagement,
    if it belongs to the same candidate and still has no reference.
    """
    wanted = {
        (candidate_ids[candidate], reference)
        for candidate, reference in groups
        if candidate in candidate_ids
    }
    if not wanted:
        return {}
    generated = {
        int(match.group(1)): key for key in wanted if (match := GENERATED_REFERENCE.match(key[1]))
    }
    condition = Q(
        candidate_id__in={candidate for candidate, _ in wanted},
        reference__in={reference for _, reference in wanted},
    )
    if generated:
        condition |= Q(pk__in=set(generated), reference="")
    found: dict[tuple[int, str], dict] = {}
    by_generated: dict[tuple[int, str], dict] = {}
    for engagement in Engagement.objects.filter(condition).values(
        "pk", "candidate_id", "reference", "agency_id", "started_on"
    ):
        key = (engagement["candidate_id"], engagement["reference"])
        if engagement["reference"] and key in wanted:
            found[key] = engagement
        elif not engagement["reference"]:
            named = generated.get(engagement["pk"])
            if named is not None and named[0] == engagement["candidate_id"]:
                by_generated[named] = engagement
    return by_generated | found


def _existing_events(engagement_ids: list[int]) -> dict[int, list[dict]]:
    """The events already on these engagements, in timeline order."""
    if not engagement_ids:
        return {}
    events: dict[int, list[dict]] = {}
    for event in (
        Event.objects.filter(engagement_id__in=engagement_ids)
        .order_by()
        .values("pk", "engagement_id", "kind", "occurred_on", "occurred_at", "note")
    ):
        events.setdefault(event["engagement_id"], []).append(event)
    return events
