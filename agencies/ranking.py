"""Reads for the ranking page: listed agencies, ranked ones in the chosen order, then the rest.

The ranking is paged 50 agencies at a time over some 10,000. Sorting every listed agency
joined to its score row for each page cost 10 to 25 ms; reading ranked agencies from the score
side instead walks one of the partial indexes on ranked score rows (agencies/models.py) and
stops after the page, and agencies without a rank are read apart, only on the pages that
reach them. A page is two queries: the count, then the page's rows. Unfiltered, the count is
the one the database keeps; filtered, one pass over the matches counts them and their ranked
ones. The first page's rows, filtered or not, find where the ranked agencies end themselves;
past it, the unfiltered ranking's rows do too, and a filtered list's read only the group or
groups the page holds.
"""

import functools
from collections import namedtuple
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler

from agencies.matching import search_lookups
from agencies.models import Agency, AgencyScore, ListedAgencyCount, Specialty
from agencies.raw_sql import agency_field, qualified
from agencyrank.prepared import execute_prepared

# Each sort of the ranking: its columns, best first, as (name, descending) pairs; an agency
# without a value comes last, and ties go by name, then id. Ranked agencies are read through
# the index on the same columns (AgencyScore.Meta.indexes), whose order the terms match.
RANKING_ORDERS = {
    "score": (("score__rank", False), ("score__engagements", True)),
    "reply_rate": (("score__reply_rate", True),),
    "median_reply_days": (("score__median_reply_days", False),),
    "ghosting_rate": (("score__ghosting_rate", False),),
    "rating": (("score__rating", True),),
}
TIE_BREAKS = (("name", False), ("pk", False))
# Agencies on a page of the ranking.
PAGE_SIZE = 50

# What the ranking shows of each agency, read as plain values: the page prints them and never
# needs the models (reading whole score rows, evidence JSON included, made every sort wider).
# Every sort's columns are among them: the page's two groups are ordered together by name.
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
# A row of the ranking: RANKING_FIELDS (score fields None before the first recompute), then
# whether the agency holds a rank and its specialty codes (Agency.specialty_codes:
# comma-separated, "" without any). Booleans are as the database driver gives them (1 and 0
# on SQLite).
RankingRow = namedtuple("RankingRow", [*RANKING_FIELDS, "is_ranked", "specialty_codes"])


def specialty_holders(code: str) -> RawSQL:
    """The ids of the agencies holding the specialty ``code``, for ``pk__in``.

    By the specialty's id, read first: PostgreSQL then knows from the link table's statistics
    how many agencies hold it and starts from the narrower filter (joined to the code, it
    guessed 29 of 1,300 and probed agencies one by one). Written out: the ORM's Exists and
    Subquery took longer to build and compile (about 1 ms a page) than the query took to run.
    """
    sql = _specialty_holders_sql(connection.vendor)
    return RawSQL(sql, [code], output_field=Agency._meta.pk)  # noqa: S611


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


def _matching_lookups(
    *, country: str = "", city: str = "", specialty: str = "", min_engagements: int | None = None
) -> dict[str, object]:
    """The filters of listed_matching as ``filter()`` keyword arguments; blank ones left out."""
    lookups: dict[str, object] = {}
    if country:
        lookups["country"] = country
    if city:
        lookups["city__iexact"] = city
    if specialty:
        lookups["pk__in"] = specialty_holders(specialty)
    if min_engagements:
        lookups["score__engagements__gte"] = min_engagements
    return lookups


def listed_matching(
    *, country: str = "", city: str = "", specialty: str = "", min_engagements: int | None = None
) -> QuerySet[Agency]:
    """Listed agencies in ``country``, in ``city`` (any case), holding ``specialty`` and with
    at least ``min_engagements`` counted; a blank filter matches all. The ranking's and the
    API's filters, apart from their searches."""
    lookups = _matching_lookups(
        country=country, city=city, specialty=specialty, min_engagements=min_engagements
    )
    return Agency.objects.listed().filter(**lookups)


def _matching_where(
    *, search: str = "", min_evidence: int | None = None, **filters
) -> tuple[str, list]:
    """The ranking's filters as a condition on the agency table and its score rows, and its
    parameters: listed_matching's lookups, and the search on name or website (as
    ``matching.search_lookups`` reads it, like every search on the site).

    Each lookup is compiled on its own column, as the ORM compiles it in a filter(): building
    and compiling a filtered queryset took four times as long (0.2 to 0.3 ms a page).
    """
    listed, params = _names(connection.vendor).listed
    conditions, params = [listed], list(params)
    compiler = Query(Agency).get_compiler(connection=connection)
    for path, value in _matching_lookups(min_engagements=min_evidence, **filters).items():
        sql, lookup_params = _lookup_sql(compiler, path, value)
        conditions.append(sql)
        params.extend(lookup_params)
    if lookups := search_lookups(search):
        terms = [_lookup_sql(compiler, lookup, value) for lookup, value in lookups]
        conditions.append(f"({' OR '.join(sql for sql, _params in terms)})")
        params.extend(param for _sql, term_params in terms for param in term_params)
    return " AND ".join(conditions), params


