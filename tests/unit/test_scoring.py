"""The scoring core follows docs/scoring.md: its cases, worked examples, weights and ranks."""

import json
import math
from datetime import date, timedelta
from itertools import count

import pytest

from agencies.scoring import (
    DEFAULT_CONFIG,
    METRICS,
    EventRow,
    Evidence,
    Tally,
    assign_ranks,
    platform_rates,
    score_evidence,
    summarise_agency,
)

# The worked examples' calendar: day numbers count from 2026-05-01, `now` is 2026-06-30.
MAY_1 = date(2026, 5, 1)
NOW = date(2026, 6, 30)
DAY_OF_NOW = (NOW - MAY_1).days  # 60

_event_ids = count(1)


def engagement(*events, engagement_id=1, candidate=1, start=MAY_1):
    """Untimed rows of one engagement from (day, kind) or (day, kind, disclosed), in log order."""
    return [
        EventRow(
            engagement_id,
            candidate,
            start.toordinal() + day,
            -1,
            next(_event_ids),
            kind,
            disclosed[0] if disclosed else None,
        )
        for day, kind, *disclosed in events
    ]


def counts(evidence):
    """(hits, cases) per metric."""
    return {metric: (t.hits, t.cases) for metric, t in evidence.tallies.items()}


def summarise(rows, now=NOW):
    return summarise_agency(rows, now=now)


def evidence_with(engagements=5, **tallies):
    """Evidence with the given (hits, cases) per metric, every case weighing 1."""
    return Evidence(
        engagements=engagements,
        tallies={
            metric: Tally(*tallies.get(metric, (0, 0)), *map(float, tallies.get(metric, (0, 0))))
            for metric in METRICS
        },
        reply_delays={},
    )


# Worked examples


def test_first_worked_example_gives_each_metric_its_documented_cases():
    rows = engagement(
        (0, "applied"), (3, "cv_requested"), (3, "cv_sent"), (9, "interview"), (50, "rejected")
    )

    evidence = summarise(rows)

    assert counts(evidence) == {
        "reply_rate": (2, 3),
        "ghosting_rate": (0, 1),
        "feedback_rate": (0, 1),
        "follow_up_rate": (0, 0),
        "cv_harvest_rate": (0, 1),
        "salary_fishing_rate": (0, 1),
    }
    assert evidence.reply_delays == {3: 1, 6: 1, 41: 1}
    assert evidence.median_reply_days == 6


def test_second_worked_example_fails_both_points_and_is_ghosted_by_inference():
    evidence = summarise(engagement((0, "applied"), (11, "message")))

    assert counts(evidence)["reply_rate"] == (0, 2)
    assert counts(evidence)["ghosting_rate"] == (1, 1)
    assert evidence.median_reply_days is None


def test_second_worked_example_with_silence_on_may_20_holds_from_that_day():
    may_20 = MAY_1 + timedelta(days=19)
    silent = engagement((0, "applied"), (11, "message"), (19, "silence"))
    not_declared = engagement((0, "applied"), (11, "message"), engagement_id=2)

    declared = summarise(silent, now=may_20)
    waiting = summarise(not_declared, now=may_20)

    assert counts(declared)["reply_rate"] == (0, 2)
    assert counts(declared)["ghosting_rate"] == (1, 1)
    # Without the declaration the message (8 days old) is still pending and nobody is ghosted.
    assert counts(waiting)["reply_rate"] == (0, 1)
    assert counts(waiting)["ghosting_rate"] == (0, 0)


def test_second_worked_example_with_a_reply_on_june_25_reopens_the_engagement():
    evidence = summarise(engagement((0, "applied"), (11, "message"), (55, "reply")))

    assert counts(evidence)["reply_rate"] == (0, 2)
    assert evidence.reply_delays == {44: 1, 55: 1}
    assert counts(evidence)["ghosting_rate"] == (0, 0)


def test_four_points_all_in_time_shrink_to_0_733_on_a_platform_at_0_60():
    evidence = evidence_with(engagements=2, reply_rate=(4, 4))

    result = score_evidence(evidence, platform={**DEFAULT_CONFIG.default_platform_rates})

    # a = 4 + 8 * 0.60 = 8.8, b = 0 + 8 * 0.40 = 3.2
    assert result.estimates["reply_rate"] == pytest.approx(8.8 / 12)
    assert round(result.estimates["reply_rate"], 3) == 0.733


