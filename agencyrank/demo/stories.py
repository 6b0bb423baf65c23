"""How an engagement unfolds: agencies' behaviour profiles and the timelines they lead to.

Each demo agency has a hidden ``Behaviour`` (drawn from ``PROFILES``); a ``Timeline`` writes
one engagement's story event by event from it, drawing every choice from the caller's
``random.Random``, so the same generator state always writes the same story. Pure: no
Django, no clock.
"""

import datetime as dt
from dataclasses import dataclass, fields, replace
from random import Random

from agencyrank.demo.vocabulary import (
    OFFER_NOTES,
    ROLE_NOT_REAL_NOTES,
    SALARY_FISHING_NOTES,
    SILENCE_NOTES,
)
from reviews.event_kinds import Kind

# --- Behaviour profiles ----------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """How an agency treats candidates: the probabilities and delays its timelines follow."""

    reply: float  # answers a candidate who is waiting on it
    delay_min: int  # days it takes to answer, shortest ...
    delay_max: int  # ... and longest
    acknowledge: float  # confirms it received a CV
    feedback: float  # gives substantive feedback after an interview
    notice: float  # tells a candidate they were not selected
    follow_up: float  # gets back in touch after a rejection
    submit: float  # actually puts a CV forward to the client
    harvest: float  # the role does not exist: the CV is for its database
    salary_ask: float  # asks about pay at all
    fishing: float  # asks about pay before naming the client and the band
    quality: float  # how candidates feel about it, 0 to 1, for review ratings

    def delay(self, rng: Random) -> int:
        """Days this agency takes to answer, drawn from its range."""
        return rng.randint(self.delay_min, self.delay_max)


# Fields in order: reply, delay_min, delay_max, acknowledge, feedback, notice, follow_up,
# submit, harvest, salary_ask, fishing, quality.
PROFILES = {
    "responsive": Behaviour(0.95, 0, 4, 0.75, 0.85, 0.92, 0.55, 0.85, 0.02, 0.35, 0.05, 0.85),
    "average": Behaviour(0.72, 1, 10, 0.35, 0.5, 0.55, 0.2, 0.7, 0.06, 0.45, 0.2, 0.62),
    "ghoster": Behaviour(0.3, 8, 35, 0.05, 0.1, 0.15, 0.04, 0.55, 0.1, 0.4, 0.3, 0.2),
    "cv_harvester": Behaviour(0.55, 2, 15, 0.3, 0.25, 0.25, 0.1, 0.35, 0.55, 0.5, 0.4, 0.2),
    "salary_fisher": Behaviour(0.65, 1, 10, 0.3, 0.35, 0.4, 0.15, 0.6, 0.1, 0.92, 0.78, 0.3),
}
# "improving" blends from a ghoster two years ago to a responsive agency now.
PROFILE_WEIGHTS = {
    "responsive": 20,
    "average": 35,
    "ghoster": 17,
    "cv_harvester": 10,
    "salary_fisher": 10,
    "improving": 8,
}


def blend(early: Behaviour, late: Behaviour, t: float) -> Behaviour:
    """The behaviour a fraction ``t`` of the way from ``early`` to ``late``."""
    values = {}
    for f in fields(Behaviour):
        a, b = getattr(early, f.name), getattr(late, f.name)
        value = a + (b - a) * t
        values[f.name] = round(value) if isinstance(a, int) else value
    return Behaviour(**values)


def jittered(behaviour: Behaviour, rng: Random) -> Behaviour:
    """``behaviour`` with each probability nudged, so no two agencies act exactly alike."""
    values = {}
    for f in fields(Behaviour):
        value = getattr(behaviour, f.name)
        if isinstance(value, float):
            value = min(0.98, max(0.0, value * rng.uniform(0.8, 1.15)))
        values[f.name] = value
    return replace(behaviour, **values)


# --- Timelines -------------------------------------------------------------------------------


@dataclass
class PlannedEvent:
    """One event of a planned timeline."""

    kind: Kind
    day: dt.date
    disclosed: bool | None = None
    note: str = ""
    time: dt.time | None = None


