"""Reads about agencies."""

import datetime
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.matching import domain_from_website, normalise_name
from agencies.models import Agency, AgencyMark, AgencyScore, ScoreSnapshot, Specialty
from agencies.scoring import EventRow
from agencyrank.prepared import execute_prepared
from reviews.models import RATING_FIELDS, Engagement, Event, Review, ReviewStatus

AGENCY_SEARCH_LIMIT = 10


def _listed_targets(matches: QuerySet[Agency]) -> QuerySet[Agency]:
    """The listed agencies that ``matches`` are, or were merged into (merges followed twice).

    A merged agency is never shown: its target is. Two hops cover a duplicate merged into
    an agency that was itself merged later on.
    """
    targets = matches.annotate(
        target=Coalesce("merged_into__merged_into_id", "merged_into_id", "pk")
    ).values("target")
    return Agency.objects.listed().filter(pk__in=targets)


def agency_search(query: str, *, limit: int = AGENCY_SEARCH_LIMIT) -> list[Agency]:
    """Listed agencies whose name or website domain contains ``query``, merges resolved.

    The name is compared through its normalised key, so case, accents, punctuation and
    legal forms do not matter ("seleccion iberica" finds "Selección Ibérica S.L.").
    Closest first: exact matches, then names that start with the query. One query.
    """
    name_key = normalise_name(query)
    domain = domain_from_website(query)
    if not name_key and not domain:
        return []
    matches = Q()
    if name_key:
        matches |= Q(name_key__icontains=name_key)
    if domain:
        matches |= Q(domain__icontains=domain)
    closeness = Case(
        When(Q(name_key=name_key) | Q(domain=domain), then=0),
        When(name_key__startswith=name_key, then=1),
        default=2,
    )
    return list(
        _listed_targets(Agency.objects.filter(matches))
        .annotate(closeness=closeness)
        .order_by("closeness", "name", "pk")[:limit]
    )


@dataclass(frozen=True)
class AgencyDuplicates:
    """Listed agencies that a new agency would duplicate, by website domain and by name."""

    same_domain: list[Agency]
    same_name: list[Agency]

    def __bool__(self) -> bool:
        return bool(self.same_domain or self.same_name)


def agency_duplicates(*, name: str, website: str) -> AgencyDuplicates:
    """Agencies matching ``website``'s domain or ``name``'s normalised key, merges resolved.

    The same keys as the import's matching (agencies/matching.py). An agency that matches
    by domain is not repeated among the name matches.
    """
    domain = domain_from_website(website)
    name_key = normalise_name(name)
    same_domain = (
        list(_listed_targets(Agency.objects.filter(domain=domain)).order_by("name", "pk"))
        if domain
        else []
    )
    same_name = (
        list(
            _listed_targets(Agency.objects.filter(name_key=name_key))
            .exclude(pk__in=[agency.pk for agency in same_domain])
            .order_by("name", "pk")
        )
        if name_key
        else []
    )
    return AgencyDuplicates(same_domain=same_domain, same_name=same_name)


# Merges are followed this many hops; callers select_related the targets that deep.
MERGE_HOPS = 2


def follow_merges(agency: Agency | None) -> Agency | None:
    """The agency that ``agency`` now stands for; None when unknown or not listed."""
    for _hop in range(MERGE_HOPS):
        if agency is not None and agency.merged_into_id is not None:
            agency = agency.merged_into
    if agency is None or agency.merged_into_id is not None or not agency.is_active:
        return None
    return agency


def listed_agency_or_target(slug: str) -> Agency | None:
    """The agency with ``slug``, or the one it was merged into; None when not listed."""
    return follow_merges(
        Agency.objects.filter(slug=slug).select_related("merged_into__merged_into").first()
    )


def probation_cutoff() -> datetime.datetime:
    """Accounts opened after this moment do not count towards scores yet.

    A brigade opens new accounts: holding every new account's engagements out for
    MODERATION_NEW_ACCOUNT_DAYS means a score cannot move before the burst checks have seen
    the brigade and held it for a moderator. A genuine newcomer's experience counts from the
    first recompute after the probation (the nightly one at the latest).
    """
    return timezone.now() - datetime.timedelta(days=settings.MODERATION_NEW_ACCOUNT_DAYS)