def test_forty_points_with_34_in_time_shrink_to_0_808_and_come_first():
    few = evidence_with(engagements=2, reply_rate=(4, 4))
    many = evidence_with(engagements=20, reply_rate=(34, 40))
    platform = {"reply_rate": 0.60}

    few_estimate = score_evidence(few, platform=platform).estimates["reply_rate"]
    many_estimate = score_evidence(many, platform=platform).estimates["reply_rate"]

    # a = 34 + 4.8 = 38.8, b = 6 + 3.2 = 9.2
    assert many_estimate == pytest.approx(38.8 / 48)
    assert round(many_estimate, 3) == 0.808
    assert many_estimate > few_estimate


def test_score_example_weighs_the_goodness_values_into_77_5():
    # With no cases every estimate is the platform rate, so these rates are the example's
    # estimates: goodness 0.80, 1 - 0.10, 0.60, 0.40, 1 - 0.05, 1 - 0.15.
    platform = {
        "reply_rate": 0.80,
        "ghosting_rate": 0.10,
        "feedback_rate": 0.60,
        "follow_up_rate": 0.40,
        "cv_harvest_rate": 0.05,
        "salary_fishing_rate": 0.15,
    }

    result = score_evidence(evidence_with(engagements=5), platform=platform)

    assert result.estimates == pytest.approx(platform)
    # 100 * (0.240 + 0.225 + 0.090 + 0.040 + 0.095 + 0.085)
    assert result.score == pytest.approx(77.5)
    assert result.raw_score == result.score


# Reply rate and median reply time


def test_an_awaiting_point_inside_the_window_is_pending():
    evidence = summarise(engagement((DAY_OF_NOW - 10, "applied")))

    assert counts(evidence)["reply_rate"] == (0, 0)
    assert counts(evidence)["ghosting_rate"] == (0, 0)


def test_an_unanswered_point_fails_once_more_than_fourteen_days_separate_it_from_today():
    fourteen = summarise(engagement((DAY_OF_NOW - 14, "applied")))
    fifteen = summarise(engagement((DAY_OF_NOW - 15, "applied")))

    assert counts(fourteen)["reply_rate"] == (0, 0)
    assert counts(fifteen)["reply_rate"] == (0, 1)


def test_an_answer_after_fourteen_days_is_in_time_and_after_fifteen_is_late():
    rows = engagement((0, "applied"), (14, "reply")) + engagement(
        (0, "message"), (15, "reply"), engagement_id=2
    )

    evidence = summarise(rows)

    assert counts(evidence)["reply_rate"] == (1, 2)
    assert evidence.reply_delays == {14: 1, 15: 1}


def test_a_same_day_answer_takes_zero_days():
    evidence = summarise(engagement((0, "applied"), (0, "contacted")))

    assert counts(evidence)["reply_rate"] == (1, 1)
    assert evidence.reply_delays == {0: 1}


def test_every_agency_kind_answers_and_candidate_kinds_do_not():
    agency_answers = [
        "contacted",
        "cv_requested",
        "salary_asked",
        "submitted",
        "reply",
        "feedback",
        "rejected",
        "offer",
        "follow_up",
        "interview",
    ]
    rows = []
    for number, kind in enumerate(agency_answers, start=1):
        rows += engagement((0, "message"), (2, kind), engagement_id=number)
    rows += engagement((0, "message"), (2, "cv_sent"), (2, "role_not_real"), engagement_id=99)

    evidence = summarise(rows)

    # Ten messages answered; the interview is itself a point, still unanswered 58 days on; the
    # candidate's own cv_sent is a second point, not an answer: both go unanswered.
    assert counts(evidence)["reply_rate"] == (10, 10 + 1 + 2)


def test_a_late_reply_fails_the_reply_rate_but_unghosts_and_enters_the_median():
    evidence = summarise(engagement((0, "applied"), (20, "reply")))

    assert counts(evidence)["reply_rate"] == (0, 1)
    assert counts(evidence)["ghosting_rate"] == (0, 0)
    assert evidence.median_reply_days == 20


def test_withdrawal_drops_unanswered_points_and_leaves_the_ghosting_denominator():
    withdrawn = engagement((0, "applied"), (2, "message"), (3, "withdrew"))
    closed = engagement((0, "applied"), (1, "rejected"), engagement_id=2)

    evidence = summarise(withdrawn + closed)

    assert counts(evidence)["reply_rate"] == (1, 1)
    assert counts(evidence)["ghosting_rate"] == (0, 1)


def test_points_answered_before_a_withdrawal_still_count():
    evidence = summarise(engagement((0, "applied"), (1, "reply"), (5, "withdrew")))

    assert counts(evidence)["reply_rate"] == (1, 1)


