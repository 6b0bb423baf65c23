"""Scoring and nudge jobs run by a real Celery worker on Redis, as in production.

The worker runs in a thread of this process; the database is shared through committed rows
(hence transactional tests), the locmem cache and mail outbox through the process.
"""

import base64
import datetime
import json
import logging
import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from agencies import scores
from agencies.models import AgencyScore, PlatformRates, StaleAgency
from agencies.tasks import (
    debounce_key,
    finish_full_recompute,
    recompute_agency_score,
    recompute_all_scores,
    recompute_score_shard,
    reconcile_stale_scores,
)
from reviews.event_kinds import Kind
from reviews.models import Event, NudgeAnswer, SilenceNudge, Source
from reviews.services import engagement_create, event_create
from reviews.tasks import send_silence_nudge, silence_sweep
from tests.factories import days_ago, make_agency, make_engagement, make_event, make_user
from tests.workers.conftest import DEAD_BROKER_URL, WAIT_SECONDS, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RECOMPUTE = recompute_agency_score.name


def log_answered_engagement(agency, *, days: int = 40):
    """An engagement with a reply 3 days after applying, then a rejection; asks for no job."""
    engagement = make_engagement(candidate=make_user(), agency=agency, started_on=days_ago(days))
    make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(days))
    make_event(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(days - 3))
    make_event(engagement=engagement, kind=Kind.REJECTED, occurred_on=days_ago(days - 10))
    return engagement


def score_values(agency, *fields: str) -> dict | None:
    return AgencyScore.objects.filter(agency=agency).values(*fields).first()


def wait_for_score(agency, **expected) -> AgencyScore:
    """Wait until the agency's stored score shows ``expected``; fail showing what it shows."""
    wait_for(
        lambda: score_values(agency, *expected) == expected,
        what=lambda: (
            f"{agency.name}'s score to show {expected}; it shows {score_values(agency, *expected)}"
        ),
    )
    return AgencyScore.objects.get(agency=agency)


def jobs_in(messages: list[bytes]) -> list[tuple[str, list]]:
    """(task name, positional arguments) of each queued message (Celery's protocol 2)."""
    jobs = []
    for raw in messages:
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        jobs.append((message["headers"]["task"], args))
    return sorted(jobs)


def test_an_event_logged_through_the_service_shows_in_the_agency_score(celery_worker, settings):
    settings.SCORING_DEBOUNCE_SECONDS = 0
    agency = make_agency(name="Harbour Recruitment")
    engagement = engagement_create(
        candidate=make_user(), agency=agency, source=Source.LINKEDIN, started_on=days_ago(20)
    )
    event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(20))
    event_create(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(17))
    # Someone who never verified their address is not counted, however long they wait.
    unverified = engagement_create(
        candidate=make_user(verified=False),
        agency=agency,
        source=Source.LINKEDIN,
        started_on=days_ago(20),
    )
    event_create(engagement=unverified, kind=Kind.APPLIED, occurred_on=days_ago(20))

    row = wait_for_score(agency, engagements=1, reply_rate=1.0, median_reply_days=3.0)
    assert row.score is None  # one engagement is not enough for a score
    wait_for(
        lambda: not StaleAgency.objects.filter(agency=agency).exists(),
        what="the worker to clear the agency's stale mark",
    )
    assert celery_worker.runs_of(recompute_agency_score) >= 1


def test_one_transaction_with_many_events_asks_for_one_recompute_per_agency(
    celery_on_redis, settings
):
    # No debounce: only the transaction's own de-duplication is at work.
    settings.SCORING_DEBOUNCE_SECONDS = 0
    first, second = make_agency(), make_agency()
    with transaction.atomic():
        for agency in (first, second):
            for _ in range(3):
                engagement = engagement_create(
                    candidate=make_user(),
                    agency=agency,
                    source=Source.LINKEDIN,
                    started_on=days_ago(40),
                )
                event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(40))
                event_create(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(38))
                event_create(engagement=engagement, kind=Kind.OFFER, occurred_on=days_ago(30))

    assert jobs_in(celery_on_redis.queued("scores")) == [
        (RECOMPUTE, [first.pk]),
        (RECOMPUTE, [second.pk]),
    ]

    with celery_on_redis.worker():
        for agency in (first, second):
            wait_for_score(agency, engagements=3, reply_rate=1.0, ghosting_rate=0.0)
    assert celery_on_redis.runs_of(recompute_agency_score) == 2