def _lookup_sql(compiler: SQLCompiler, path: str, value) -> tuple[str, list]:
    """``path=value`` as a filter() keyword argument on Agency, compiled on its column:
    "field", "field__lookup", or "score__field__lookup" for the agency's score row."""
    model, parts = Agency, path.split("__")
    if parts[0] == "score":
        model, parts = AgencyScore, parts[1:]
    field = model._meta.pk if parts[0] == "pk" else model._meta.get_field(parts[0])
    lookup = field.get_lookup(parts[1] if len(parts) > 1 else "exact")
    return compiler.compile(lookup(field.get_col(model._meta.db_table), value))


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


@dataclass(frozen=True)
class _Names:
    """The ranking's tables, columns and fixed fragments as a database backend quotes them."""

    agency: str
    score: str
    joined: str  # the agency's score row
    rank: str
    # A second join to the agency's score row, only where it holds a rank, and its key: a
    # count of ranked agencies reads the index on ranked score rows alone.
    ranked: str
    ranked_agency: str
    select_list: str  # RANKING_FIELDS, each under its own name
    specialty_codes: str  # the agency's column
    listed: tuple[str, tuple]  # the condition that lists an agency, and its parameters


@functools.cache
def _names(vendor: str) -> _Names:
    """Built once per backend (``vendor``), from the models' metadata."""
    quote = connection.ops.quote_name
    score_agency = AgencyScore._meta.get_field("agency")
    listed_query = Agency.objects.listed().query
    # SQLite's condition takes True as a parameter; PostgreSQL's none.
    listed, listed_params = listed_query.get_compiler(connection=connection).compile(
        listed_query.where
    )
    return _Names(
        agency=quote(Agency._meta.db_table),
        score=quote(AgencyScore._meta.db_table),
        joined=f"{qualified(Agency._meta.pk)} = {qualified(score_agency)}",
        rank=qualified(AgencyScore._meta.get_field("rank")),
        ranked=(
            f"LEFT OUTER JOIN {quote(AgencyScore._meta.db_table)} ranked "
            f"ON {qualified(Agency._meta.pk)} = ranked.{quote(score_agency.column)} "
            f"AND ranked.{quote(AgencyScore._meta.get_field('rank').column)} IS NOT NULL"
        ),
        ranked_agency=f"ranked.{quote(score_agency.column)}",
        select_list=", ".join(
            f"{qualified(agency_field(name))} AS {quote(name)}" for name in RANKING_FIELDS
        ),
        specialty_codes=qualified(Agency._meta.get_field("specialty_codes")),
        listed=(listed, tuple(listed_params)),
    )


def _order_by(sort: str, *, by_name: bool = False) -> str:
    """ORDER BY terms for ``sort``, then the tie breaks: by qualified column, or by the page's
    column names. Score columns put NULLs last, as the ranking's indexes do."""
    quote = connection.ops.quote_name
    terms = []
    for name, descending in (*RANKING_ORDERS[sort], *TIE_BREAKS):
        term = quote(name) if by_name else qualified(agency_field(name))
        term += " DESC" if descending else " ASC"
        if name.startswith("score__"):
            term += " NULLS LAST"
        terms.append(term)
    return ", ".join(terms)


def _group_sql(
    names: _Names,
    where: str,
    sort: str,
    *,
    ranked: bool,
    if_left: str = "",
    limit: str = "%s",
    offset: str = "%s",
) -> str:
    """The ranked (or the other) agencies matching ``where``, in ``sort`` order, ``LIMIT
    {limit} OFFSET {offset}``, as RankingRow columns. Ranked ones are read from the score
    side, through the sort's index."""
    if ranked:
        source = (
            f"{names.score} INNER JOIN {names.agency} ON {names.joined} "
            f"WHERE {where} AND {names.rank} IS NOT NULL {if_left}"
        )
    else:
        source = (
            f"{names.agency} LEFT OUTER JOIN {names.score} ON {names.joined} "
            f"WHERE {where} AND {names.rank} IS NULL "
        )
    columns = (
        f"{names.select_list}, {'TRUE' if ranked else 'FALSE'} AS is_ranked, "
        f"{names.specialty_codes} AS specialty_codes"
    )
    return (
        f"SELECT {columns} FROM {source}"  # noqa: S608 - names and the ORM's compiled SQL
        f"ORDER BY {_order_by(sort)} LIMIT {limit} OFFSET {offset}"
    )


