"""Builders shared by the agency representatives' tests."""

import datetime

from accounts.models import User
from agencies.claims import claim_approve, claim_request
from agencies.models import Agency, AgencyClaim
from reviews.models import Review, ReviewStatus
from tests.factories import make_engagement, make_review, make_user
from tests.reviews.moderation_helpers import make_moderator


def make_representative(*, agency: Agency, email: str, moderator: User | None = None) -> User:
    """A person with a verified address at ``email`` whose claim on ``agency`` was approved."""
    user = make_user(email=email)
    claim = claim_request(user=user, agency=agency, message="Talent partner")
    claim_approve(claim=claim, actor=moderator or make_moderator())
    return user


def claim_of(user: User, agency: Agency) -> AgencyClaim:
    return AgencyClaim.objects.get(user=user, agency=agency)


def make_published_review(
    *,
    agency: Agency,
    text: str = "They answered every message within a day.",
    published_at: datetime.datetime | None = None,
    **engagement_fields,
) -> Review:
    """A published review of ``agency`` by a new candidate."""
    review = make_review(engagement=make_engagement(agency=agency, **engagement_fields), text=text)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = published_at or datetime.datetime(2026, 3, 17, 9, 30, tzinfo=datetime.UTC)
    review.save()
    return review
