"""Scores follow what candidates log, counting only genuine, verified accounts.

Jobs run in-process here (no broker); tests/workers/ runs them on a real worker.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from agencies import scores
from agencies.models import AgencyScore, PlatformRates, ScoreSnapshot, StaleAgency
from reviews.event_kinds import Kind
from reviews.services import engagement_create, event_create, review_publish
from tests.factories import (
    days_ago,
    make_agency,
    make_engagement,
    make_event,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def log(engagement, *steps: tuple[int, str]):
    """Events at day offsets from the engagement's start, written straight to the database."""
    for offset, kind in steps:
        make_event(
            engagement=engagement,
            kind=kind,
            occurred_on=engagement.started_on + datetime.timedelta(days=offset),
        )


def test_an_event_saved_through_the_service_updates_the_agency_score(
    django_capture_on_commit_callbacks,
):
    agency = make_agency(name="Prompt Partners")
    candidate = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        engagement = engagement_create(
            candidate=candidate, agency=agency, source="linkedin", started_on=days_ago(40)
        )
        event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(40))
        event_create(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(38))
    row = AgencyScore.objects.get(agency=agency)
    assert row.engagements == 1
    assert row.reply_rate == 1.0
    assert row.median_reply_days == 2
    # One engagement is not enough for a public score.
    assert row.score is None and row.rank is None
    assert not StaleAgency.objects.filter(agency=agency).exists()


def test_many_changes_in_one_transaction_ask_for_one_recompute(
    django_capture_on_commit_callbacks,
):
    agency = make_agency()
    engagement = make_engagement(agency=agency, started_on=days_ago(20))
    with django_capture_on_commit_callbacks() as callbacks:
        for offset in range(5):
            event_create(
                engagement=engagement, kind=Kind.MESSAGE, occurred_on=days_ago(20 - offset)
            )
    assert len(callbacks) == 1


def test_unverified_suspended_and_excluded_accounts_do_not_count():
    agency = make_agency()
    counted = make_engagement(agency=agency, started_on=days_ago(30))
    log(counted, (0, Kind.APPLIED), (1, Kind.REPLY))
    for candidate in (
        make_user(verified=False),
        make_user(is_suspended=True),
        make_user(excluded_from_scores=True),
    ):
        log(
            make_engagement(agency=agency, candidate=candidate, started_on=days_ago(30)),
            (0, Kind.APPLIED),
        )
    log(
        make_engagement(agency=agency, excluded_from_scores=True, started_on=days_ago(30)),
        (0, Kind.APPLIED),
    )
    row = scores.score_recompute(agency_id=agency.pk)
    assert row.engagements == 1
    assert row.reply_rate == 1.0


def test_a_change_marked_while_a_recompute_runs_keeps_the_agency_stale():
    agency = make_agency()
    StaleAgency.objects.create(agency=agency, marked_at=timezone.now())
    marks = scores.read_stale_marks([agency.pk])
    # A change written before the recompute started but committed while it ran.
    scores.scores_mark_stale(agency_ids=[agency.pk])
    scores.clear_stale_marks(marks)
    assert StaleAgency.objects.filter(agency=agency).exists()


def test_a_recompute_clears_the_mark_it_saw():
    agency = make_agency()
    scores.scores_mark_stale(agency_ids=[agency.pk])
    scores.score_recompute(agency_id=agency.pk)
    assert not StaleAgency.objects.filter(agency=agency).exists()


def test_the_reconciler_picks_up_agencies_left_stale():
    agency = make_agency()
    engagement = make_engagement(agency=agency, started_on=days_ago(10))
    log(engagement, (0, Kind.APPLIED))
    StaleAgency.objects.create(
        agency=agency, marked_at=timezone.now() - datetime.timedelta(hours=1)
    )
    from agencies.tasks import reconcile_stale_scores

    assert reconcile_stale_scores.delay().get() == 1
    assert AgencyScore.objects.get(agency=agency).engagements == 1
    assert not StaleAgency.objects.exists()


def test_publishing_a_review_brings_the_rating_into_the_score(django_capture_on_commit_callbacks):
    review = make_review(rating=4)
    with django_capture_on_commit_callbacks(execute=True):
        review_publish(review=review)
    row = AgencyScore.objects.get(agency=review.engagement.agency)
    assert (row.rating, row.rating_count) == (4.0, 1)


def agency_with(name: str, engagements: int, steps, *, started: int = 120):
    """An agency whose ``engagements`` engagements, each by its own candidate, follow ``steps``."""
    agency = make_agency(name=name)
    for number in range(engagements):
        engagement = make_engagement(agency=agency, started_on=days_ago(started + number % 7))
        log(engagement, *steps)
    return agency