def _page_sql(sort: str, page: str, *, limit: str = "") -> str:
    """The rows of ``page`` (a subquery of the groups' rows) in the page's order."""
    return (
        f"SELECT page.* FROM ({page}) page "  # noqa: S608 - names and compiled SQL
        f"ORDER BY is_ranked DESC, {_order_by(sort, by_name=True)}{limit}"
    )


# The statements are built once per backend, sort, set of filters (``where`` holds
# placeholders, never values) and shape of page: a few hundred at most.


@functools.lru_cache(maxsize=512)
def _rows_sql(vendor: str, sort: str, where: str, groups: tuple[bool, ...]) -> str:
    """A page from the ranked agencies, the others, or both (``groups``: True for ranked),
    for a filtered list, where the count tells how many are ranked."""
    names = _names(vendor)
    if len(groups) == 1:
        return _group_sql(names, where, sort, ranked=groups[0])
    parts = [_group_sql(names, where, sort, ranked=ranked) for ranked in groups]
    # SQLite takes no ORDER BY or LIMIT in a UNION's own members, only in subqueries.
    page = " UNION ALL ".join(
        f"SELECT * FROM ({part}) part_{number}"  # noqa: S608 - as above
        for number, part in enumerate(parts)
    )
    return _page_sql(sort, page)


def _ranked_then_others(
    sort: str, ranked_page: str, others: str, size: str, *, before_page: str = ""
) -> str:
    """The page: ``ranked_page``'s rows (a statement, kept as a CTE of that name), then
    ``others``' only if the ranked ones fall short of ``size``, at most ``size`` in the
    page's order. PostgreSQL evaluates a condition on a subquery alone once, first, and
    skips what it guards when false. ``before_page``: CTEs the two statements read."""
    page = (
        "SELECT * FROM ranked_page UNION ALL "  # noqa: S608 - names and compiled SQL
        f"SELECT * FROM ({others}) others WHERE (SELECT COUNT(*) FROM ranked_page) < {size}"
    )
    rows = _page_sql(sort, page, limit=f" LIMIT {size}")
    return f"WITH {before_page}ranked_page AS ({ranked_page}) {rows}"


@functools.lru_cache(maxsize=512)
def _first_page_sql(vendor: str, sort: str, where: str) -> str:
    """The first page of the agencies matching ``where``, which finds where the ranked ones
    end itself (_ranked_then_others).

    The page's size is written out, not a parameter: planning for a limit it does not know,
    as a prepared statement's one plan must, PostgreSQL reckons with a tenth of the matches
    and chose to sort every agency holding a specialty (5 ms) rather than walk the sort's
    index and stop after the page (1.5 ms). Knowing the limit and no offset, the plan made
    once is the one each filter's values would get, so the first page, which most visits
    see, is prepared; the statement may return more rows than a smaller page asks for.
    """
    names = _names(vendor)
    size = str(PAGE_SIZE)
    ranked_page = _group_sql(names, where, sort, ranked=True, limit=size, offset="0")
    others = _group_sql(names, where, sort, ranked=False, limit=size, offset="0")
    return _ranked_then_others(sort, ranked_page, others, size)


@functools.lru_cache(maxsize=32)
def _listing_rows_sql(vendor: str, sort: str) -> str:
    """A page of the unfiltered ranking past the first, which finds where the ranked agencies
    end itself.

    Counting the ranked agencies (7,500 of 10,000) cost more than the page's rows. Here the
    ranked agencies before the page are counted first, up to the page's start: the ranked
    ones on the page are read only if some are left, and the others from the offset the count
    leaves, only when the ranked ones fall short of the page (_ranked_then_others).
    """
    names = _names(vendor)
    where = names.listed[0]
    ranked = f"{names.score} INNER JOIN {names.agency} ON {names.joined}"
    before_page = (
        "before_page AS (SELECT COUNT(*) AS agencies FROM (SELECT 1 "  # noqa: S608 - names
        f"FROM {ranked} WHERE {where} AND {names.rank} IS NOT NULL LIMIT %s) counted), "
    )
    ranked_page = _group_sql(
        names, where, sort, ranked=True, if_left="AND (SELECT agencies FROM before_page) = %s "
    )
    others = _group_sql(
        names, where, sort, ranked=False, offset="%s - (SELECT agencies FROM before_page)"
    )
    # Up to a page of the others may follow the ranked ones: the page ends at its size.
    return _ranked_then_others(sort, ranked_page, others, "%s", before_page=before_page)