class Timeline:
    """An engagement's story written event by event; events past today are cut later."""

    def __init__(self, rng: Random, start: dt.date, behaviour: Behaviour) -> None:
        self.rng = rng
        self.day = start
        self.behaviour = behaviour
        self.events: list[PlannedEvent] = []

    def add(
        self, kind: Kind, after: int = 0, *, disclosed: bool | None = None, note: str = ""
    ) -> None:
        """Append an event ``after`` days after the previous one."""
        self.day += dt.timedelta(days=after)
        self.events.append(PlannedEvent(kind, self.day, disclosed, note))

    def answer_delay(self) -> int:
        """Days the agency takes to act on what the candidate is waiting for."""
        return self.behaviour.delay(self.rng)

    def chance(self, probability: float) -> bool:
        """True with ``probability``."""
        return self.rng.random() < probability


def agency_answers(tl: Timeline) -> bool:
    """Whether the agency acts on the awaiting point; if not, the candidate chases or gives up.

    True means the caller adds the agency's next event; False means the story is over.
    """
    b = tl.behaviour
    if tl.chance(b.reply):
        return True
    if tl.chance(0.7):
        tl.add(Kind.MESSAGE, tl.rng.randint(6, 16))
        if tl.chance(b.reply * 0.6):
            tl.add(Kind.REPLY, tl.answer_delay())
            return True
    if tl.chance(0.5):
        tl.add(Kind.SILENCE, tl.rng.randint(21, 45), note=tl.rng.choice(SILENCE_NOTES))
    return False


def close_rejection(tl: Timeline, *, interviewed: bool) -> None:
    """After a rejection: feedback and a later follow-up, as the agency's habits go."""
    b = tl.behaviour
    if tl.chance(b.feedback if interviewed else b.feedback * 0.4):
        tl.add(Kind.FEEDBACK, tl.rng.randint(0, 2))
    if tl.chance(b.follow_up):
        tl.add(Kind.FOLLOW_UP, tl.rng.randint(14, 80))


def client_rejects(tl: Timeline, *, interviewed: bool) -> None:
    """The client said no: the agency tells the candidate, or the candidate never hears."""
    b = tl.behaviour
    if tl.chance(b.notice):
        tl.add(Kind.REJECTED, tl.answer_delay() + tl.rng.randint(1, 6))
        close_rejection(tl, interviewed=interviewed)
        return
    if tl.chance(0.75):
        tl.add(Kind.MESSAGE, tl.rng.randint(7, 18))
        if tl.chance(b.reply * 0.5):
            tl.add(Kind.REPLY, tl.answer_delay())
            if tl.chance(0.6):
                tl.add(Kind.REJECTED, tl.rng.randint(0, 10))
            return
    if tl.chance(0.5):
        tl.add(Kind.SILENCE, tl.rng.randint(21, 45), note=tl.rng.choice(SILENCE_NOTES))


def cv_harvested(tl: Timeline) -> None:
    """The role never existed: the CV went into the agency's database and that was all."""
    b = tl.behaviour
    if tl.chance(b.acknowledge):
        tl.add(Kind.REPLY, tl.answer_delay())
    roll = tl.rng.random()
    if roll < 0.35:
        tl.add(Kind.MESSAGE, tl.rng.randint(8, 20))
        if tl.chance(b.reply * 0.3):
            tl.add(Kind.REPLY, tl.answer_delay())
        if tl.chance(0.5):
            tl.add(
                Kind.ROLE_NOT_REAL, tl.rng.randint(10, 60), note=tl.rng.choice(ROLE_NOT_REAL_NOTES)
            )
        else:
            tl.add(Kind.SILENCE, tl.rng.randint(21, 40), note=tl.rng.choice(SILENCE_NOTES))
    elif roll < 0.6:
        tl.add(Kind.ROLE_NOT_REAL, tl.rng.randint(10, 60), note=tl.rng.choice(ROLE_NOT_REAL_NOTES))
    elif roll < 0.8:
        tl.add(Kind.SILENCE, tl.rng.randint(25, 50), note=tl.rng.choice(SILENCE_NOTES))
    if tl.chance(0.15):
        # Another "exciting opportunity" months later: the database at work.
        tl.add(Kind.FOLLOW_UP, tl.rng.randint(30, 120))


