"""Reads for the representatives' pages.

A representative sees what the public sees of each review (its text, ratings and the month
it was published) plus what concerns their own replies and disputes. The reads never load the
engagement behind a review, nor anything about its candidate.
"""

from django.db.models import QuerySet

from agencies.models import Agency
from reviews.models import Report, ReportKind, Review, ReviewStatus

REVIEW_FIELDS = (
    "pk",
    "rating_communication",
    "rating_honesty",
    "rating_feedback",
    "rating_respect",
    "text",
    "published_at",
)
DISPUTES_SHOWN = 50


def reviews_to_answer(agency: Agency) -> QuerySet[Review]:
    """The agency's published reviews, newest first, each with its reply; one query per page."""
    return (
        Review.objects.filter(status=ReviewStatus.PUBLISHED, agency=agency)
        .select_related("agency_reply")
        .only(
            *REVIEW_FIELDS,
            "agency_reply__id",
            "agency_reply__review",
            "agency_reply__text",
            "agency_reply__author_id",
            "agency_reply__created_at",
            "agency_reply__removed_at",
        )
        .order_by("-published_at", "-pk")
    )


def published_review_of(agency: Agency, pk: int) -> Review | None:
    """Published review ``pk`` of ``agency``, with its reply; None when there is no such review."""
    return reviews_to_answer(agency).filter(pk=pk).first()


def disputes_by(user, agency: Agency, *, limit: int = DISPUTES_SHOWN) -> list[Report]:
    """``user``'s disputes of the agency's reviews, newest first, with the review; one query."""
    return list(
        Report.objects.filter(reporter=user, kind=ReportKind.DISPUTE, review__agency=agency)
        .select_related("review")
        .only(
            "id",
            "reason",
            "text",
            "status",
            "created_at",
            "resolved_at",
            "review__id",
            "review__text",
            "review__status",
            "review__published_at",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
