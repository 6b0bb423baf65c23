"""Properties of the scoring core that hold for any agency's events (docs/scoring.md)."""

from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agencies.scoring import METRICS, EventRow, score_evidence, summarise_agency
from reviews.event_kinds import ACTOR_BY_KIND, AWAITING_KINDS, Actor, Kind

NOW = date(2026, 6, 30)
TODAY = NOW.toordinal()
KINDS = [kind.value for kind in Kind]
# Gaps around every window's edge (14, 21, 30, 90 days), so cases fall on both sides of it.
GAPS = [0, 0, 0, 1, 2, 5, 13, 14, 15, 20, 21, 22, 29, 30, 31, 60, 89, 90, 91, 200]

platform_rates = st.fixed_dictionaries(
    {metric: st.floats(min_value=0.05, max_value=0.95) for metric in METRICS}
)


@st.composite
def agencies(draw):
    """An agency's rows: engagements of a few candidates, random events up to two years old."""
    rows = []
    event_id = 0
    for engagement_id in range(draw(st.integers(min_value=0, max_value=10))):
        candidate = draw(st.integers(min_value=1, max_value=4))
        day = TODAY - draw(st.integers(min_value=0, max_value=730))
        for _ in range(draw(st.integers(min_value=1, max_value=10))):
            day = min(TODAY, day + draw(st.sampled_from(GAPS)))
            kind = draw(st.sampled_from(KINDS))
            disclosed = (
                draw(st.sampled_from([True, False, None])) if kind == "salary_asked" else None
            )
            seconds = draw(st.sampled_from([-1, -1, 0, 36_000, 36_000, 86_399]))
            # Spaced ids leave room to log an event right after any other.
            event_id += 10
            rows.append(EventRow(engagement_id, candidate, day, seconds, event_id, kind, disclosed))
    return rows


def rows_of(engagement_id, candidate, start, events):
    """Rows of one engagement from (days after start, kind)."""
    return [
        EventRow(engagement_id, candidate, start + offset, -1, engagement_id * 100 + n, kind, None)
        for n, (offset, kind) in enumerate(events)
    ]


@settings(max_examples=150, deadline=None)
@given(agencies(), platform_rates)
def test_scores_stay_within_0_to_100_and_inside_their_range(rows, platform):
    evidence = summarise_agency(rows, now=NOW)
    result = score_evidence(evidence, platform=platform)

    assert (result.raw_score is None) == (evidence.engagements == 0)
    if result.raw_score is not None:
        assert 0 <= result.raw_score <= 100
    if result.score is not None:
        assert 0 <= result.score_low <= result.score <= result.score_high <= 100
    for tally in evidence.tallies.values():
        assert 0 <= tally.hits <= tally.cases
        assert 0 <= tally.weighted_hits <= tally.weighted_cases <= tally.cases
    assert all(0 <= estimate <= 1 for estimate in result.estimates.values())


@settings(max_examples=150, deadline=None)
@given(agencies(), st.randoms(use_true_random=False))
def test_shuffling_the_rows_never_changes_the_evidence(rows, rng):
    shuffled = list(rows)
    rng.shuffle(shuffled)

    assert summarise_agency(shuffled, now=NOW) == summarise_agency(rows, now=NOW)


def _unanswered_points(rows):
    """Awaiting points with neither an agency answer nor a withdrawal after them."""
    by_engagement = {}
    for row in rows:
        by_engagement.setdefault(row.engagement, []).append(row)
    points = []
    for events in by_engagement.values():
        events.sort(key=lambda row: (row.day, row.seconds, row.event_id))
        for position, event in enumerate(events):
            later = events[position + 1 :]
            if event.kind in AWAITING_KINDS and not any(
                ACTOR_BY_KIND[Kind(row.kind)] != Actor.CANDIDATE or row.kind == Kind.WITHDREW
                for row in later
            ):
                points.append(event)
    return points


@settings(max_examples=150, deadline=None)
@given(agencies(), platform_rates, st.data())
def test_replying_right_after_an_unanswered_point_never_lowers_the_reply_rate(rows, platform, data):
    points = _unanswered_points(rows)
    assume(points)
    point = data.draw(st.sampled_from(points))
    reply = point._replace(event_id=point.event_id + 1, kind="reply", disclosed=None)

    before = summarise_agency(rows, now=NOW)
    after = summarise_agency([*rows, reply], now=NOW)

    shown_before = before.tallies["reply_rate"].rate
    shown_after = after.tallies["reply_rate"].rate
    assert shown_after is not None
    assert shown_before is None or shown_after >= shown_before
    estimate_before = score_evidence(before, platform=platform).estimates["reply_rate"]
    estimate_after = score_evidence(after, platform=platform).estimates["reply_rate"]
    assert estimate_after >= estimate_before


@settings(max_examples=100, deadline=None)
@given(
    perfect_age=st.integers(min_value=0, max_value=730),
    good_ages=st.lists(st.integers(min_value=30, max_value=730), min_size=40, max_size=40),
    rng=st.randoms(use_true_random=False),
    platform=platform_rates,
)
def test_one_perfect_engagement_never_outranks_forty_good_ones(
    perfect_age, good_ages, rng, platform
):
    perfect = rows_of(
        1,
        1,
        TODAY - perfect_age,
        [(0, "applied"), (0, "cv_requested"), (0, "cv_sent"), (0, "interview"), (0, "offer")],
    )
    forty = []
    for number, age in enumerate(good_ages, start=1):
        # Every point answered within a few days.
        days = [0]
        for _ in range(5):
            days.append(days[-1] + rng.randint(0, 5))
        kinds = ["applied", "reply", "cv_sent", "interview", "rejected", "feedback"]
        forty += rows_of(number, number, TODAY - age, list(zip(days, kinds, strict=True)))

    perfect_score = score_evidence(summarise_agency(perfect, now=NOW), platform=platform)
    forty_score = score_evidence(summarise_agency(forty, now=NOW), platform=platform)

    assert forty_score.raw_score > perfect_score.raw_score


@settings(max_examples=100, deadline=None)
@given(
    bad=st.integers(min_value=1, max_value=8),
    good=st.integers(min_value=1, max_value=8),
    old_age=st.integers(min_value=600, max_value=730),
    recent_age=st.integers(min_value=35, max_value=120),
    platform=platform_rates,
)
def test_recent_behaviour_outweighs_old(bad, good, old_age, recent_age, platform):
    # Ghosted after the CV; good ones answered, interviewed, rejected with feedback.
    ghosted = [(0, "applied"), (1, "cv_requested"), (2, "cv_sent")]
    answered = [(0, "applied"), (1, "reply"), (3, "interview"), (5, "rejected"), (5, "feedback")]

    def agency(bad_age, good_age):
        rows = []
        for number in range(bad):
            rows += rows_of(number, number, TODAY - bad_age, ghosted)
        for number in range(bad, bad + good):
            rows += rows_of(number, number, TODAY - good_age, answered)
        return score_evidence(summarise_agency(rows, now=NOW), platform=platform)

    improved = agency(bad_age=old_age, good_age=recent_age)
    worsened = agency(bad_age=recent_age, good_age=old_age)

    assert improved.raw_score > worsened.raw_score
