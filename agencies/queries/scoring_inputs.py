"""What the scoring services read: the events that count towards scores, and review ratings."""

import datetime
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef
from django.utils import timezone

from agencies.scoring import EventRow
from reviews.models import Engagement, Event, Review, ReviewStatus


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