class RankedAgencies:
    """The listed agencies matching the filters, as Django's Paginator pages them.

    Ranked agencies come first in ``sort`` order, then those without a rank in the same order
    (ties by name, then id), as RankingRow tuples. ``count()`` is one query, and so is each
    slice, wherever the page falls. The statements are written out around the filters' WHERE
    condition as the ORM compiles it: compiling the page's querysets through the ORM took
    longer (about 0.8 ms a page) than the database took to run them. Without a filter nothing
    goes through the ORM at all. The counts and first pages, and the unfiltered ranking's
    every page, are prepared once per connection unless a name search decides their plan.
    """

    def __init__(self, *, sort: str = "score", **filters) -> None:
        if sort not in RANKING_ORDERS:
            raise ValueError(f"Unknown sort {sort!r}.")
        self._sort = sort
        self._filtered = any(value not in ("", None, 0) for value in filters.values())
        self._searched = bool(filters.get("search"))
        if self._filtered:
            self._where, self._params = _matching_where(**filters)
        else:
            where, params = _names(connection.vendor).listed
            self._where, self._params = where, list(params)
        self._count: int | None = None
        self._ranked: int | None = None  # known for a filtered list only

    def count(self) -> int:
        """How many listed agencies match the filters; one query, read once."""
        if self._count is None:
            if self._filtered:
                # A part of the agencies: one pass over them counts the ranked ones too. The
                # filters may read the score row (evidence); the ranked count needs only the
                # index on ranked rows.
                names = _names(connection.vendor)
                sql = (
                    f"SELECT COUNT(*), COUNT({names.ranked_agency}) FROM {names.agency} "  # noqa: S608
                    f"LEFT OUTER JOIN {names.score} ON {names.joined} {names.ranked} "
                    f"WHERE {self._where}"
                )
                with connection.cursor() as cursor:
                    # Country, city, specialty and evidence are read through the same
                    # indexes whatever their values: planned once, the count is as fast for
                    # every filter set tried.
                    self._execute(cursor, sql, self._params)
                    self._count, self._ranked = cursor.fetchone()
            else:
                # Every listed agency: the count the database keeps.
                sql, params = listed_count_sql()
                with connection.cursor() as cursor:
                    execute_prepared(cursor, f"SELECT {sql}", params)
                    self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[RankingRow]:
        start, stop = window.start or 0, window.stop
        if window.step is not None or stop is None or start < 0 or stop < start:
            raise TypeError("RankedAgencies takes slices [start:stop] only.")
        if stop == start:
            return []
        with connection.cursor() as cursor:
            if start == 0 and stop <= PAGE_SIZE:
                # The first page: one statement per sort and set of filters, planned once
                # unless a search's words decide its plan.
                sql = _first_page_sql(connection.vendor, self._sort, self._where)
                self._execute(cursor, sql, [*self._params, *self._params])
                return [RankingRow._make(row) for row in cursor.fetchall()[:stop]]
            if self._filtered:
                # Planned for its values: past its first page, a filtered list's best plan
                # depends on the offset too.
                cursor.execute(*self._filtered_rows(start, stop))
            else:  # the same few statements for every page of the unfiltered ranking
                execute_prepared(cursor, *self._listing_rows(start, stop))
            return [RankingRow._make(row) for row in cursor.fetchall()]

    def _execute(self, cursor, sql: str, params: list) -> None:
        """Run one of the list's fixed statements: prepared once per connection, unless a
        name search decides its plan (a search's words can match 3 agencies or 3,000)."""
        if self._searched:
            cursor.execute(sql, params)
        else:
            execute_prepared(cursor, sql, params)

    def _listing_rows(self, start: int, stop: int) -> tuple[str, list]:
        sql = _listing_rows_sql(connection.vendor, self._sort)
        where, size = self._params, stop - start
        # before_page, then ranked_page's condition on it, ranked_page's rows, the others'
        # rows, whether the others are read, the page's size
        return sql, [*where, start, *where, start, size, start, *where, size, start, size, size]

    def _filtered_rows(self, start: int, stop: int) -> tuple[str, list]:
        self.count()
        ranked, where = self._ranked, self._params
        if stop <= ranked:
            groups, params = (True,), [*where, stop - start, start]
        elif start >= ranked:
            groups, params = (False,), [*where, stop - start, start - ranked]
        else:  # the page where the ranked agencies end
            groups = (True, False)
            params = [*where, ranked - start, start, *where, stop - ranked, 0]
        return _rows_sql(connection.vendor, self._sort, self._where, groups), params
