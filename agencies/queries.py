"""Reads about agencies."""

from collections.abc import Iterator, Sequence

from allauth.account.models import EmailAddress
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from agencies.models import Agency, Specialty
from agencies.scoring import EventRow
from reviews.models import Event, Review, ReviewStatus


def listed_agencies(*, search: str = "") -> QuerySet[Agency]:
    """Listed agencies by name, each with its specialties and logged engagement count.

    Two queries whatever the page size: the agencies (with the count) and their specialties.
    """
    agencies = Agency.objects.listed()
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(domain__icontains=search))
    return (
        agencies.annotate(engagement_count=Count("engagements"))
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.order_by("code")))
        .order_by("name", "pk")
    )


def counted_events(agency_ids: Sequence[int] | None = None) -> Iterator[tuple[int, EventRow]]:
    """(agency id, event) for every event that counts towards scores, grouped by agency.

    Counted: the engagement is not excluded, and its candidate has a verified e-mail, is not
    suspended and is not excluded. One query, streamed with a server-side cursor so that the
    full recompute's memory stays flat however many events there are.
    """
    verified = EmailAddress.objects.filter(user=OuterRef("engagement__candidate"), verified=True)
    events = Event.objects.filter(
        engagement__excluded_from_scores=False,
        engagement__candidate__is_suspended=False,
        engagement__candidate__excluded_from_scores=False,
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


def published_ratings(agency_ids: Sequence[int]) -> dict[int, tuple[float, int]]:
    """Agency id → (average of the four ratings over published reviews, review count)."""
    rows = (
        Review.objects.filter(status=ReviewStatus.PUBLISHED, engagement__agency_id__in=agency_ids)
        .values("engagement__agency_id")
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
    return {row["engagement__agency_id"]: (row["average"], row["count"]) for row in rows}
