"""Reads for the public API: the agency list, a page at a time, and one agency.

A page of the list is one statement: its agencies with their scores and specialties, and how
many agencies the list holds. Joining each of some 10,000 listed agencies to its score row
and sorting them all cost 10 to 20 ms a page. Without a filter on the agency's own columns,
the agencies with a value for the sort key come first and are read from the score side: for
the default order the planner walks the partial index on scored rows (agencyscore_ranking_idx)
and stops after the page. Those without a value come after them, read only on the pages that
reach them, and the count reads the agency table alone (agency_listed_idx) unless a filter is
on the score. With a filter on the agency's columns, its few hundred matches are read and
sorted from the agency side, and counted on the way.
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import Col

from agencies.models import Agency, AgencyScore, Specialty
from agencies.queries import follow_merges, search_matches
from agencies.ranking import listed_count_sql, listed_matching
from agencies.raw_sql import agency_field, convert_rows, converted, qualified
from agencyrank.prepared import execute_prepared

# Sort keys a client may ask for, and the column each reads ("-key" reverses).
ORDERINGS = {
    "score": "score__score",
    "reply_rate": "score__reply_rate",
    "median_reply_days": "score__median_reply_days",
    "ghosting_rate": "score__ghosting_rate",
    "rating": "score__rating",
    "name": "name",
}
# Best score first, ties broken by evidence: the columns of agencyscore_ranking_idx.
DEFAULT_ORDER = (("score__score", True), ("score__engagements", True))
# After the sort key, whatever it is: name, then id, so that every order is total.
TIE_BREAKS = (("name", False), ("pk", False))

# What the list reads of each agency and its score row: not the evidence JSON, which is
# most of the score table's bytes and which the API never shows.
SCORE_COLUMNS = (
    "score",
    "score_low",
    "score_high",
    "rank",
    "engagements",
    "reply_rate",
    "median_reply_days",
    "ghosting_rate",
    "feedback_rate",
    "follow_up_rate",
    "cv_harvest_rate",
    "salary_fishing_rate",
    "flag_ghosting",
    "flag_cv_harvesting",
    "flag_salary_fishing",
    "rating",
    "updated_at",
)
LIST_COLUMNS = ("pk", "slug", "name", "country", "city", *(f"score__{c}" for c in SCORE_COLUMNS))

_SPECIALTIES = Prefetch("specialties", queryset=Specialty.objects.order_by("code"))


# Filters on the agency's own columns. With one of them the matches are few enough to read
# from the agency side, all at once; without, the list is read from the score side.
AGENCY_FILTERS = ("country", "city", "specialty", "search")


def filtered_agencies(filters: dict) -> QuerySet[Agency]:
    """The listed agencies matching validated ``filters``, unordered."""
    agencies = listed_matching(
        country=filters.get("country", ""),
        city=filters.get("city", ""),
        specialty=filters.get("specialty", ""),
        min_engagements=filters.get("min_engagements"),
    )
    if search := filters.get("search", "").strip():
        agencies = agencies.filter(search_matches(search))  # as the ranking searches
    return agencies


def list_order(ordering: str | None) -> tuple[tuple[str, bool], ...]:
    """(column, descending) pairs for ``ordering`` (an ORDERINGS key, "-" to reverse)."""
    if not ordering:
        return (*DEFAULT_ORDER, *TIE_BREAKS)
    column = ORDERINGS[ordering.removeprefix("-")]
    if column == "name":
        return ((column, ordering.startswith("-")), ("pk", False))
    return ((column, ordering.startswith("-")), *TIE_BREAKS)


def agency_page(filters: dict, start: int, stop: int) -> tuple[list[dict], int]:
    """Rows ``start`` to ``stop`` of the list for validated ``filters``, and how many agencies
    the whole list holds (0 when the rows are past its end); one query.

    In ``filters["ordering"]`` order (best score first by default), agencies without a value
    for the sort key last, ties by name, then id. Rows are dicts of LIST_COLUMNS, score
    fields None for an agency not scored yet, and "specialties", its codes in code order.
    """
    order = list_order(filters.get("ordering"))
    narrowed = any(filters.get(name) for name in AGENCY_FILTERS)
    if narrowed or filters.get("min_engagements"):
        where = _where_of(filtered_agencies(filters))
    else:  # every listed agency: the most asked-for list, its condition compiled once
        where = _listed_where(connection.vendor)
    if narrowed or order[0][0] == "name":
        sql, params = _agency_side_page(where, order, start, stop, count_apart=not narrowed)
    else:
        # Without any filter, every listed agency: the count the database keeps.
        total = listed_count_sql() if not filters.get("min_engagements") else None
        sql, params = _score_side_page(where, order, start, stop, total=total)
    with connection.cursor() as cursor:
        if narrowed:  # planned for its values: a country or a search can match 3 or 3,000
            cursor.execute(sql, params)
        else:  # the same statement for every page of the unfiltered list
            execute_prepared(cursor, sql, params)
        rows = cursor.fetchall()
    convert_rows(rows, _converted_columns(connection.vendor))  # SQLite's dates and booleans
    page = []
    for *values, codes, _total in rows:
        agency = dict(zip(LIST_COLUMNS, values, strict=True))
        agency["specialties"] = codes.split(",") if codes else []  # kept in code order
        page.append(agency)
    return page, rows[0][-1] if rows else 0


# The page is one statement of raw SQL around the ORM's compiled filter: the ORM has no common
# table expression, SQLite takes no ORDER BY or LIMIT inside a UNION's own members, and
# compiling the list's 22 columns through the ORM for each part cost more than the reads.
# Tables keep the names the ORM gives them, so that its compiled condition applies unchanged.


def _score_side_page(
    where: tuple[str, list], order, start: int, stop: int, *, total: tuple[str, list] | None
) -> tuple[str, list]:
    """Agencies with a value for the sort key from the score side, then those without.

    ``total``: SQL and parameters for the number of matching agencies, if known apart.
    """
    names = _names(connection.vendor)
    agency, score, joined = names.agency, names.score, names.joined
    where_sql, where_params = where
    total_sql, total_params = total or (
        f"(SELECT COUNT(*) FROM {agency} LEFT OUTER JOIN {score} ON {joined} "  # noqa: S608
        f"WHERE {where_sql})",
        where_params,
    )
    key = names.columns[order[0][0]]
    with_value = f"{score} INNER JOIN {agency} ON {joined} WHERE {where_sql} AND {key} IS NOT NULL"
    # PostgreSQL evaluates a condition on a subquery alone once, first, and skips what it
    # guards when false. Past the first page, the agencies with a value before the page are
    # counted first, up to the page's start: the page's own are read only if some are left.
    # Those without a value are read only if the page's own fall short of the page, from the
    # offset the count leaves. The total's join costs nothing unless a filter is on the score:
    # PostgreSQL drops an unused outer join.
    before_page, if_left, before_params = "", "", []
    if start:
        before_page = (
            "before_page AS (SELECT COUNT(*) AS agencies "  # noqa: S608 - names and the ORM's
            f"FROM (SELECT 1 FROM {with_value} LIMIT %s) counted), "  # compiled SQL only
        )
        if_left = "AND (SELECT agencies FROM before_page) = %s "
        before_params = [*where_params, start, *where_params, start]
    offset = "%s - (SELECT agencies FROM before_page)" if start else "%s"
    sql = (
        f"WITH {before_page}with_value AS ("  # noqa: S608 - as above
        f"SELECT {names.select_list} FROM {with_value} {if_left}"
        f"ORDER BY {_order_by(order)} LIMIT %s OFFSET %s) "
        f"SELECT page.*, {total_sql} AS total FROM ("
        f"SELECT * FROM with_value UNION ALL SELECT * FROM ("
        f"SELECT {names.select_list} FROM {agency} LEFT OUTER JOIN {score} ON {joined} "
        f"WHERE {where_sql} AND {key} IS NULL "
        f"ORDER BY {_order_by(order[1:], nulls_last=True)} LIMIT %s OFFSET {offset}"
        f") without_value WHERE (SELECT COUNT(*) FROM with_value) < %s"
        f") page ORDER BY {_order_by(order, by_name=True)} LIMIT %s"
    )
    size = stop - start
    params = before_params or [*where_params]  # before_page, with_value
    params += [size, start, *total_params]  # with_value, the total
    params += [*where_params, size, start, size, size]  # without_value, the page
    return sql, params


def _agency_side_page(
    where: tuple[str, list], order, start: int, stop: int, *, count_apart: bool
) -> tuple[str, list]:
    """The matching agencies, all read and sorted; counted on the way unless ``count_apart``."""
    # A filter on the agency's columns leaves a few hundred: counting them as they are read
    # costs next to nothing. Without one (sorted by name), counting the agency table alone
    # costs less than carrying every agency's row through a count.
    names = _names(connection.vendor)
    agency, score, joined = names.agency, names.score, names.joined
    where_sql, where_params = where
    from_where = f"FROM {agency} LEFT OUTER JOIN {score} ON {joined} WHERE {where_sql}"
    total = f"(SELECT COUNT(*) {from_where})" if count_apart else "COUNT(*) OVER ()"
    sql = (
        f"SELECT page.* FROM ("  # noqa: S608 - as above
        f"SELECT {names.select_list}, {total} AS total {from_where} "
        f"ORDER BY {_order_by(order, nulls_last=True)} LIMIT %s OFFSET %s"
        f") page ORDER BY {_order_by(order, by_name=True)}"
    )
    params = [*where_params, *where_params] if count_apart else [*where_params]
    return sql, [*params, stop - start, start]


def _where_of(agencies: QuerySet[Agency]) -> tuple[str, list]:
    """The WHERE condition of ``agencies``, as the ORM compiles it, for SQL that reads the
    agency table and its score rows under their own names."""
    query = agencies.query
    tables = {Agency._meta.db_table, AgencyScore._meta.db_table}
    if not {alias for alias in query.alias_map if query.alias_refcount[alias]} <= tables:
        raise ValueError(f"The list's filters may join only {sorted(tables)}.")
    return query.get_compiler(connection=connection).compile(query.where)


@functools.cache
def _listed_where(vendor: str) -> tuple[str, tuple]:
    """The WHERE condition of every listed agency, compiled once per backend (``vendor``)."""
    where_sql, params = _where_of(filtered_agencies({}))
    return where_sql, tuple(params)


@dataclass(frozen=True)
class _Names:
    """The list's tables, columns and fixed fragments as the database backend quotes them."""

    agency: str
    score: str
    joined: str  # the agency's score row
    columns: dict[str, str]  # LIST_COLUMNS name → qualified column
    select_list: str  # LIST_COLUMNS, then the agency's specialty codes


