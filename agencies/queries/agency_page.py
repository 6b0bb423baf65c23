"""The agency page's reads: the agency with its score and specialties, reviews, score history.

Each is one statement, compiled by the ORM once per process and, where its plan does not
depend on the agency, prepared once per connection on PostgreSQL (``_Compiled``).
"""

import datetime
import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet

from agencies.models import Agency, AgencyScore, ScoreSnapshot
from agencies.raw_sql import convert_rows, converted
from agencyrank.prepared import execute_prepared
from reviews.models import RATING_FIELDS, Review, ReviewStatus

# The agency page's three statements never change but for the agency: each is compiled by the
# ORM once per process (and database backend), not on every request, which cost the page about
# 0.3 ms a statement, more than the database took to run it. Those whose plan does not depend
# on the agency are also prepared once per connection on PostgreSQL (agencyrank/prepared.py),
# which saves planning them (0.1 to 0.4 ms each).


@dataclass(frozen=True)
class _Compiled:
    """A queryset's SQL, run with each request's own value for one of its parameters."""

    sql: str
    params: tuple
    slot: int  # the index in ``params`` of the value each run fills in
    prepare: bool
    converted: tuple[tuple[int, Any], ...]  # (column, expression) the backend converts
    # (agencies/raw_sql.py: on PostgreSQL only JSON; on SQLite dates and booleans too)

    def rows(self, value) -> list[tuple]:
        """The statement's rows for ``value``, converted as the ORM would convert them."""
        params = list(self.params)
        params[self.slot] = value
        with connection.cursor() as cursor:
            if self.prepare:
                execute_prepared(cursor, self.sql, params)
            else:
                cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        convert_rows(rows, self.converted)
        return rows


def _compiled(queryset: QuerySet, placeholder, *, prepare: bool) -> _Compiled:
    """``queryset``, filtered on ``placeholder`` where each run puts its own value."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    params = tuple(params)
    if params.count(placeholder) != 1:
        raise ValueError(f"{placeholder!r} must be one parameter of the statement, once.")
    selected = converted(expression for expression, _sql, _alias in compiler.select)
    return _Compiled(sql, params, params.index(placeholder), prepare, selected)


# Stand-ins for the slug and the agency id in the compiled statements: no agency has them.
_ANY_SLUG = "\x00slug"
_ANY_AGENCY_ID = -424242

_AGENCY_COLUMNS = tuple(field.attname for field in Agency._meta.concrete_fields)
_SCORE_COLUMNS = tuple(field.attname for field in AgencyScore._meta.concrete_fields)


@functools.cache
def _agency_page_statement(vendor: str) -> _Compiled:
    return _compiled(
        Agency.objects.filter(slug=_ANY_SLUG)
        .order_by()
        .values_list(*_AGENCY_COLUMNS, *(f"score__{column}" for column in _SCORE_COLUMNS)),
        _ANY_SLUG,
        prepare=True,
    )


def listed_agency_page(slug: str) -> Agency | None:
    """The listed agency at ``slug`` with its score row; None when no agency has that slug,
    or when it was merged or deactivated. One query.

    The score row is cached on the agency (``agency.score``), as ``select_related`` would.
    """
    rows = _agency_page_statement(connection.vendor).rows(slug)
    if not rows:
        return None
    row = rows[0]
    agency = Agency.from_db(connection.alias, _AGENCY_COLUMNS, row[: len(_AGENCY_COLUMNS)])
    if agency.merged_into_id is not None or not agency.is_active:
        return None
    score_values = row[len(_AGENCY_COLUMNS) :]
    score = None
    if score_values[0] is not None:  # the score row's key: the agency's id
        score = AgencyScore.from_db(connection.alias, _SCORE_COLUMNS, score_values)
    Agency._meta.get_field("score").set_cached_value(agency, score)
    return agency


PUBLIC_REVIEW_LIMIT = 50


class PublishedReview(NamedTuple):
    """A published review as its agency's page shows it, with the agency's reply if any."""

    pk: int
    text: str
    published_at: datetime.datetime
    rating_communication: int
    rating_honesty: int
    rating_feedback: int
    rating_respect: int
    reply_pk: int | None
    reply_text: str | None
    reply_removed_at: datetime.datetime | None


@functools.cache
def _published_reviews_statement(vendor: str) -> _Compiled:
    # The review's own agency (not its engagement's, which is the same) lets the first rows
    # of ``review_agency_published_idx`` answer. Planned for each agency, not prepared: a plan
    # made once, for an agency of average size (two reviews), reads every published review of
    # the agency and its reply, then sorts them: 0.5 ms for an agency with 300.
    return _compiled(
        Review.objects.filter(status=ReviewStatus.PUBLISHED, agency_id=_ANY_AGENCY_ID)
        .order_by("-published_at", "-pk")
        .values_list(
            "pk",
            "text",
            "published_at",
            *RATING_FIELDS,
            "agency_reply__id",
            "agency_reply__text",
            "agency_reply__removed_at",
        )[:PUBLIC_REVIEW_LIMIT],
        _ANY_AGENCY_ID,
        prepare=False,
    )


def published_reviews(agency: Agency) -> list[PublishedReview]:
    """The agency's latest PUBLIC_REVIEW_LIMIT published reviews, newest first; one query.

    Only what a public page may show is read: never the engagement's candidate.
    """
    rows = _published_reviews_statement(connection.vendor).rows(agency.pk)
    return list(map(PublishedReview._make, rows))


TREND_MONTHS = 24


class SnapshotRow(NamedTuple):
    """One month of an agency's score history, as the trend chart draws it."""

    month: datetime.date
    score: float
    score_low: float | None
    score_high: float | None


@functools.cache
def _score_snapshots_statement(vendor: str) -> _Compiled:
    return _compiled(
        ScoreSnapshot.objects.filter(agency_id=_ANY_AGENCY_ID, score__isnull=False)
        .order_by("-month")
        .values_list("month", "score", "score_low", "score_high")[:TREND_MONTHS],
        _ANY_AGENCY_ID,
        prepare=True,
    )


def score_snapshots(agency: Agency) -> list[SnapshotRow]:
    """The agency's latest TREND_MONTHS monthly snapshots that hold a score, oldest first;
    one query."""
    rows = _score_snapshots_statement(connection.vendor).rows(agency.pk)
    return list(map(SnapshotRow._make, reversed(rows)))
