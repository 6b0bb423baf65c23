"""Which rows of an engagement become events: new ones, checked as the logbook checks them."""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from reviews.event_kinds import Kind
from reviews.importing.format import STARTED
from reviews.importing.problems import Problem
from reviews.importing.rows import RowValues
from reviews.timeline import Step, outcome_after_withdrawal

if TYPE_CHECKING:
    from reviews.importing.planning import PlannedEngagement

NO_TIME = datetime.time.min


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """An event the import adds."""

    row: int
    kind: str
    occurred_on: datetime.date
    occurred_at: datetime.time | None
    note: str
    role_details_disclosed: bool | None


def _timeline_key(day, time, origin: int, order: int) -> tuple:
    # The logbook's order: by date, events without a time first, then by time; events
    # already there before rows of the file on the same moment.
    return (day, time is not None, time or NO_TIME, origin, order)


def plan_events(
    planned: "PlannedEngagement", rows: list[RowValues], existing: list[dict]
) -> list[Problem]:
    """Add to ``planned`` the events of ``rows`` not already on the engagement, checked as
    the logbook checks them; returns the problems found."""
    problems: list[Problem] = []
    present = Counter(
        (e["kind"], e["occurred_on"], e["occurred_at"], e["note"].replace("\r\n", "\n").strip())
        for e in existing
    )
    for row in rows:
        if row.kind == STARTED:
            if planned.existing_id is not None:
                planned.skipped_rows.append(row.number)
            continue
        key = (row.kind, row.day, row.time, row.note.strip())
        if present[key] > 0:
            # Counted, not just seen: two identical events in the file stay two.
            present[key] -= 1
            planned.skipped_rows.append(row.number)
            continue
        if row.day < planned.started_on:
            problems.append(
                Problem(
                    row.number,
                    "date",
                    gettext("The date cannot be before the engagement began (%(date)s).")
                    % {"date": planned.started_on.isoformat()},
                )
            )
            continue
        planned.events.append(
            PlannedEvent(
                row=row.number,
                kind=row.kind,
                occurred_on=row.day,
                occurred_at=row.time,
                note=row.note,
                role_details_disclosed=row.disclosed,
            )
        )
    if any(event.kind in (Kind.WITHDREW, Kind.REJECTED, Kind.OFFER) for event in planned.events):
        problems.extend(withdrawal_problems(existing, planned.events))
    return problems


def withdrawal_problems(existing: list[dict], added: list[PlannedEvent]) -> list[Problem]:
    """Rows that would put an agency outcome after the candidate withdrew."""
    timeline: list[tuple[tuple, str, datetime.date, int | None]] = [
        (
            _timeline_key(e["occurred_on"], e["occurred_at"], 0, e["pk"]),
            e["kind"],
            e["occurred_on"],
            None,
        )
        for e in existing
    ]
    timeline += [
        (_timeline_key(e.occurred_on, e.occurred_at, 1, e.row), e.kind, e.occurred_on, e.row)
        for e in added
    ]
    timeline.sort(key=lambda entry: entry[0])
    problems = []
    while (
        index := outcome_after_withdrawal([Step(kind, day) for _, kind, day, _ in timeline])
    ) is not None:
        _, kind, day, row = timeline[index]
        withdrawals = [i for i in range(index) if timeline[i][1] == Kind.WITHDREW]
        if row is not None:
            withdrew_on = timeline[withdrawals[-1]][2] if withdrawals else day
            problems.append(
                Problem(
                    row,
                    "event",
                    gettext("An agency outcome cannot come after you withdrew (on %(date)s).")
                    % {"date": withdrew_on.isoformat()},
                )
            )
            del timeline[index]
            continue
        # The outcome is in the logbook already: the file's withdrawal before it is wrong.
        new_withdrawals = [i for i in withdrawals if timeline[i][3] is not None]
        if not new_withdrawals:
            del timeline[index]  # an older timeline's own inconsistency, not this file's
            continue
        problems.append(
            Problem(
                timeline[new_withdrawals[-1]][3],
                "event",
                gettext(
                    "This withdrawal comes before an agency outcome already in the logbook "
                    "(%(kind)s on %(date)s)."
                )
                % {"kind": kind, "date": day.isoformat()},
            )
        )
        del timeline[new_withdrawals[-1]]
    return problems