def test_changes_to_an_agency_within_the_debounce_window_are_scored_by_one_recompute(
    celery_on_redis, settings
):
    settings.SCORING_DEBOUNCE_SECONDS = 5
    agency = make_agency(name="Quayside Staffing")
    # Four separate transactions, each marking the agency stale.
    engagement = engagement_create(
        candidate=make_user(), agency=agency, source=Source.JOB_BOARD, started_on=days_ago(40)
    )
    event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(40))
    event_create(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(37))
    event_create(engagement=engagement, kind=Kind.REJECTED, occurred_on=days_ago(30))

    assert jobs_in(celery_on_redis.queued("scores")) == [(RECOMPUTE, [agency.pk])]

    with celery_on_redis.worker():
        # The one recompute waits out the window, then sees all four changes.
        wait_for_score(
            agency, engagements=1, reply_rate=1.0, ghosting_rate=0.0, median_reply_days=3.0
        )
        assert not StaleAgency.objects.filter(agency=agency).exists()
    assert celery_on_redis.runs_of(recompute_agency_score) == 1


def test_a_recompute_enqueued_twice_at_once_leaves_one_correct_score(celery_on_redis):
    agency = make_agency(name="Lantern Talent")
    for _ in range(5):
        log_answered_engagement(agency)

    # Two threads of one worker, so both copies of the job can run at the same time.
    with celery_on_redis.worker(pool="threads", concurrency=2):
        results = [recompute_agency_score.delay(agency.pk) for _ in range(2)]
        returned = [result.get(timeout=WAIT_SECONDS) for result in results]

    assert celery_on_redis.runs_of(recompute_agency_score) == 2
    row = AgencyScore.objects.get(agency=agency)
    assert returned == [row.score, row.score]
    assert row.score is not None
    assert (row.engagements, row.reply_rate, row.ghosting_rate, row.median_reply_days) == (
        5,
        1.0,
        0.0,
        3.0,
    )
    assert scores.score_recompute(agency_id=agency.pk).score == row.score


def test_two_recomputes_at_once_on_postgresql_leave_one_correct_score():
    agency = make_agency(name="Beacon Recruitment")
    for _ in range(5):
        log_answered_engagement(agency)
    StaleAgency.objects.create(agency=agency, marked_at=timezone.now())
    start_together = threading.Barrier(2, timeout=WAIT_SECONDS)
    outcomes: list[object] = []

    def recompute() -> None:
        try:
            start_together.wait()
            outcomes.append(scores.score_recompute(agency_id=agency.pk).score)
        except Exception as error:  # reported below, with the thread's own traceback
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a recompute never finished"

    row = AgencyScore.objects.get(agency=agency)
    assert outcomes == [row.score, row.score]
    assert row.score is not None
    assert (row.engagements, row.reply_rate, row.ghosting_rate) == (5, 1.0, 0.0)
    assert not StaleAgency.objects.filter(agency=agency).exists()


