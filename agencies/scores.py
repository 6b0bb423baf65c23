"""Writes to agency scores: recomputing them, their ranks, the platform rates and snapshots.

Only background jobs (``agencies/tasks.py``) and the ``recompute_scores`` command call these.
Each is idempotent: running it twice, or twice at once, leaves the same rows. Every write
makes the cached public pages stale once it commits (``agencyrank/page_cache.py``).
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg2.extras import execute_values

from agencies.models import Agency, AgencyScore, PlatformRates, ScoreSnapshot, StaleAgency
from agencies.queries import counted_events_by_agency, published_ratings
from agencies.scoring import (
    METRICS,
    Evidence,
    ScoreResult,
    ScoringConfig,
    assign_ranks,
    platform_rates,
    score_evidence,
    summarise_agency,
)
from agencyrank.page_cache import public_data_changed

# Namespace of the PostgreSQL advisory locks that serialise recomputes of one agency.
LOCK_NAMESPACE = 7301
SCORE_FIELDS = [
    f.name for f in AgencyScore._meta.concrete_fields if f.name not in {"agency", "rank"}
]


def scoring_config() -> ScoringConfig:
    """The scoring parameters from settings (docs/scoring.md lists them)."""
    return ScoringConfig(
        reply_window_days=settings.SCORING_REPLY_WINDOW_DAYS,
        ghosting_window_days=settings.SCORING_GHOSTING_WINDOW_DAYS,
        feedback_window_days=settings.SCORING_FEEDBACK_WINDOW_DAYS,
        follow_up_window_days=settings.SCORING_FOLLOW_UP_WINDOW_DAYS,
        half_life_days=settings.SCORING_HALF_LIFE_DAYS,
        prior_strength=settings.SCORING_PRIOR_STRENGTH,
        account_cap=settings.SCORING_ACCOUNT_CAP,
        min_engagements=settings.SCORING_MIN_ENGAGEMENTS,
    )


def current_platform_rates(config: ScoringConfig) -> dict[str, float]:
    """The stored platform-wide rates, with the configured defaults for any not known yet."""
    stored = PlatformRates.objects.filter(pk=PlatformRates.SINGLETON).first()
    return dict(config.default_platform_rates) | (stored.rates if stored else {})


def score_row(
    agency_id: int,
    evidence: Evidence,
    result: ScoreResult,
    rating: tuple[float, int] | None,
    now: datetime.datetime,
) -> AgencyScore:
    """An unsaved AgencyScore holding one agency's evidence and result."""
    rates = {metric: evidence.tallies[metric].rate for metric in METRICS}
    average, count = rating or (None, 0)
    return AgencyScore(
        agency_id=agency_id,
        score=result.score,
        score_low=result.score_low,
        score_high=result.score_high,
        engagements=evidence.engagements,
        median_reply_days=evidence.median_reply_days,
        evidence=evidence.to_json(),
        flag_ghosting="ghosting" in result.flags,
        flag_cv_harvesting="cv_harvesting" in result.flags,
        flag_salary_fishing="salary_fishing" in result.flags,
        rating=average,
        rating_count=count,
        updated_at=now,
        **rates,
    )


def save_score_rows(rows: Sequence[AgencyScore]) -> None:
    """Insert or update score rows in one statement per batch; ranks are left alone."""
    public_data_changed()
    AgencyScore.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["agency"],
        update_fields=SCORE_FIELDS,
    )


