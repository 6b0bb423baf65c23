"""Writes to engagements, events and reviews. Every way in comes through here."""

from django.db import transaction
from django.utils import timezone

from reviews.models import Review, ReviewStatus, ReviewStatusChange


@transaction.atomic
def review_publish(*, review: Review, actor=None, note: str = "") -> Review:
    """Publish a review and record the change in its history; publishing twice is a no-op."""
    review = Review.objects.select_for_update().get(pk=review.pk)
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
    return review
