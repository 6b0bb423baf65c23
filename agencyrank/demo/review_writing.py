"""What a candidate writes about a finished engagement: the facts, the ratings, the text.

``story_facts`` reads a planned timeline the way a candidate remembers it; the ratings and
the review text follow from those facts and the agency's quality, drawing every choice from
the caller's ``random.Random``. Pure: no Django, no clock.
"""

import datetime as dt
from collections.abc import Sequence
from random import Random

from agencyrank.demo.stories import PlannedEvent
from agencyrank.demo.vocabulary import CLOSINGS, FACT_SENTENCES, OPENINGS
from reviews.event_kinds import ACTOR_BY_KIND, AWAITING_KINDS, Actor, Kind

AGENCY_KINDS = frozenset(k for k, actor in ACTOR_BY_KIND.items() if actor == Actor.AGENCY)


def story_facts(events: Sequence[PlannedEvent]) -> set[str]:
    """What a candidate would remember of a timeline, as keys of FACT_SENTENCES."""
    kinds = [e.kind for e in events]
    facts: set[str] = set()
    delays = []
    waiting_since: dt.date | None = None
    for event in events:
        if event.kind in AGENCY_KINDS and waiting_since is not None:
            delays.append((event.day - waiting_since).days)
            waiting_since = None
        elif event.kind in AWAITING_KINDS and waiting_since is None:
            waiting_since = event.day
    if delays and sorted(delays)[len(delays) // 2] <= 3:
        facts.add("quick")
    if delays and sorted(delays)[len(delays) // 2] >= 14:
        facts.add("slow")
    if Kind.FEEDBACK in kinds:
        facts.add("feedback")
    elif Kind.INTERVIEW in kinds and Kind.OFFER not in kinds:
        facts.add("no_feedback")
    if Kind.REJECTED in kinds:
        facts.add("notice")
    if Kind.SILENCE in kinds or (kinds and kinds[-1] in AWAITING_KINDS):
        facts.add("ghosted")
    if Kind.ROLE_NOT_REAL in kinds:
        facts.add("fake")
    for event in events:
        if event.kind == Kind.SALARY_ASKED:
            facts.add("fishing" if event.disclosed is False else "disclosed")
    if Kind.OFFER in kinds:
        facts.add("offer")
    if Kind.FOLLOW_UP in kinds and Kind.ROLE_NOT_REAL not in kinds:
        facts.add("follow_up")
    if Kind.WITHDREW in kinds:
        facts.add("withdrew")
    return facts


def review_ratings(rng: Random, quality: float, facts: set[str]) -> tuple[int, int, int, int]:
    """Communication, honesty, feedback and respect ratings that fit the story."""
    base = quality
    base += 0.15 * ("offer" in facts) + 0.1 * ("feedback" in facts) + 0.05 * ("notice" in facts)
    base -= 0.25 * ("ghosted" in facts) + 0.35 * ("fake" in facts) + 0.15 * ("fishing" in facts)
    communication = base + 0.1 * ("quick" in facts) - 0.15 * ("slow" in facts)
    honesty = base - 0.25 * ("fake" in facts or "fishing" in facts)
    feedback = base + 0.15 * ("feedback" in facts) - 0.15 * ("no_feedback" in facts)
    respect = base - 0.15 * ("ghosted" in facts)
    return tuple(
        min(5, max(1, round(1 + 4 * value + rng.gauss(0, 0.45))))
        for value in (communication, honesty, feedback, respect)
    )


def tone_of(ratings: Sequence[int]) -> str:
    """ "good", "mixed" or "bad", from the average rating."""
    average = sum(ratings) / len(ratings)
    return "good" if average >= 3.75 else "bad" if average <= 2.25 else "mixed"


def review_text(rng: Random, language: str, tone: str, facts: set[str]) -> str:
    """Two to four short sentences: an opening, what happened, sometimes a closing."""
    sentences = [rng.choice(OPENINGS[f"{language} {tone}"])]
    known = sorted(facts)
    rng.shuffle(known)
    sentences += [
        rng.choice(FACT_SENTENCES[f"{language} {fact}"]) for fact in known[: rng.choice((1, 2))]
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(CLOSINGS[f"{language} {tone}"]))
    return " ".join(sentences)