PROMPT = [
    (0, Kind.APPLIED),
    (1, Kind.CV_REQUESTED),
    (1, Kind.CV_SENT),
    (3, Kind.INTERVIEW),
    (6, Kind.FEEDBACK),
    (6, Kind.REJECTED),
    (20, Kind.FOLLOW_UP),
]
SLOW = [
    (0, Kind.APPLIED),
    (12, Kind.CV_REQUESTED),
    (12, Kind.CV_SENT),
    (25, Kind.INTERVIEW),
    (45, Kind.REJECTED),
]
GHOST = [(0, Kind.APPLIED), (2, Kind.CV_REQUESTED), (2, Kind.CV_SENT), (10, Kind.MESSAGE)]


def test_agencies_rank_in_the_order_docs_scoring_describes():
    prompt = agency_with("Prompt and proper", 12, PROMPT)
    slow = agency_with("Slow but there", 12, SLOW)
    ghost = agency_with("Ghoster", 12, GHOST)
    reformed = make_agency(name="Reformed")
    for number in range(12):
        old = make_engagement(agency=reformed, started_on=days_ago(700 + number))
        log(old, *GHOST)
        recent = make_engagement(agency=reformed, started_on=days_ago(100 + number))
        log(recent, *PROMPT)
    call_command("recompute_scores", "--sync", verbosity=0)
    ranked = list(
        AgencyScore.objects.filter(rank__isnull=False)
        .order_by("rank")
        .values_list("agency__name", flat=True)
    )
    assert ranked == ["Prompt and proper", "Reformed", "Slow but there", "Ghoster"]
    ghost_row = AgencyScore.objects.get(agency=ghost)
    assert ghost_row.ghosting_rate == 1.0
    assert ghost_row.flags == ["ghosting", "cv_harvesting"]
    assert AgencyScore.objects.get(agency=prompt).flags == []
    assert AgencyScore.objects.get(agency=slow).feedback_rate == 1.0
    for row in AgencyScore.objects.all():
        assert row.score_low <= row.score <= row.score_high


def test_the_full_recompute_stores_platform_rates_and_gives_every_agency_a_row():
    agency_with("Prompt and proper", 6, PROMPT)
    empty = make_agency(name="Nobody logged anything")
    call_command("recompute_scores", "--sync", verbosity=0)
    rates = PlatformRates.objects.get().rates
    assert rates["reply_rate"] == 1.0
    row = AgencyScore.objects.get(agency=empty)
    assert (row.engagements, row.score, row.rank) == (0, None, None)


def test_recompute_scores_for_one_agency_reports_its_score(capsys):
    agency = agency_with("Prompt and proper", 6, PROMPT)
    call_command("recompute_scores", "--agency", agency.slug, "--sync")
    output = capsys.readouterr().out
    row = AgencyScore.objects.get(agency=agency)
    assert f"{agency.slug}: {row.score:.1f} (6 engagements counted)." in output
    assert row.rank == 1


def test_recompute_scores_names_an_unknown_agency():
    with pytest.raises(CommandError, match="No agency has the slug 'nope'"):
        call_command("recompute_scores", "--agency", "nope", "--sync")


def test_monthly_snapshots_are_taken_once_per_month():
    agency_with("Prompt and proper", 6, PROMPT)
    call_command("recompute_scores", "--sync", verbosity=0)
    month = TODAY.replace(day=1)
    assert scores.snapshots_take(month=TODAY) == 1
    assert scores.snapshots_take(month=TODAY) == 1
    snapshot = ScoreSnapshot.objects.get()
    assert snapshot.month == month
    assert snapshot.score == AgencyScore.objects.get().score
    assert snapshot.metrics["reply_rate"] == 1.0


def test_the_fast_postgresql_read_yields_exactly_the_counted_events():
    from itertools import groupby
    from operator import itemgetter

    from agencies.queries import counted_events, counted_events_by_agency

    first, second = make_agency(), make_agency()
    for agency in (first, second, first):
        engagement = make_engagement(agency=agency, started_on=days_ago(30))
        log(engagement, (0, Kind.APPLIED), (2, Kind.REPLY))
        make_event(
            engagement=engagement,
            kind=Kind.SALARY_ASKED,
            occurred_on=days_ago(27),
            occurred_at=datetime.time(9, 30, 5),
            role_details_disclosed=False,
        )
    hidden = make_engagement(agency=first, candidate=make_user(verified=False))
    log(hidden, (0, Kind.APPLIED))
    ids = [first.pk, second.pk]
    portable = {
        agency: [row for _, row in group]
        for agency, group in groupby(counted_events(ids), key=itemgetter(0))
    }
    fast = dict(counted_events_by_agency(ids))
    assert {agency: sorted(rows) for agency, rows in fast.items()} == {
        agency: sorted(rows) for agency, rows in portable.items()
    }
    assert len(fast[first.pk]) == 6 and len(fast[second.pk]) == 3
    assert any(row.seconds == 9 * 3600 + 30 * 60 + 5 for row in fast[first.pk])