def counted_events(agency_ids: Sequence[int] | None = None) -> Iterator[tuple[int, EventRow]]:
    """(agency id, event) for every event that counts towards scores, grouped by agency.

    Counted: the engagement is not excluded nor held for review, and its candidate has a
    verified e-mail, is not suspended, is not excluded and is past the new-account probation.
    One query, streamed with a server-side cursor so that the full recompute's memory stays
    flat however many events there are.
    """
    verified = EmailAddress.objects.filter(user=OuterRef("engagement__candidate"), verified=True)
    events = Event.objects.filter(
        engagement__excluded_from_scores=False,
        engagement__held_for_review=False,
        engagement__candidate__is_suspended=False,
        engagement__candidate__excluded_from_scores=False,
        engagement__candidate__date_joined__lte=probation_cutoff(),
    ).filter(Exists(verified))
    if agency_ids is not None:
        events = events.filter(agency_id__in=agency_ids)
    rows = events.order_by("agency_id").values_list(
        "agency_id",
        "engagement_id",
        "engagement__candidate_id",
        "occurred_on",
        "occurred_at",
        "pk",
        "kind",
        "role_details_disclosed",
    )
    for agency, engagement, candidate, day, time, pk, kind, disclosed in rows.iterator(
        chunk_size=10_000
    ):
        seconds = -1 if time is None else time.hour * 3600 + time.minute * 60 + time.second
        yield agency, EventRow(engagement, candidate, day.toordinal(), seconds, pk, kind, disclosed)


# PostgreSQL path of counted_events_by_agency: the shard's counted engagements first (small),
# then its events straight from the agency index with dates and times as the integers the
# scoring core uses. Joining users and e-mail addresses in the event query instead made
# every shard hash-join whole tables: about twice as slow over 1,000,000 events
# (docs/performance.md).
_COUNTED_ENGAGEMENTS_SQL = """
    SELECT g.id, g.candidate_id FROM {engagement} g
    JOIN {user} u ON u.id = g.candidate_id
    WHERE g.agency_id = ANY(%s) AND NOT g.excluded_from_scores AND NOT g.held_for_review
      AND NOT u.is_suspended AND NOT u.excluded_from_scores AND u.date_joined <= %s
      AND EXISTS (SELECT 1 FROM {email} a WHERE a.user_id = u.id AND a.verified)
"""
_EVENTS_SQL = """
    SELECT agency_id, engagement_id, occurred_on - DATE '0001-01-01' + 1,
           coalesce(extract(epoch FROM occurred_at)::int, -1), id, kind, role_details_disclosed
    FROM {event} WHERE agency_id = ANY(%s) ORDER BY agency_id
"""
FETCH_ROWS = 10_000


def counted_events_by_agency(agency_ids: Sequence[int]) -> Iterator[tuple[int, list[EventRow]]]:
    """(agency id, its counted events) for each listed agency that has any, by agency id.

    The same events as ``counted_events``; memory holds one agency's events at a time.
    """
    agency_ids = list(agency_ids)
    if connection.vendor != "postgresql":
        for agency_id, group in groupby(counted_events(agency_ids), key=itemgetter(0)):
            yield agency_id, [row for _, row in group]
        return
    tables = {
        "engagement": Engagement._meta.db_table,
        "user": Engagement._meta.get_field("candidate").related_model._meta.db_table,
        "email": EmailAddress._meta.db_table,
        "event": Event._meta.db_table,
    }
    with connection.cursor() as cursor:
        cursor.execute(_COUNTED_ENGAGEMENTS_SQL.format(**tables), [agency_ids, probation_cutoff()])
        candidate_of = dict(cursor.fetchall())
    current, rows = None, []
    with connection.chunked_cursor() as cursor:
        cursor.execute(_EVENTS_SQL.format(**tables), [agency_ids])
        while chunk := cursor.fetchmany(FETCH_ROWS):
            for agency, engagement, day, seconds, pk, kind, disclosed in chunk:
                candidate = candidate_of.get(engagement)
                if candidate is None:
                    continue
                if agency != current:
                    if rows:
                        yield current, rows
                    current, rows = agency, []
                rows.append(EventRow(engagement, candidate, day, seconds, pk, kind, disclosed))
    if rows:
        yield current, rows