def test_an_event_saved_while_the_broker_is_down_is_scored_once_it_is_back(
    celery_on_redis, settings, caplog
):
    settings.SCORING_DEBOUNCE_SECONDS = 5
    agency = make_agency(name="Meridian Search")
    engagement = make_engagement(candidate=make_user(), agency=agency, started_on=days_ago(20))

    celery_on_redis.use_broker(DEAD_BROKER_URL)
    with caplog.at_level(logging.WARNING, logger="agencies.tasks"):
        began = time.monotonic()
        with transaction.atomic():
            event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(20))
        took = time.monotonic() - began

    # The candidate's save went through, quickly, and nothing was scored.
    assert Event.objects.filter(engagement=engagement, kind=Kind.APPLIED).exists()
    assert took < 10, f"saving an event took {took:.1f} s with the broker down"
    assert f"could not enqueue recompute of agency {agency.pk}" in caplog.text
    assert StaleAgency.objects.filter(agency=agency).exists()
    assert not AgencyScore.objects.filter(agency=agency).exists()
    # The failed request does not hold the debounce: the next change tries again.
    assert cache.get(debounce_key("agency", agency.pk)) is None

    celery_on_redis.use_broker(celery_on_redis.url)
    assert celery_on_redis.queued("scores") == []
    StaleAgency.objects.filter(agency=agency).update(
        marked_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    with celery_on_redis.worker():
        assert reconcile_stale_scores.delay().get(timeout=WAIT_SECONDS) == 1
        # Applied 20 days ago with no answer: past the 14-day window, a failure.
        wait_for_score(agency, engagements=1, reply_rate=0.0)
        wait_for(
            lambda: not StaleAgency.objects.filter(agency=agency).exists(),
            what="the reconciled recompute to clear the stale mark",
        )


def test_the_silence_nudge_is_sent_once_and_its_no_answer_link_logs_silence_once(
    celery_worker, settings, client
):
    # The worker thread sends through the same locmem backend the test reads.
    assert settings.MAILERS["default"]["BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
    agency = make_agency(name="Northwind Talent")
    engagement = make_engagement(
        candidate=make_user(email="waiting.candidate@example.com"),
        agency=agency,
        started_on=days_ago(33),
        role_title="Data engineer",
    )
    make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(33))

    assert silence_sweep.delay().get(timeout=WAIT_SECONDS) == 1
    assert silence_sweep.delay().get(timeout=WAIT_SECONDS) == 0
    wait_for(
        lambda: SilenceNudge.objects.filter(engagement=engagement, sent_at__isnull=False).exists(),
        what="the nudge e-mail to be sent",
    )
    celery_worker.drain()  # any second send the sweeps queued has run by now
    assert celery_worker.runs_of(send_silence_nudge) >= 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["waiting.candidate@example.com"]
    assert message.subject == "Did Northwind Talent get back to you?"
    found = re.search(r"No, still no answer: (\S+)", message.body)
    assert found, message.body
    link = urlsplit(found[1]).path

    page = client.get(link)
    assert page.status_code == 200
    assert re.search(r"<button[^>]*>\s*No, still no answer\s*</button>", page.text)
    # Opening the link (a mail scanner prefetching it) logs nothing.
    silences = Event.objects.filter(engagement=engagement, kind=Kind.SILENCE)
    assert not silences.exists()

    assert client.post(link).status_code == 200
    assert silences.count() == 1
    nudge = SilenceNudge.objects.get(engagement=engagement)
    assert nudge.answer == NudgeAnswer.SILENCE
    assert nudge.answered_at is not None

    assert client.post(link).status_code == 200
    assert silences.count() == 1


def test_the_nightly_full_recompute_ranks_every_agency_and_stores_platform_rates(
    celery_worker, settings
):
    settings.SCORING_SHARD_SIZE = 2
    settings.SCORING_MIN_ENGAGEMENTS = 1
    responsive, ghosting, slow, *unlogged = [make_agency() for _ in range(5)]
    # Every engagement's latest event is 40 days old, so all weigh the same.
    answered = make_engagement(candidate=make_user(), agency=responsive)
    make_event(engagement=answered, kind=Kind.APPLIED, occurred_on=days_ago(42))
    make_event(engagement=answered, kind=Kind.REPLY, occurred_on=days_ago(40))
    make_event(engagement=answered, kind=Kind.REJECTED, occurred_on=days_ago(40))
    ignored = make_engagement(candidate=make_user(), agency=ghosting)
    make_event(engagement=ignored, kind=Kind.APPLIED, occurred_on=days_ago(40))
    late = make_engagement(candidate=make_user(), agency=slow)
    make_event(engagement=late, kind=Kind.APPLIED, occurred_on=days_ago(60))
    make_event(engagement=late, kind=Kind.REPLY, occurred_on=days_ago(40))

    # Five agencies in shards of two: three shard jobs, then one finishing job.
    assert recompute_all_scores.delay().get(timeout=WAIT_SECONDS) == 3
    wait_for(
        lambda: celery_worker.runs_of(finish_full_recompute) == 1,
        what="the chord's finishing job to run",
    )
    assert celery_worker.runs_of(recompute_score_shard) == 3

    ranks = dict(AgencyScore.objects.values_list("agency_id", "rank"))
    assert ranks == {
        responsive.pk: 1,
        slow.pk: 2,
        ghosting.pk: 3,
        **{agency.pk: None for agency in unlogged},
    }
    rates = PlatformRates.objects.get(pk=PlatformRates.SINGLETON).rates
    # Over the whole platform: one awaiting point in three answered within 14 days, and one
    # ended engagement in two ghosted.
    assert rates["reply_rate"] == pytest.approx(1 / 3)
    assert rates["ghosting_rate"] == pytest.approx(1 / 2)