def test_declared_silence_fails_unanswered_points_and_ghosts_even_inside_the_window():
    evidence = summarise(engagement((0, "applied"), (3, "silence")), now=MAY_1 + timedelta(5))

    assert counts(evidence)["reply_rate"] == (0, 1)
    assert counts(evidence)["ghosting_rate"] == (1, 1)


def test_a_reply_after_silence_answers_the_point_and_reopens_the_engagement():
    rows = engagement((0, "applied"), (3, "silence"), (5, "reply"))

    evidence = summarise(rows, now=MAY_1 + timedelta(10))

    assert counts(evidence)["reply_rate"] == (1, 1)
    assert counts(evidence)["ghosting_rate"] == (0, 0)


def test_a_reopened_engagement_is_judged_on_the_points_after_the_answer():
    rows = engagement((0, "applied"), (3, "silence"), (5, "reply"), (6, "message"))

    evidence = summarise(rows, now=MAY_1 + timedelta(37))

    assert counts(evidence)["reply_rate"] == (1, 2)
    assert counts(evidence)["ghosting_rate"] == (1, 1)


def test_an_engagement_with_no_awaiting_point_is_open_and_has_no_reply_case():
    evidence = summarise(engagement((0, "contacted"), (1, "cv_requested")))

    assert counts(evidence)["reply_rate"] == (0, 0)
    assert counts(evidence)["ghosting_rate"] == (0, 0)
    assert counts(evidence)["salary_fishing_rate"] == (0, 1)


@pytest.mark.parametrize(
    ("applied", "reply", "answered"),
    [
        ((-1, 2), (-1, 1), False),  # both untimed: the order they were logged
        ((-1, 1), (-1, 2), True),
        ((36_000, 1), (-1, 2), False),  # an untimed event comes first on its day
        ((36_000, 2), (36_001, 1), True),  # then the time decides, whatever the log order
        ((36_000, 2), (35_999, 1), False),
    ],
)
def test_events_of_a_day_are_ordered_by_time_then_by_logging_order(applied, reply, answered):
    day = MAY_1.toordinal()
    rows = [
        EventRow(1, 1, day, *applied, "applied", None),
        EventRow(1, 1, day, *reply, "reply", None),
    ]

    assert counts(summarise(rows))["reply_rate"] == ((1, 1) if answered else (0, 1))


def test_median_of_an_even_count_averages_the_two_middle_delays():
    evidence = Evidence(engagements=1, tallies={}, reply_delays={1: 1, 4: 2, 10: 1})

    assert evidence.median_reply_days == 4
    assert Evidence(1, {}, {2: 1, 5: 1}).median_reply_days == 3.5


# Feedback rate


def test_an_interview_followed_by_a_later_interview_counts_as_heard_back():
    rows = engagement((0, "interview"), (7, "interview"), (10, "offer"))

    assert counts(summarise(rows))["feedback_rate"] == (2, 2)


def test_hearing_back_on_day_21_is_in_time_and_on_day_22_is_a_failure():
    rows = engagement((0, "interview"), (21, "feedback")) + engagement(
        (0, "interview"), (22, "rejected"), engagement_id=2
    )

    assert counts(summarise(rows))["feedback_rate"] == (1, 2)


def test_an_interview_with_no_news_is_pending_for_21_days_then_fails():
    within = summarise(engagement((DAY_OF_NOW - 21, "interview")))
    past = summarise(engagement((DAY_OF_NOW - 22, "interview")))

    assert counts(within)["feedback_rate"] == (0, 0)
    assert counts(past)["feedback_rate"] == (0, 1)


def test_silence_before_hearing_back_fails_the_interview_at_once():
    rows = engagement((0, "interview"), (5, "silence"))

    assert counts(summarise(rows, now=MAY_1 + timedelta(6)))["feedback_rate"] == (0, 1)


def test_a_withdrawal_before_hearing_back_drops_the_interview():
    rows = engagement((0, "interview"), (3, "withdrew"))

    assert counts(summarise(rows))["feedback_rate"] == (0, 0)


# Follow-up rate


def test_a_follow_up_within_ninety_days_succeeds_and_a_later_one_fails():
    rows = engagement((0, "rejected"), (90, "feedback")) + engagement(
        (0, "rejected"), (91, "follow_up"), engagement_id=2
    )

    assert counts(summarise(rows, now=MAY_1 + timedelta(100)))["follow_up_rate"] == (1, 2)


def test_a_rejection_without_follow_up_is_pending_for_ninety_days_then_fails():
    within = summarise(engagement((DAY_OF_NOW - 90, "rejected")))
    past = summarise(engagement((DAY_OF_NOW - 91, "rejected")))

    assert counts(within)["follow_up_rate"] == (0, 0)
    assert counts(past)["follow_up_rate"] == (0, 1)