def published_ratings(agency_ids: Sequence[int]) -> dict[int, tuple[float, int]]:
    """Agency id → (average of the four ratings over published reviews, review count)."""
    rows = (
        Review.objects.filter(status=ReviewStatus.PUBLISHED, agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(
            average=Avg(
                (
                    F("rating_communication")
                    + F("rating_honesty")
                    + F("rating_feedback")
                    + F("rating_respect")
                )
                / 4.0
            ),
            count=Count("pk"),
        )
    )
    return {row["agency_id"]: (row["average"], row["count"]) for row in rows}


def public_agency(slug: str) -> Agency | None:
    """The agency with ``slug`` (or the one it was merged into) with its score; None if hidden.

    One query for a listed agency: it and its score row. A merged agency's address costs a
    second one, its merge targets two hops deep with their score rows; its page only
    redirects. (Selecting the targets in every query cost a listed agency's page 2 ms.)
    """
    agency = next(
        iter(Agency.objects.filter(slug=slug).select_related("score").order_by()[:1]), None
    )
    if agency is not None and agency.merged_into_id is not None:
        agency = (
            Agency.objects.filter(pk=agency.pk)
            .select_related("merged_into__score", "merged_into__merged_into__score")
            .first()
        )
    return follow_merges(agency)


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
        # PostgreSQL's driver gives dates, numbers and booleans as they are: only JSON is
        # converted there. SQLite's dates and booleans are too.
        for index, expression in self.converted:
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            for number, row in enumerate(rows):
                value = row[index]
                for converter in converters:
                    value = converter(value, expression, connection)
                rows[number] = (*row[:index], value, *row[index + 1 :])
        return rows


def _compiled(queryset: QuerySet, placeholder, *, prepare: bool) -> _Compiled:
    """``queryset``, filtered on ``placeholder`` where each run puts its own value."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    params = tuple(params)
    if params.count(placeholder) != 1:
        raise ValueError(f"{placeholder!r} must be one parameter of the statement, once.")
    converted = tuple(
        (index, expression)
        for index, (expression, _sql, _alias) in enumerate(compiler.select)
        if connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    )
    return _Compiled(sql, params, params.index(placeholder), prepare, converted)


# Stand-ins for the slug and the agency id in the compiled statements: no agency has them.
_ANY_SLUG = "\x00slug"
_ANY_AGENCY_ID = -424242

_AGENCY_COLUMNS = tuple(field.attname for field in Agency._meta.concrete_fields)
_SCORE_COLUMNS = tuple(field.attname for field in AgencyScore._meta.concrete_fields)

# The agency's specialty codes, comma-separated in no set order (None without any), read with
# the agency rather than as a query of their own; the page sorts them.
_SPECIALTY_CODES = Subquery(
    Specialty.agencies.through.objects.filter(agency=OuterRef("pk"))
    .values("agency")
    .annotate(codes=StringAgg("specialty__code", Value(",")))
    .values("codes")
)


@functools.cache
def _agency_page_statement(vendor: str) -> _Compiled:
    return _compiled(
        Agency.objects.filter(slug=_ANY_SLUG)
        .annotate(specialty_codes=_SPECIALTY_CODES)
        .order_by()
        .values_list(
            *_AGENCY_COLUMNS,
            *(f"score__{column}" for column in _SCORE_COLUMNS),
            "specialty_codes",
        ),
        _ANY_SLUG,
        prepare=True,
    )


def listed_agency_page(slug: str) -> Agency | None:
    """The listed agency at ``slug`` with its score row and ``specialty_codes`` (in code
    order); None when no agency has that slug, or when it was merged or deactivated. One query.

    The score row is cached on the agency (``agency.score``), as ``select_related`` would.
    """
    rows = _agency_page_statement(connection.vendor).rows(slug)
    if not rows:
        return None
    row = rows[0]
    agency = Agency.from_db(connection.alias, _AGENCY_COLUMNS, row[: len(_AGENCY_COLUMNS)])
    if agency.merged_into_id is not None or not agency.is_active:
        return None
    score_values = row[len(_AGENCY_COLUMNS) : -1]
    score = None
    if score_values[0] is not None:  # the score row's key: the agency's id
        score = AgencyScore.from_db(connection.alias, _SCORE_COLUMNS, score_values)
    Agency._meta.get_field("score").set_cached_value(agency, score)
    # Python's order is the database's for these lowercase ASCII codes.
    agency.specialty_codes = sorted(row[-1].split(",")) if row[-1] else []
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


# What the comparison shows of each agency, read as plain values with its score and one row
# per specialty (a handful of rows for four agencies): building model instances three merge
# levels deep, and prefetching, took most of the page's time.
COMPARISON_FIELDS = (
    "pk",
    "slug",
    "name",
    "country",
    "city",
    "is_active",
    "merged_into_id",
    "score__engagements",
    "score__score",
    "score__score_low",
    "score__score_high",
    "score__rank",
    "score__reply_rate",
    "score__median_reply_days",
    "score__ghosting_rate",
    "score__feedback_rate",
    "score__follow_up_rate",
    "score__cv_harvest_rate",
    "score__salary_fishing_rate",
    "score__rating",
    "score__flag_ghosting",
    "score__flag_cv_harvesting",
    "score__flag_salary_fishing",
    "specialties__code",
)


def _compared_agencies(matching: Q) -> dict[int, dict]:
    """Id → COMPARISON_FIELDS of the agencies ``matching``, ``specialty_codes`` in code order."""
    agencies: dict[int, dict] = {}
    for row in Agency.objects.filter(matching).order_by().values(*COMPARISON_FIELDS):
        code = row.pop("specialties__code")
        agency = agencies.setdefault(row["pk"], {**row, "specialty_codes": []})
        if code is not None:
            agency["specialty_codes"].append(code)
    for agency in agencies.values():
        agency["specialty_codes"].sort()
    return agencies


def agencies_for_comparison(slugs: Sequence[str]) -> dict[str, dict]:
    """Slug → the listed agency it names (merges followed), as COMPARISON_FIELDS values.

    Score fields are None for an agency without a score row; ``specialty_codes`` lists its
    specialties in code order. Unknown and hidden slugs are left out. One query, and a
    second one only when a slug names a merged agency.
    """
    if not slugs:
        return {}
    named = _compared_agencies(Q(slug__in=list(slugs)))
    by_pk = dict(named)
    merged_into = {agency["merged_into_id"] for agency in named.values()} - {None}
    if merged_into:
        # The agencies they were merged into, and those these were merged into in turn:
        # MERGE_HOPS (two) hops.
        further = Agency.objects.filter(pk__in=merged_into).values("merged_into_id")
        by_pk.update(_compared_agencies(Q(pk__in=merged_into) | Q(pk__in=further)))
    resolved = {}
    for agency in named.values():
        target: dict | None = agency
        for _hop in range(MERGE_HOPS):
            if target is not None and target["merged_into_id"] is not None:
                target = by_pk.get(target["merged_into_id"])
        if target is not None and target["merged_into_id"] is None and target["is_active"]:
            resolved[agency["slug"]] = target
    return resolved


def agency_marks_standing_for(user, agency: Agency) -> QuerySet[AgencyMark]:
    """``user``'s marks on ``agency`` or on agencies merged into it, the agency's own first."""
    return (
        AgencyMark.objects.filter(user=user)
        .filter(
            Q(agency=agency)
            | Q(agency__merged_into=agency)
            | Q(agency__merged_into__merged_into=agency)
        )
        .order_by(Case(When(agency=agency, then=0), default=1), "-marked_at", "-pk")
    )


def agency_mark_for(user, agency: Agency) -> AgencyMark | None:
    """``user``'s mark on ``agency`` (or on a duplicate merged into it); None if none. One query."""
    return agency_marks_standing_for(user, agency).first()


@dataclass(frozen=True)
class MarkedAgency:
    """One mark of a person's list with the agency it stands for now and that one's score."""

    mark: AgencyMark
    agency: Agency  # the agency it was merged into, if any; the marked one when no longer listed
    listed: bool
    score_now: float | None


def agency_marks(user, verdict: str | None = None) -> list[MarkedAgency]:
    """``user``'s marks (of one ``verdict`` when given), latest verdict first; one query.

    Each comes with the agency it stands for now (merges followed) and its current score.
    """
    marks = AgencyMark.objects.filter(user=user)
    if verdict:
        marks = marks.filter(verdict=verdict)
    marks = marks.select_related(
        "agency__score", "agency__merged_into__score", "agency__merged_into__merged_into__score"
    ).order_by("-marked_at", "-pk")
    result = []
    for mark in marks:
        target = follow_merges(mark.agency)
        agency = target or mark.agency
        score = getattr(agency, "score", None)
        result.append(
            MarkedAgency(
                mark=mark,
                agency=agency,
                listed=target is not None,
                score_now=None if score is None else score.score,
            )
        )
    return result
