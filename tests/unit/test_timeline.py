"""The candidate's timeline is read the way docs/scoring.md reads it."""

import datetime

from reviews.event_kinds import Kind
from reviews.timeline import (
    State,
    Step,
    outcome_after_withdrawal,
    read_timeline,
    unprompted_replies,
)

TODAY = datetime.date(2026, 6, 30)


def steps(*pairs):
    return [Step(kind, TODAY - datetime.timedelta(days=ago)) for ago, kind in pairs]


def read(*pairs):
    return read_timeline(steps(*pairs), today=TODAY, ghosting_days=30)


def test_a_candidate_waiting_17_days_is_told_so():
    reading = read((20, Kind.APPLIED), (19, Kind.CV_REQUESTED), (17, Kind.CV_SENT))
    assert reading.state == State.WAITING
    assert reading.waiting_days == 17


def test_an_answered_timeline_is_active():
    assert read((20, Kind.APPLIED), (18, Kind.REPLY)).state == State.ACTIVE


def test_an_agency_that_only_got_in_touch_is_active_not_waited_on():
    assert read((5, Kind.CONTACTED)).state == State.ACTIVE


def test_more_than_the_window_without_an_answer_is_ghosted():
    assert read((31, Kind.APPLIED)).state == State.GHOSTED
    assert read((30, Kind.APPLIED)).state == State.WAITING


def test_declared_silence_is_ghosted_until_the_agency_answers():
    assert read((10, Kind.MESSAGE), (2, Kind.SILENCE)).state == State.GHOSTED
    assert read((10, Kind.MESSAGE), (2, Kind.SILENCE), (1, Kind.REPLY)).state == State.ACTIVE


def test_an_outcome_closes_the_engagement():
    assert read((40, Kind.APPLIED), (39, Kind.REJECTED), (3, Kind.MESSAGE)).state == State.CLOSED
    assert read((40, Kind.APPLIED), (35, Kind.WITHDREW)).state == State.CLOSED


def test_an_outcome_after_a_withdrawal_is_pointed_out():
    timeline = steps((9, Kind.APPLIED), (8, Kind.WITHDREW), (5, Kind.OFFER))
    assert outcome_after_withdrawal(timeline) == 2
    assert outcome_after_withdrawal(steps((9, Kind.OFFER), (8, Kind.WITHDREW))) is None


def test_a_reply_with_nothing_to_reply_to_is_flagged():
    timeline = steps((9, Kind.REPLY), (8, Kind.MESSAGE), (7, Kind.REPLY), (6, Kind.REPLY))
    assert unprompted_replies(timeline) == {0, 3}
