"""What a timeline says, for the candidate's pages and for validation (pure, no Django).

The same rules as the scoring core (docs/scoring.md), applied to one engagement as the
candidate sees it: its state, how long they have waited, and which events do not fit.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from reviews.event_kinds import ACTOR_BY_KIND, AWAITING_KINDS, Actor, Kind

AGENCY_ANSWERS = frozenset(
    kind for kind, actor in ACTOR_BY_KIND.items() if actor != Actor.CANDIDATE
)
AGENCY_OUTCOMES = frozenset({Kind.REJECTED, Kind.OFFER})
CLOSING_KINDS = frozenset({Kind.REJECTED, Kind.OFFER, Kind.WITHDREW})


class State(StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"
    CLOSED = "closed"
    GHOSTED = "ghosted"


@dataclass(frozen=True, slots=True)
class Step:
    """One event as the timeline rules need it, in the order it happened."""

    kind: str
    day: datetime.date


@dataclass(frozen=True, slots=True)
class Reading:
    """The platform's reading of a timeline."""

    state: State
    waiting_since: datetime.date | None  # last unanswered awaiting point, when there is one
    waiting_days: int | None  # days since then, up to ``today``


def steps_of(events) -> list[Step]:
    """Steps of events in the order given: anything with a ``kind`` and an ``occurred_on``."""
    return [Step(kind=event.kind, day=event.occurred_on) for event in events]


def read_timeline(steps: Sequence[Step], *, today: datetime.date, ghosting_days: int) -> Reading:
    """State of an engagement: closed, ghosted, waiting on the agency, or active."""
    waiting_since: datetime.date | None = None
    silent = False
    for step in steps:
        if step.kind in AGENCY_ANSWERS:
            waiting_since = None
            silent = False
        if step.kind in AWAITING_KINDS:
            waiting_since = step.day
        elif step.kind == Kind.SILENCE:
            silent = True
    waiting_days = None if waiting_since is None else (today - waiting_since).days
    if any(step.kind in CLOSING_KINDS for step in steps):
        state = State.CLOSED
    elif silent or (waiting_days is not None and waiting_days > ghosting_days):
        state = State.GHOSTED
    elif waiting_since is not None:
        state = State.WAITING
    else:
        state = State.ACTIVE
    return Reading(state=state, waiting_since=waiting_since, waiting_days=waiting_days)


def outcome_after_withdrawal(steps: Sequence[Step]) -> int | None:
    """Index of the first agency outcome logged after the candidate withdrew, if any."""
    withdrawn = False
    for index, step in enumerate(steps):
        if step.kind == Kind.WITHDREW:
            withdrawn = True
        elif withdrawn and step.kind in AGENCY_OUTCOMES:
            return index
    return None


def unprompted_replies(steps: Sequence[Step]) -> set[int]:
    """Indexes of `reply` events with no candidate message or step before them to answer."""
    flagged = set()
    awaiting = False
    for index, step in enumerate(steps):
        if step.kind == Kind.REPLY and not awaiting:
            flagged.add(index)
        if step.kind in AGENCY_ANSWERS:
            awaiting = False
        if step.kind in AWAITING_KINDS:
            awaiting = True
    return flagged