# CV-harvest rate


def test_role_not_real_marks_a_cv_engagement_harvested_even_after_an_interview():
    rows = engagement((0, "cv_requested"), (1, "cv_sent"), (2, "interview"), (9, "role_not_real"))

    assert counts(summarise(rows))["cv_harvest_rate"] == (1, 1)


def test_a_cv_engagement_ghosted_without_going_anywhere_is_harvested():
    rows = engagement((0, "applied"), (1, "cv_requested"), (2, "cv_sent"))

    evidence = summarise(rows)

    assert counts(evidence)["ghosting_rate"] == (1, 1)
    assert counts(evidence)["cv_harvest_rate"] == (1, 1)


def test_a_submitted_cv_is_not_harvested_even_when_the_engagement_is_ghosted():
    rows = engagement((0, "applied"), (1, "cv_sent"), (2, "submitted"), (3, "message"))

    evidence = summarise(rows)

    assert counts(evidence)["ghosting_rate"] == (1, 1)
    assert counts(evidence)["cv_harvest_rate"] == (0, 1)


def test_a_cv_engagement_still_waiting_is_pending_for_cv_harvest():
    rows = engagement((DAY_OF_NOW - 10, "cv_requested"), (DAY_OF_NOW - 9, "cv_sent"))

    assert counts(summarise(rows))["cv_harvest_rate"] == (0, 0)


def test_an_engagement_without_a_cv_is_no_cv_harvest_case():
    rows = engagement((0, "applied"), (1, "message"))

    assert counts(summarise(rows))["cv_harvest_rate"] == (0, 0)


# Salary-fishing rate


@pytest.mark.parametrize(
    ("disclosures", "expected"),
    [
        ([False], (1, 1)),
        ([True], (0, 1)),
        ([None], (0, 0)),
        ([None, None], (0, 0)),
        ([None, False], (1, 1)),
        ([True, None], (0, 1)),
        ([True, False], (1, 1)),
        ([], (0, 1)),
    ],
)
def test_salary_fishing_counts_undisclosed_questions_and_leaves_unknown_ones_out(
    disclosures, expected
):
    rows = engagement((0, "contacted"), *((1, "salary_asked", known) for known in disclosures))

    assert counts(summarise(rows))["salary_fishing_rate"] == expected


# Weights


@pytest.mark.parametrize(("age", "weight"), [(0, 1.0), (180, 0.5), (360, 0.25), (90, 0.5**0.5)])
def test_an_engagement_weight_halves_every_180_days_from_its_latest_event(age, weight):
    rows = engagement((-400, "contacted"), (-age, "contacted"), start=NOW)

    tally = summarise(rows).tallies["salary_fishing_rate"]

    assert (tally.cases, tally.weighted_cases) == (1, pytest.approx(weight))


def test_one_candidate_with_six_engagements_at_an_agency_weighs_three_in_total():
    capped = [
        row for number in range(6) for row in engagement((0, "contacted"), engagement_id=number)
    ]
    others = engagement((0, "contacted"), engagement_id=10, candidate=2) + engagement(
        (0, "contacted"), engagement_id=11, candidate=3
    )

    tally = summarise(capped + others, now=MAY_1).tallies["salary_fishing_rate"]

    assert tally.cases == 8
    assert tally.weighted_cases == pytest.approx(3 + 2)


def test_three_engagements_of_one_candidate_keep_their_full_weight():
    rows = [
        row for number in range(3) for row in engagement((0, "contacted"), engagement_id=number)
    ]

    assert summarise(rows, now=MAY_1).tallies["salary_fishing_rate"].weighted_cases == 3


# Evidence, platform rates, score


def test_evidence_survives_a_json_round_trip_exactly():
    rows = engagement(
        (0, "applied"), (3, "cv_requested"), (3, "cv_sent"), (9, "interview"), (50, "rejected")
    ) + engagement((0, "applied"), (11, "message"), engagement_id=2)
    evidence = summarise(rows)

    stored = json.loads(json.dumps(evidence.to_json()))

    assert Evidence.from_json(stored) == evidence
    assert stored["reply_delays"] == {"3": 1, "6": 1, "41": 1}


def test_platform_rates_pool_weighted_cases_and_fall_back_to_defaults():
    one = evidence_with(reply_rate=(1, 4))
    other = evidence_with(reply_rate=(5, 6))

    rates = platform_rates([one, other])

    assert rates["reply_rate"] == pytest.approx(6 / 10)
    assert rates["ghosting_rate"] == DEFAULT_CONFIG.default_platform_rates["ghosting_rate"]


