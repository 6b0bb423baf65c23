"""From events to cases: the rules of docs/scoring.md, "The metrics", and the weights."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from agencies.scoring.config import DEFAULT_CONFIG, METRICS, ScoringConfig
from agencies.scoring.evidence import EventRow, Evidence, Tally
from reviews.event_kinds import ACTOR_BY_KIND, AWAITING_KINDS, OUTCOME_KINDS, Actor, Kind

_BIT: dict[str, int] = {kind.value: 1 << position for position, kind in enumerate(Kind)}


def _mask(kinds: Iterable[str]) -> int:
    mask = 0
    for kind in kinds:
        mask |= _BIT[kind]
    return mask


_AGENCY_ANSWER = _mask(kind for kind, actor in ACTOR_BY_KIND.items() if actor != Actor.CANDIDATE)
_AWAITING = _mask(AWAITING_KINDS)
_HEARD_BACK = _mask({Kind.FEEDBACK, Kind.REJECTED, Kind.OFFER, Kind.INTERVIEW})
_FOLLOWED_UP = _mask({Kind.FEEDBACK, Kind.FOLLOW_UP})
_CLOSED = _mask({Kind.REJECTED, Kind.OFFER})
_CV = _mask({Kind.CV_REQUESTED, Kind.CV_SENT})
_CV_LED_SOMEWHERE = _mask({Kind.SUBMITTED, Kind.INTERVIEW, *OUTCOME_KINDS})
_INTERVIEW = _BIT[Kind.INTERVIEW]
_REJECTED = _BIT[Kind.REJECTED]
_SALARY_ASKED = _BIT[Kind.SALARY_ASKED]
_SILENCE = _BIT[Kind.SILENCE]
_WITHDREW = _BIT[Kind.WITHDREW]
_ROLE_NOT_REAL = _BIT[Kind.ROLE_NOT_REAL]


def _judge_engagement(
    events: list[EventRow], today: int, config: ScoringConfig, delays: dict[int, int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """One engagement's (hits, cases) per metric, in METRICS order; answered delays go to delays.

    ``events`` must be in the order they happened.
    """
    reply_window = config.reply_window_days
    reply_hits = reply_cases = heard_hits = heard_cases = followed_hits = followed_cases = 0
    waiting: list[int] = []  # days of awaiting points nobody has answered yet
    silenced = 0  # how many of `waiting` were there when the candidate declared silence
    interviews: list[int] = []  # days of interviews not heard back on yet
    rejections: list[int] = []  # days of rejections not followed up yet
    seen = 0
    silent = False  # a declared silence with no agency answer after it
    last_waiting_day = -1  # day of the last awaiting point while no answer follows it
    fished = disclosed_seen = False

    for _, _, day, _, _, kind, disclosed in events:
        bit = _BIT[kind]
        seen |= bit
        if bit & _AGENCY_ANSWER:
            silent = False
            last_waiting_day = -1
            if waiting:
                for asked_on in waiting:
                    delay = day - asked_on
                    delays[delay] = delays.get(delay, 0) + 1
                    if delay <= reply_window:
                        reply_hits += 1
                reply_cases += len(waiting)
                waiting = []
                silenced = 0
            if interviews and bit & _HEARD_BACK:
                for interviewed_on in interviews:
                    if day - interviewed_on <= config.feedback_window_days:
                        heard_hits += 1
                heard_cases += len(interviews)
                interviews = []
            if rejections and bit & _FOLLOWED_UP:
                for rejected_on in rejections:
                    if day - rejected_on <= config.follow_up_window_days:
                        followed_hits += 1
                followed_cases += len(rejections)
                rejections = []
            if bit == _REJECTED:
                rejections.append(day)
            elif bit == _SALARY_ASKED and disclosed is not None:
                if disclosed:
                    disclosed_seen = True
                else:
                    fished = True
        if bit & _AWAITING:
            waiting.append(day)
            last_waiting_day = day
            if bit == _INTERVIEW:
                interviews.append(day)
        elif bit == _SILENCE:
            silent = True
            silenced = len(waiting)
            heard_cases += len(interviews)
            interviews = []
        elif bit == _WITHDREW:
            # Nobody owes an answer to a candidate who left: open points are dropped.
            waiting = []
            silenced = 0
            interviews = []

    if waiting:
        reply_cases += silenced
        for asked_on in waiting[silenced:]:
            if today - asked_on > reply_window:
                reply_cases += 1
    for interviewed_on in interviews:
        if today - interviewed_on > config.feedback_window_days:
            heard_cases += 1
    for rejected_on in rejections:
        if today - rejected_on > config.follow_up_window_days:
            followed_cases += 1

    ghosted = ended = 0
    if seen & _CLOSED:
        ended = 1
    elif not seen & _WITHDREW and (
        silent or (last_waiting_day >= 0 and today - last_waiting_day > config.ghosting_window_days)
    ):
        ghosted = ended = 1

    harvested = cv_decided = 0
    if seen & _CV:
        if seen & _ROLE_NOT_REAL or (ghosted and not seen & _CV_LED_SOMEWHERE):
            harvested = cv_decided = 1
        elif seen & _CV_LED_SOMEWHERE:
            cv_decided = 1

    # Unknown disclosure is no evidence either way: such an engagement is left out.
    fishing_case = 0 if seen & _SALARY_ASKED and not (fished or disclosed_seen) else 1

    return (
        (reply_hits, ghosted, heard_hits, followed_hits, harvested, int(fished)),
        (reply_cases, ended, heard_cases, followed_cases, cv_decided, fishing_case),
    )


def summarise_agency(
    rows: Iterable[EventRow], *, now: date, config: ScoringConfig = DEFAULT_CONFIG
) -> Evidence:
    """One agency's cases per metric, weighted by recency and account cap; rows in any order."""
    by_engagement: dict[int, list[EventRow]] = {}
    for row in rows:
        events = by_engagement.get(row[0])
        if events is None:
            by_engagement[row[0]] = [row]
        else:
            events.append(row)

    today = now.toordinal()
    half_life = config.half_life_days
    cap = config.account_cap
    per_candidate = Counter(events[0][1] for events in by_engagement.values())
    hits = [0] * len(METRICS)
    cases = [0] * len(METRICS)
    weighted_hits = [0.0] * len(METRICS)
    weighted_cases = [0.0] * len(METRICS)
    delays: dict[int, int] = {}

    # Sorted engagement ids fix the order of float sums, so shuffled rows give equal evidence.
    for engagement in sorted(by_engagement):
        events = by_engagement[engagement]
        # Within one engagement, engagement and candidate are constant, so plain tuple order
        # is (day, seconds, event_id); event ids are unique, so later fields never compare.
        events.sort()
        age = today - events[-1][2]
        weight = 0.5 ** (age / half_life) if age > 0 else 1.0
        logged = per_candidate[events[0][1]]
        if logged > cap:
            weight *= cap / logged
        engagement_hits, engagement_cases = _judge_engagement(events, today, config, delays)
        for index, count in enumerate(engagement_cases):
            if count:
                hit = engagement_hits[index]
                hits[index] += hit
                cases[index] += count
                weighted_hits[index] += hit * weight
                weighted_cases[index] += count * weight

    return Evidence(
        engagements=len(by_engagement),
        tallies={
            metric: Tally(hits[i], cases[i], weighted_hits[i], weighted_cases[i])
            for i, metric in enumerate(METRICS)
        },
        reply_delays=dict(sorted(delays.items())),
    )
