"""Reads for the ranking page: listed agencies, ranked ones in the chosen order, then the rest.

The ranking is paged 50 agencies at a time over some 10,000. Sorting every listed agency
joined to its score row for each page cost 10 to 25 ms; reading ranked agencies from the score
side instead walks one of the partial indexes on ranked score rows (agencies/models.py) and
stops after the page, and agencies without a rank are read apart, only on the pages that
reach them. The counts come first, in one query: the page's rows need to know where the
ranked agencies end.
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.db.models.expressions import RawSQL

from agencies.models import Agency, AgencyScore, ListedAgencyCount, Specialty

# Each sort of the ranking: its database ordering (best first, no value last). Ranked
# agencies are read through the index on the same columns (AgencyScore.Meta.indexes).
RANKING_ORDERS = {
    "score": [
        F("score__rank").asc(nulls_last=True),
        F("score__engagements").desc(nulls_last=True),
    ],
    "reply_rate": [F("score__reply_rate").desc(nulls_last=True)],
    "median_reply_days": [F("score__median_reply_days").asc(nulls_last=True)],
    "ghosting_rate": [F("score__ghosting_rate").asc(nulls_last=True)],
    "rating": [F("score__rating").desc(nulls_last=True)],
}

# What the ranking shows of each agency, read as plain values: the page prints them and never
# needs the models (reading whole score rows, evidence JSON included, made every sort wider).
# Every sort's columns are among them: a page that holds both groups orders their union.
RANKING_FIELDS = (
    "pk",
    "slug",
    "name",
    "country",
    "city",
    "score__rank",
    "score__engagements",
    "score__score",
    "score__score_low",
    "score__score_high",
    "score__reply_rate",
    "score__median_reply_days",
    "score__ghosting_rate",
    "score__rating",
    "score__flag_ghosting",
    "score__flag_cv_harvesting",
    "score__flag_salary_fishing",
)


def specialty_holders(code: str) -> RawSQL:
    """The ids of the agencies holding the specialty ``code``, for ``pk__in``.

    By the specialty's id, read first: PostgreSQL then knows from the link table's statistics
    how many agencies hold it and starts from the narrower filter (joined to the code, it
    guessed 29 of 1,300 and probed agencies one by one). Written out: the ORM's Exists and
    Subquery took longer to build and compile (about 1 ms a page) than the query took to run.
    """
    return RawSQL(_specialty_holders_sql(connection.vendor), [code])  # noqa: S611


@functools.cache
def _specialty_holders_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    through = Specialty.agencies.through._meta
    specialty = Specialty._meta
    return (
        f"SELECT {quote(through.get_field('agency').column)} "  # noqa: S608 - names only
        f"FROM {quote(through.db_table)} WHERE {quote(through.get_field('specialty').column)} = "
        f"(SELECT {quote(specialty.pk.column)} FROM {quote(specialty.db_table)} "
        f"WHERE {quote(specialty.get_field('code').column)} = %s)"
    )


def listed_matching(
    *, country: str = "", city: str = "", specialty: str = "", min_engagements: int | None = None
) -> QuerySet[Agency]:
    """Listed agencies in ``country``, in ``city`` (any case), holding ``specialty`` and with
    at least ``min_engagements`` counted; a blank filter matches all. The ranking's and the
    API's filters, apart from their searches."""
    agencies = Agency.objects.listed()
    if country:
        agencies = agencies.filter(country=country)
    if city:
        agencies = agencies.filter(city__iexact=city)
    if specialty:
        agencies = agencies.filter(pk__in=specialty_holders(specialty))
    if min_engagements:
        agencies = agencies.filter(score__engagements__gte=min_engagements)
    return agencies


def _filtered(*, search: str = "", min_evidence: int | None = None, **filters) -> QuerySet[Agency]:
    agencies = listed_matching(min_engagements=min_evidence, **filters)
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(domain__icontains=search))
    return agencies


# Each row's specialty codes, comma-separated in no set order (None without any): read with
# the row, rather than as one more query for the page's agencies. (SQLite before 3.44
# cannot order inside an aggregate; the page sorts them.)
_SPECIALTY_CODES = Subquery(
    Specialty.agencies.through.objects.filter(agency=OuterRef("pk"))
    .values("agency")
    .annotate(codes=StringAgg("specialty__code", Value(",")))
    .values("codes")
)


def listed_count_sql() -> tuple[str, list]:
    """SQL for the number of listed agencies, and its parameters: the count the database
    keeps (ListedAgencyCount), or a count of them where it keeps none."""
    sql, params = _listed_count_sql(connection.vendor)
    return sql, list(params)