def test_fewer_than_five_engagements_have_no_score_but_a_raw_score():
    platform = dict(DEFAULT_CONFIG.default_platform_rates)

    four = score_evidence(evidence_with(engagements=4, reply_rate=(8, 8)), platform=platform)
    five = score_evidence(evidence_with(engagements=5, reply_rate=(8, 8)), platform=platform)

    assert (four.score, four.score_low, four.score_high) == (None, None, None)
    assert four.raw_score == five.score
    assert five.score_low <= five.score <= five.score_high


def test_an_agency_with_no_engagements_has_no_raw_score_and_platform_estimates():
    platform = dict(DEFAULT_CONFIG.default_platform_rates)

    result = score_evidence(summarise([]), platform=platform)

    assert result.raw_score is None
    assert result.estimates == pytest.approx(platform)
    assert result.flags == ()


def test_the_range_is_the_weighted_variances_at_90_percent_and_narrows_with_evidence():
    platform = dict(DEFAULT_CONFIG.default_platform_rates)
    small = score_evidence(evidence_with(engagements=5, reply_rate=(4, 5)), platform=platform)
    large = score_evidence(evidence_with(engagements=50, reply_rate=(40, 50)), platform=platform)

    # Hand-computed for the small agency: only reply_rate has cases (a = 4 + 4.8, b = 1 + 3.2).
    variance = 0.0
    for metric, weight in DEFAULT_CONFIG.weights.items():
        p = platform[metric]
        a, b = (8.8, 4.2) if metric == "reply_rate" else (8 * p, 8 * (1 - p))
        variance += weight**2 * a * b / ((a + b) ** 2 * (a + b + 1))
    spread = 1.645 * 100 * math.sqrt(variance)
    assert small.score_low == pytest.approx(small.score - spread)
    assert small.score_high == pytest.approx(small.score + spread)
    assert large.score_high - large.score_low < small.score_high - small.score_low


# Flags


def test_ghosting_flag_needs_a_high_lower_end_and_five_ended_engagements():
    platform = dict(DEFAULT_CONFIG.default_platform_rates)

    ten_ghosted = score_evidence(evidence_with(ghosting_rate=(10, 10)), platform=platform)
    ten_closed = score_evidence(evidence_with(ghosting_rate=(0, 10)), platform=platform)
    # Lower end about 0.82 on a platform that ghosts 90%, but only four ended engagements.
    four_ghosted = score_evidence(
        evidence_with(ghosting_rate=(4, 4)), platform={**platform, "ghosting_rate": 0.9}
    )

    assert ten_ghosted.flags == ("ghosting",)
    assert ten_closed.flags == ()
    assert four_ghosted.flags == ()


def test_salary_fishing_flag_needs_three_fishing_engagements():
    platform = {**DEFAULT_CONFIG.default_platform_rates, "salary_fishing_rate": 0.9}

    two = score_evidence(evidence_with(salary_fishing_rate=(2, 2)), platform=platform)
    three = score_evidence(evidence_with(salary_fishing_rate=(3, 3)), platform=platform)

    assert two.flags == ()
    assert three.flags == ("salary_fishing",)


def test_three_fishing_engagements_alone_are_not_strong_enough_on_a_usual_platform():
    # a = 3 + 8 * 0.15 = 4.2, b = 6.8: lower end 0.382 - 1.645 * 0.140 = 0.151 < 0.20
    platform = dict(DEFAULT_CONFIG.default_platform_rates)

    result = score_evidence(evidence_with(salary_fishing_rate=(3, 3)), platform=platform)

    assert result.flags == ()


def test_flags_come_in_the_documented_order():
    platform = dict(DEFAULT_CONFIG.default_platform_rates)
    evidence = evidence_with(
        engagements=20,
        ghosting_rate=(20, 20),
        cv_harvest_rate=(20, 20),
        salary_fishing_rate=(20, 20),
    )

    result = score_evidence(evidence, platform=platform)

    assert result.flags == ("ghosting", "cv_harvesting", "salary_fishing")


# Ranks


def test_equal_scores_with_equal_evidence_share_a_rank():
    ranks = assign_ranks([(1, 90.0, 5), (2, 80.0, 7), (3, 80.0, 7), (4, 70.0, 5)])

    assert ranks == {1: 1, 2: 2, 3: 2, 4: 4}


def test_equal_scores_are_ordered_by_evidence_and_unscored_agencies_get_no_rank():
    scores = [(7, 70.0, 9), (5, None, 2), (6, 70.0, 12), (8, 99.0, 5)]

    ranks = assign_ranks(scores)

    assert ranks == {8: 1, 6: 2, 7: 3}
    assert assign_ranks(reversed(scores)) == ranks