@functools.cache
def _names(vendor: str) -> _Names:
    """Built once per backend (``vendor``), from the models' metadata."""
    quote = connection.ops.quote_name
    columns = {name: qualified(agency_field(name)) for name in LIST_COLUMNS}
    return _Names(
        agency=quote(Agency._meta.db_table),
        score=quote(AgencyScore._meta.db_table),
        joined=f"{columns['pk']} = {qualified(AgencyScore._meta.get_field('agency'))}",
        columns=columns,
        select_list=", ".join(
            [
                *(f"{column} AS {quote(name)}" for name, column in columns.items()),
                f"{qualified(Agency._meta.get_field('specialty_codes'))} AS specialties",
            ]
        ),
    )


def _order_by(order, *, nulls_last: bool = False, by_name: bool = False) -> str:
    """ORDER BY terms for (column, descending) pairs, by qualified column or by result name.

    NULLS LAST only where asked for or by name: the rows with a value for the sort key are
    read through an index in its own order (nulls first when descending), which a NULLS LAST
    term would not match. Among the rows without a value, ties on engagements put an agency
    without a score row (null engagements) after those with one, as the order over all does.
    """
    columns = _names(connection.vendor).columns
    terms = []
    for name, descending in order:
        term = connection.ops.quote_name(name) if by_name else columns[name]
        term += " DESC" if descending else " ASC"
        if (nulls_last or by_name) and name.startswith("score__"):
            term += " NULLS LAST"
        terms.append(term)
    return ", ".join(terms)


@functools.cache
def _converted_columns(vendor: str) -> tuple[tuple[int, Col], ...]:
    """(position, column) of the LIST_COLUMNS values ``vendor``'s backend converts."""
    fields = [agency_field(name) for name in LIST_COLUMNS]
    return converted(field.get_col(field.model._meta.db_table) for field in fields)


def agency_at(slug: str) -> Agency:
    """The listed agency at ``slug``, or the one it was merged into (merges followed twice).

    Raises Agency.DoesNotExist for an unknown or deactivated agency.
    """
    agency = follow_merges(
        Agency.objects.select_related("score", "merged_into__merged_into")
        .prefetch_related(_SPECIALTIES)
        .filter(slug=slug)
        .first()
    )
    if agency is None:
        raise Agency.DoesNotExist
    return agency
