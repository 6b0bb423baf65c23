"""Writes to engagements, events and reviews. Every way in comes through here.

Each write that can change an agency's score marks the agency stale in the same
transaction (``agencies.scores.scores_mark_stale``), which asks for one recompute after
commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from agencies.scores import scores_mark_stale
from reviews.models import Engagement, Event, Review, ReviewStatus, ReviewStatusChange


@transaction.atomic
def engagement_create(
    *, candidate, agency: Agency, source: str, started_on: datetime.date, role_title: str = ""
) -> Engagement:
    """Create a validated engagement of ``candidate`` with ``agency``."""
    engagement = Engagement(
        candidate=candidate,
        agency=agency,
        source=source,
        started_on=started_on,
        role_title=role_title.strip(),
    )
    engagement.full_clean()
    engagement.save()
    scores_mark_stale(agency_ids=[agency.pk])
    return engagement


@transaction.atomic
def engagement_moved(*, engagement: Engagement, from_agency_id: int | None) -> None:
    """After an engagement changed agency: its events follow it, and both scores go stale.

    PostgreSQL moves the events by itself (ON UPDATE CASCADE); SQLite needs this update.
    """
    Event.objects.filter(engagement=engagement).exclude(agency_id=engagement.agency_id).update(
        agency_id=engagement.agency_id
    )
    scores_mark_stale(agency_ids=[engagement.agency_id, *filter(None, [from_agency_id])])


@transaction.atomic
def event_create(
    *,
    engagement: Engagement,
    kind: str,
    occurred_on: datetime.date,
    occurred_at: datetime.time | None = None,
    note: str = "",
    role_details_disclosed: bool | None = None,
) -> Event:
    """Add a validated event to an engagement's timeline; its agency's score goes stale."""
    event = Event(
        engagement=engagement,
        agency_id=engagement.agency_id,
        kind=kind,
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        note=note,
        role_details_disclosed=role_details_disclosed,
    )
    event.full_clean()
    event.save()
    scores_mark_stale(agency_ids=[engagement.agency_id])
    return event


@transaction.atomic
def event_update(*, event: Event, **changes) -> Event:
    """Change an event's kind, date, time, note or disclosure after validation."""
    allowed = {"kind", "occurred_on", "occurred_at", "note", "role_details_disclosed"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"event_update() cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(event, field, value)
    event.full_clean()
    event.save()
    scores_mark_stale(agency_ids=[event.agency_id])
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Remove an event from its timeline."""
    agency_id = event.agency_id
    event.delete()
    scores_mark_stale(agency_ids=[agency_id])


@transaction.atomic
def review_publish(*, review: Review, actor=None, note: str = "") -> Review:
    """Publish a review and record the change in its history; publishing twice is a no-op."""
    review = Review.objects.select_for_update().select_related("engagement").get(pk=review.pk)
    if review.status == ReviewStatus.PUBLISHED:
        return review
    ReviewStatusChange.objects.create(
        review=review,
        from_status=review.status,
        to_status=ReviewStatus.PUBLISHED,
        note=note,
        actor=actor,
    )
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.save(update_fields=["status", "published_at", "updated_at"])
    # The agency's average rating changes with it.
    scores_mark_stale(agency_ids=[review.engagement.agency_id])
    return review