def interviews(tl: Timeline) -> None:
    """One to three interview rounds, then an offer, a withdrawal or a rejection."""
    b = tl.behaviour
    rounds = tl.rng.choice((1, 1, 2, 2, 3))
    for round_number in range(1, rounds + 1):
        tl.add(Kind.INTERVIEW, tl.rng.randint(3, 12))
        if tl.chance(0.04):
            tl.add(Kind.WITHDREW, tl.rng.randint(1, 7))
            return
        if round_number == rounds:
            break
        if tl.chance(0.25):
            client_rejects(tl, interviewed=True)
            return
        if not agency_answers(tl):
            return
        tl.add(Kind.FEEDBACK if tl.chance(b.feedback) else Kind.REPLY, tl.answer_delay())
    roll = tl.rng.random()
    if roll < 0.22:
        if tl.chance(b.feedback * 0.5):
            tl.add(Kind.FEEDBACK, tl.answer_delay())
        tl.add(Kind.OFFER, tl.rng.randint(1, 5), note=tl.rng.choice(OFFER_NOTES))
        if tl.chance(0.12):
            tl.add(Kind.WITHDREW, tl.rng.randint(2, 10))  # turned the offer down
    elif roll < 0.3:
        tl.add(Kind.WITHDREW, tl.rng.randint(1, 10))
    else:
        client_rejects(tl, interviewed=True)


def write_story(tl: Timeline, source: str) -> None:
    """The whole story of one engagement, from first contact to its end.

    ``source`` is a ``reviews.models.Source`` value: it decides who made the first move.
    """
    b = tl.behaviour
    fake_role = tl.chance(b.harvest)
    if source in ("job_board", "application") or (source == "referral" and tl.chance(0.5)):
        tl.add(Kind.APPLIED)
        if not agency_answers(tl):
            return
        if not fake_role and tl.chance(0.15):
            tl.add(Kind.REJECTED, tl.answer_delay())  # screened out on the CV alone
            close_rejection(tl, interviewed=False)
            return
        tl.add(Kind.CONTACTED if tl.chance(0.6) else Kind.REPLY, tl.answer_delay())
    else:
        tl.add(Kind.CONTACTED)
    asks_salary = tl.chance(b.salary_ask)
    fishing = asks_salary and tl.chance(b.fishing)
    if fishing:
        disclosed = None if tl.chance(0.12) else False
        tl.add(
            Kind.SALARY_ASKED,
            tl.rng.randint(0, 1),
            disclosed=disclosed,
            note=tl.rng.choice(SALARY_FISHING_NOTES) if tl.chance(0.4) else "",
        )
    if fake_role or tl.chance(0.85):
        tl.add(Kind.CV_REQUESTED, tl.rng.randint(0, 2))
        if tl.chance(0.05):
            tl.add(Kind.WITHDREW, tl.rng.randint(1, 6))
            return
        tl.add(Kind.CV_SENT, tl.rng.randint(0, 2))
    if fake_role:
        cv_harvested(tl)
        return
    if asks_salary and not fishing:
        tl.add(Kind.SALARY_ASKED, tl.rng.randint(0, 3), disclosed=tl.chance(0.85) or None)
    if tl.chance(b.acknowledge):
        tl.add(Kind.REPLY, tl.answer_delay())
    if not agency_answers(tl):
        return
    if not tl.chance(b.submit):
        client_rejects(tl, interviewed=False)  # the agency itself passes on the profile
        return
    tl.add(Kind.SUBMITTED, tl.answer_delay())
    if tl.chance(0.35):
        client_rejects(tl, interviewed=False)
        return
    interviews(tl)


def set_times(rng: Random, events: list[PlannedEvent]) -> None:
    """Give some events a time of day, never on a day shared with another event.

    Events without a time sort first within a day, so a time on a shared day could put
    the timeline out of order; events that share a day keep their insertion order.
    """
    days = [e.day for e in events]
    for event in events:
        if days.count(event.day) == 1 and rng.random() < 0.3:
            event.time = dt.time(rng.randint(8, 18), rng.choice((0, 15, 30, 45)))
