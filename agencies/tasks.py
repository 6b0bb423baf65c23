"""Scoring jobs. Thin: each takes ids, calls one service, and is safe to run twice.

They run on the ``scores`` queue (CELERY_TASK_ROUTES) so page-triggered work never waits
behind them.
"""

import datetime
import logging

from celery import chord, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from agencies import scores
from agencies.models import Agency

logger = logging.getLogger(__name__)

# Only failures that a retry can cure: the database or the network hiccuped.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def debounce_key(name: str, agency_id: int | None = None) -> str:
    return f"scores:{name}:{agency_id}" if agency_id is not None else f"scores:{name}"


def request_recompute(agency_id: int) -> None:
    """Ask for one recompute of an agency, once per burst of changes.

    The first change of a burst schedules a recompute a few seconds later; changes until
    that recompute starts are covered by it. The recompute clears the key when it starts,
    so a change committed after that schedules the next one.
    """
    delay = settings.SCORING_DEBOUNCE_SECONDS
    if delay and not cache.add(debounce_key("agency", agency_id), 1, timeout=delay * 10):
        return
    try:
        recompute_agency_score.apply_async((agency_id,), countdown=delay)
    except Exception:
        # The stale mark is committed: the reconciler will score this agency later.
        cache.delete(debounce_key("agency", agency_id))
        logger.warning("could not enqueue recompute of agency %s", agency_id, exc_info=True)


def request_ranks_refresh() -> None:
    """Ask for one ranks refresh per burst of recomputes."""
    delay = settings.SCORING_DEBOUNCE_SECONDS
    if delay and not cache.add(debounce_key("ranks"), 1, timeout=delay * 10):
        return
    refresh_ranks.apply_async(countdown=delay)


@shared_task(acks_late=True, **RETRY)
def recompute_agency_score(agency_id: int) -> float | None:
    """Recompute one agency's score; returns it (None without enough data)."""
    cache.delete(debounce_key("agency", agency_id))
    row = scores.score_recompute(agency_id=agency_id)
    request_ranks_refresh()
    return None if row is None else row.score


@shared_task(acks_late=True, **RETRY)
def refresh_ranks() -> int:
    """Re-rank every scored agency."""
    cache.delete(debounce_key("ranks"))
    return scores.ranks_refresh()


@shared_task(acks_late=True, **RETRY)
def reconcile_stale_scores() -> int:
    """Recompute agencies still marked stale a minute after their change (broker outages)."""
    older_than = timezone.now() - datetime.timedelta(seconds=60)
    stale = scores.stale_agency_ids(older_than=older_than)
    for agency_id in stale:
        recompute_agency_score.delay(agency_id)
    return len(stale)


@shared_task(acks_late=True, **RETRY)
def recompute_score_shard(agency_ids: list[int], today: str) -> int:
    """Recompute one shard of the full recompute."""
    return scores.scores_recompute_shard(
        agency_ids=agency_ids, today=datetime.date.fromisoformat(today)
    )


@shared_task(acks_late=True, **RETRY)
def finish_full_recompute(shard_counts: list[int] | None = None) -> int:
    """After every shard: refresh platform rates, rescore from stored evidence, re-rank."""
    return scores.scores_finish_full_recompute()


def full_recompute_shards(shard_size: int | None = None) -> list[list[int]]:
    """Every agency's id, in shards of ``shard_size`` (SCORING_SHARD_SIZE)."""
    size = shard_size or settings.SCORING_SHARD_SIZE
    ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@shared_task(acks_late=True, **RETRY)
def recompute_all_scores() -> int:
    """Nightly: recompute every agency in shards that all workers share, then finish."""
    today = timezone.localdate().isoformat()
    shards = full_recompute_shards()
    if not shards:
        return 0
    chord(recompute_score_shard.s(shard, today) for shard in shards)(finish_full_recompute.s())
    return len(shards)


@shared_task(acks_late=True, **RETRY)
def take_monthly_snapshots(month: str | None = None) -> int:
    """Snapshot every score for the month (default: this month)."""
    day = datetime.date.fromisoformat(month) if month else timezone.localdate()
    return scores.snapshots_take(month=day)