@functools.cache
def _listed_count_sql(vendor: str) -> tuple[str, tuple]:
    # The statement never changes: built once per backend, not on every page of the API.
    kept = ListedAgencyCount._meta
    counted, params = Agency.objects.listed().order_by().values("pk").query.sql_with_params()
    return (
        f"COALESCE((SELECT {kept.get_field('listed').column} FROM {kept.db_table} "  # noqa: S608
        f"WHERE {kept.pk.column} = {ListedAgencyCount.SINGLETON}), "
        f"(SELECT COUNT(*) FROM ({counted}) counted))",
        tuple(params),
    )


@functools.cache
def _all_counts_sql(vendor: str) -> tuple[str, tuple]:
    """The unfiltered listing's counts: the listed agencies' kept count, and every ranked
    score row less those of unlisted agencies (a hundred, through a partial index), rather
    than joining thousands of rows. The statement never changes: built once per backend."""
    ranked = AgencyScore.objects.filter(rank__isnull=False)
    listed_sql, params = listed_count_sql()
    parts = [listed_sql]
    for queryset in (ranked, ranked.exclude(agency__is_active=True, agency__merged_into=None)):
        sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
        params.extend(part_params)
    return f"SELECT {', '.join(parts)}", tuple(params)


@dataclass(frozen=True)
class RankingCounts:
    """How many listed agencies match the filters, and how many of them hold a rank."""

    listed: int
    ranked: int


class RankedAgencies:
    """The listed agencies matching the filters, as Django's Paginator pages them.

    Ranked agencies come first in ``sort`` order, then those without a rank in the same order
    (ties by name, then id). Rows are named tuples of RANKING_FIELDS (score fields None before
    the first recompute), ``is_ranked`` and ``specialty_codes`` (comma-separated, in no set
    order; None without any). ``count()`` is one query, and so is each slice,
    wherever the page falls: on the page where ranked agencies end, both groups are read as
    one ordered union.
    """

    def __init__(self, *, sort: str = "score", **filters) -> None:
        self._agencies = _filtered(**filters)
        self._filtered = any(value not in ("", None, 0) for value in filters.values())
        self._order = [*RANKING_ORDERS[sort], "name", "pk"]
        self._counts: RankingCounts | None = None

    def counts(self) -> RankingCounts:
        """Listed and ranked agencies matching the filters; one query, read once."""
        if self._counts is None:
            self._counts = self._filtered_counts() if self._filtered else self._all_counts()
        return self._counts

    def _filtered_counts(self) -> RankingCounts:
        # A part of the agencies: one pass over them counts both.
        counted = self._agencies.order_by().aggregate(
            listed=Count("pk"), ranked=Count("pk", filter=Q(score__rank__isnull=False))
        )
        return RankingCounts(**counted)

    def _all_counts(self) -> RankingCounts:
        sql, params = _all_counts_sql(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            listed, ranked_count, unlisted_ranked = cursor.fetchone()
        return RankingCounts(listed=listed, ranked=ranked_count - unlisted_ranked)

    def count(self) -> int:
        return self.counts().listed

    def __len__(self) -> int:
        return self.count()

    def _ranked(self) -> QuerySet[Agency]:
        return self._agencies.filter(score__rank__isnull=False)

    def _rows(self, agencies: QuerySet[Agency], *, ranked: bool) -> QuerySet:
        return (
            agencies.annotate(is_ranked=Value(ranked), specialty_codes=_SPECIALTY_CODES)
            .order_by(*self._order)
            .values_list(*RANKING_FIELDS, "is_ranked", "specialty_codes", named=True)
        )

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        if window.step is not None or stop is None or start < 0 or stop < start:
            raise TypeError("RankedAgencies takes slices [start:stop] only.")
        ranked_count = self.counts().ranked
        if stop <= ranked_count:
            return list(self._ranked_rows(start, stop))
        unranked = self._rows(self._agencies.filter(score__rank__isnull=True), ranked=False)[
            max(start - ranked_count, 0) : stop - ranked_count
        ]
        if start >= ranked_count:
            return list(unranked)
        ranked = self._ranked_rows(start, ranked_count)
        if not connection.features.supports_slicing_ordering_in_compound:
            return [*ranked, *unranked]  # SQLite, the local default: two queries on one page
        return list(ranked.union(unranked, all=True).order_by(F("is_ranked").desc(), *self._order))

    def _ranked_rows(self, start: int, stop: int) -> QuerySet:
        return self._rows(self._ranked(), ranked=True)[start:stop]