def lock_agency(agency_id: int) -> None:
    """Serialise recomputes of one agency until the transaction ends (PostgreSQL only).

    Two workers recomputing the same agency then read and write one after the other, so the
    later write always holds the later data.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, agency_id])


def read_stale_marks(agency_ids: Sequence[int]) -> dict[int, datetime.datetime]:
    """The stale marks of these agencies as they are now, read before their events."""
    return dict(
        StaleAgency.objects.filter(agency_id__in=agency_ids).values_list("agency_id", "marked_at")
    )


def clear_stale_marks(marks: dict[int, datetime.datetime]) -> None:
    """Delete the marks read before a recompute, unless a change has marked them again since.

    A mark's time is when its change was written, not committed, so "older than the
    recompute" would wrongly clear the mark of a change still committing while the
    recompute read the events. Matching the exact mark read first cannot: a later change
    rewrites the mark (and a delete waiting on its lock then finds no match).
    """
    if not marks:
        return
    same_mark = Q()
    for agency_id, marked_at in marks.items():
        same_mark |= Q(agency_id=agency_id, marked_at=marked_at)
    StaleAgency.objects.filter(same_mark).delete()


def frozen_agency_ids(agency_ids: Sequence[int] | None) -> set[int]:
    """Those of ``agency_ids`` (all agencies when None) whose public score is frozen."""
    frozen = Agency.objects.filter(score_frozen_at__isnull=False)
    if agency_ids is not None:
        frozen = frozen.filter(pk__in=agency_ids)
    return set(frozen.values_list("pk", flat=True))


def score_recompute(*, agency_id: int, today: datetime.date | None = None) -> AgencyScore | None:
    """Recompute one agency's score from its counted events; None if the agency is gone.

    A frozen score (``Agency.score_frozen_at``) is left as it is and returned unchanged.
    """
    today = today or timezone.localdate()
    config = scoring_config()
    with transaction.atomic():
        if not Agency.objects.filter(pk=agency_id).exists():
            StaleAgency.objects.filter(agency_id=agency_id).delete()
            return None
        lock_agency(agency_id)
        marks = read_stale_marks([agency_id])
        # Read after the lock: a freeze commits while holding it (reviews/screening.py).
        if Agency.objects.filter(pk=agency_id, score_frozen_at__isnull=False).exists():
            clear_stale_marks(marks)
            return AgencyScore.objects.filter(agency_id=agency_id).first()
        events = next((rows for _, rows in counted_events_by_agency([agency_id])), [])
        evidence = summarise_agency(events, now=today, config=config)
        result = score_evidence(evidence, platform=current_platform_rates(config), config=config)
        row = score_row(
            agency_id,
            evidence,
            result,
            published_ratings([agency_id]).get(agency_id),
            timezone.now(),
        )
        save_score_rows([row])
        clear_stale_marks(marks)
    return row


def _evidence_by_agency(
    agency_ids: Sequence[int], today: datetime.date, config: ScoringConfig
) -> Iterator[tuple[int, Evidence]]:
    """Evidence of each listed agency, streaming its events once; agencies with none too."""
    seen: set[int] = set()
    for agency_id, rows in counted_events_by_agency(agency_ids):
        seen.add(agency_id)
        yield agency_id, summarise_agency(rows, now=today, config=config)
    for agency_id in agency_ids:
        if agency_id not in seen:
            yield agency_id, summarise_agency((), now=today, config=config)


def scores_recompute_shard(
    *, agency_ids: Sequence[int], today: datetime.date, progress=None
) -> int:
    """Recompute a shard of agencies with the current platform rates; returns how many.

    Agencies whose score is frozen are left as they are (and not counted).
    """
    started = timezone.now()
    config = scoring_config()
    platform = current_platform_rates(config)
    rows: list[AgencyScore] = []
    with transaction.atomic():
        marks = read_stale_marks(agency_ids)
        frozen = frozen_agency_ids(agency_ids)
        agency_ids = [agency_id for agency_id in agency_ids if agency_id not in frozen]
        if progress is not None and frozen:
            progress.update(len(frozen))
        ratings = published_ratings(agency_ids)
        for agency_id, evidence in _evidence_by_agency(agency_ids, today, config):
            result = score_evidence(evidence, platform=platform, config=config)
            rows.append(score_row(agency_id, evidence, result, ratings.get(agency_id), started))
            if progress is not None:
                progress.update(1)
        save_score_rows(rows)
        clear_stale_marks(marks)
    return len(rows)


RESCORED_FIELDS = [
    "score",
    "score_low",
    "score_high",
    "flag_ghosting",
    "flag_cv_harvesting",
    "flag_salary_fishing",
    "rank",
    "updated_at",
]


def scores_finish_full_recompute() -> int:
    """Refresh the platform rates from every agency's evidence, rescore, and re-rank.

    Runs after all shards: rescoring from stored evidence is arithmetic only, no events,
    and only the columns that depend on the platform rates are written.
    """
    config = scoring_config()
    now = timezone.now()
    with transaction.atomic():
        stored = list(
            AgencyScore.objects.select_for_update()
            .order_by("agency_id")
            .values_list("agency_id", "evidence", "score", "engagements")
        )
        evidences = {agency: Evidence.from_json(data) for agency, data, _, _ in stored if data}
        rates = platform_rates(evidences.values(), config)
        PlatformRates.objects.update_or_create(
            pk=PlatformRates.SINGLETON, defaults={"rates": rates, "updated_at": now}
        )
        # A frozen score keeps its value and is ranked with it.
        frozen = frozen_agency_ids(None)
        results = {
            agency: score_evidence(evidence, platform=rates, config=config)
            for agency, evidence in evidences.items()
            if agency not in frozen
        }
        ranks = assign_ranks(
            (agency, results[agency].score if agency in results else score, count)
            for agency, _, score, count in stored
        )
        rows = [
            AgencyScore(
                agency_id=agency,
                score=result.score,
                score_low=result.score_low,
                score_high=result.score_high,
                flag_ghosting="ghosting" in result.flags,
                flag_cv_harvesting="cv_harvesting" in result.flags,
                flag_salary_fishing="salary_fishing" in result.flags,
                rank=ranks.get(agency),
                updated_at=now,
            )
            for agency, result in results.items()
        ]
        update_rescored(rows)
    return len(rows)


def update_rescored(rows: Sequence[AgencyScore]) -> None:
    """Write the rescored columns of many rows: one UPDATE per page on PostgreSQL."""
    public_data_changed()
    if connection.vendor != "postgresql":
        AgencyScore.objects.bulk_update(rows, RESCORED_FIELDS, batch_size=500)
        return
    # Django's bulk_update builds a CASE per column and row; a join on VALUES is several
    # times faster for the nightly 10,000 rows (docs/performance.md).
    columns = ", ".join(f"{name} = v.{name}" for name in RESCORED_FIELDS)
    values = [(row.agency_id, *(getattr(row, name) for name in RESCORED_FIELDS)) for row in rows]
    # Built from the model's table name and the constant column list only; values are bound.
    sql = (
        f"UPDATE {AgencyScore._meta.db_table} AS s SET {columns} "  # noqa: S608
        f"FROM (VALUES %s) AS v(agency_id, {', '.join(RESCORED_FIELDS)}) "
        "WHERE s.agency_id = v.agency_id"
    )
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            sql,
            values,
            template="(%s::bigint, %s::float8, %s::float8, %s::float8, %s::bool, %s::bool, "
            "%s::bool, %s::integer, %s::timestamptz)",
            page_size=2000,
        )


def ranks_refresh() -> int:
    """Give every scored agency its rank (ties share one) and clear the others'; returns changes."""
    with transaction.atomic():
        current = list(AgencyScore.objects.values_list("agency_id", "score", "engagements", "rank"))
        ranks = assign_ranks((agency, score, count) for agency, score, count, _ in current)
        changed = [
            AgencyScore(agency_id=agency, rank=ranks.get(agency))
            for agency, _, _, rank in current
            if ranks.get(agency) != rank
        ]
        AgencyScore.objects.bulk_update(changed, ["rank"], batch_size=1000)
        if changed:
            public_data_changed()
    return len(changed)


def snapshots_take(*, month: datetime.date) -> int:
    """Copy every current score into the snapshot of ``month`` (its first day); idempotent."""
    month = month.replace(day=1)
    scores = AgencyScore.objects.values(
        "agency_id",
        "score",
        "score_low",
        "score_high",
        "engagements",
        *METRICS,
        "median_reply_days",
        "rating",
    )
    snapshots = [
        ScoreSnapshot(
            agency_id=row["agency_id"],
            month=month,
            score=row["score"],
            score_low=row["score_low"],
            score_high=row["score_high"],
            engagements=row["engagements"],
            metrics={key: row[key] for key in (*METRICS, "median_reply_days", "rating")},
        )
        for row in scores.iterator(chunk_size=2000)
    ]
    ScoreSnapshot.objects.bulk_create(
        snapshots,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["agency", "month"],
        update_fields=["score", "score_low", "score_high", "engagements", "metrics"],
    )
    public_data_changed()
    return len(snapshots)


def stale_agency_ids(*, older_than: datetime.datetime) -> list[int]:
    """Agencies marked stale before ``older_than`` and not recomputed since."""
    return list(
        StaleAgency.objects.filter(marked_at__lt=older_than)
        .order_by("marked_at")
        .values_list("agency_id", flat=True)
    )


class _RecomputeAfterCommit:
    """On-commit callback asking for one agency's recompute (one per agency and transaction)."""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id

    def __call__(self) -> None:
        from agencies.tasks import request_recompute

        request_recompute(self.agency_id)


def scores_mark_stale(*, agency_ids: Iterable[int]) -> None:
    """Mark agencies' scores out of date and ask for one recompute each after commit.

    The mark is written in the caller's transaction, so a change that commits while the
    broker is down is still scored later (by the reconciler). However many changes one
    transaction makes to an agency, it asks for one recompute.
    """
    ids = sorted(set(agency_ids))
    if not ids:
        return
    now = timezone.now()
    StaleAgency.objects.bulk_create(
        [StaleAgency(agency_id=agency_id, marked_at=now) for agency_id in ids],
        update_conflicts=True,
        unique_fields=["agency"],
        update_fields=["marked_at"],
    )
    already = {getattr(callback, "agency_id", None) for _, callback, _ in connection.run_on_commit}
    for agency_id in ids:
        if agency_id not in already:
            transaction.on_commit(_RecomputeAfterCommit(agency_id))
