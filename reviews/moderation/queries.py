"""Reads for the moderation pages.

Moderators see what they need to judge: the text, the ratings, the agency, the
engagement's timeline, the risk signals and the account's age, verification and standing.
They do not see the author's e-mail address or name: none of those decides whether a
review is genuine or breaks a rule, and an identity in front of a moderator invites bias
and leaks. An account is shown as its number, so the same author is recognisable across
items. The reads therefore never load those fields.
"""

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from agencies.models import Agency
from reviews.models import (
    Engagement,
    Event,
    ModerationAction,
    Report,
    ReportStatus,
    Review,
    ReviewStatus,
)

# The account fields a moderator may see (never the e-mail address nor the name).
ACCOUNT_FIELDS = (
    "id",
    "date_joined",
    "is_active",
    "is_staff",
    "is_superuser",
    "is_suspended",
    "excluded_from_scores",
)
ENGAGEMENT_FIELDS = (
    "id",
    "agency_id",
    "candidate_id",
    "role_title",
    "source",
    "started_on",
    "excluded_from_scores",
    "held_for_review",
    "risk_signals",
    "risk_level",
    "created_at",
)
REPORTS_SHOWN = 50


def _timeline_events(path: str = "events") -> Prefetch:
    """An engagement's events in date order as ``timeline`` (kind and date only)."""
    return Prefetch(
        path,
        queryset=Event.objects.only("pk", "engagement_id", "kind", "occurred_on").order_by(
            "occurred_on", "pk"
        ),
        to_attr="timeline",
    )


def _verified(candidate_path: str) -> Exists:
    return Exists(EmailAddress.objects.filter(user=OuterRef(candidate_path), verified=True))


def reviews_for_moderation() -> QuerySet[Review]:
    """Reviews for moderation with agency, engagement, account (no e-mail) and verification.

    Each engagement's events come as ``engagement.timeline`` (one more query per page).
    """
    return (
        Review.objects.select_related("engagement__agency", "engagement__candidate")
        .only(
            "id",
            "engagement_id",
            "rating_communication",
            "rating_honesty",
            "rating_feedback",
            "rating_respect",
            "text",
            "status",
            "submitted_at",
            "published_at",
            "risk_signals",
            "risk_level",
            *(f"engagement__{name}" for name in ENGAGEMENT_FIELDS),
            "engagement__agency__id",
            "engagement__agency__name",
            "engagement__agency__slug",
            "engagement__agency__score_frozen_at",
            *(f"engagement__candidate__{name}" for name in ACCOUNT_FIELDS),
        )
        .annotate(author_verified=_verified("engagement__candidate"))
        .prefetch_related(_timeline_events("engagement__events"))
    )


def pending_reviews() -> QuerySet[Review]:
    """Reviews waiting for moderation, oldest first (the review_status_idx index)."""
    return (
        reviews_for_moderation().filter(status=ReviewStatus.PENDING).order_by("submitted_at", "pk")
    )


def open_reports(limit: int = REPORTS_SHOWN) -> list[Report]:
    """The oldest open reports with their target's text and agency; one query."""
    return list(
        Report.objects.filter(status=ReportStatus.OPEN)
        .select_related("review__engagement__agency", "agency_reply__review__engagement__agency")
        .only(
            "id",
            "reason",
            "text",
            "created_at",
            "status",
            "review__id",
            "review__text",
            "review__status",
            "review__engagement__id",
            "review__engagement__agency__name",
            "agency_reply__id",
            "agency_reply__text",
            "agency_reply__removed_at",
            "agency_reply__review__id",
            "agency_reply__review__engagement__id",
            "agency_reply__review__engagement__agency__name",
        )
        .order_by("created_at", "pk")[:limit]
    )


def agencies_needing_attention() -> list[Agency]:
    """Agencies with a frozen score or held engagements, with ``held`` and ``held_since``.

    Oldest first; one query. The held engagements are found through their partial index.
    """
    held = Q(engagements__held_for_review=True)
    with_held = Engagement.objects.filter(held_for_review=True).values("agency_id")
    return list(
        Agency.objects.filter(Q(score_frozen_at__isnull=False) | Q(pk__in=with_held))
        .annotate(held=Count("engagements", filter=held))
        .annotate(held_since=Min("engagements__created_at", filter=held))
        .only("id", "name", "slug", "score_frozen_at")
        .order_by(Coalesce("score_frozen_at", "held_since"), "pk")
    )


def engagement_for_moderation(pk: int) -> Engagement | None:
    """One engagement with its agency, account (no e-mail), verification and timeline."""
    return (
        Engagement.objects.filter(pk=pk)
        .select_related("agency", "candidate")
        .only(
            *ENGAGEMENT_FIELDS,
            "agency__id",
            "agency__name",
            "agency__slug",
            "agency__score_frozen_at",
            *(f"candidate__{name}" for name in ACCOUNT_FIELDS),
        )
        .annotate(author_verified=_verified("candidate"))
        .prefetch_related(_timeline_events())
        .first()
    )


def held_engagements(agency: Agency) -> list[Engagement]:
    """The agency's engagements held for review, oldest first, with account and timeline."""
    return list(
        Engagement.objects.filter(agency=agency, held_for_review=True)
        .select_related("candidate")
        .only(*ENGAGEMENT_FIELDS, *(f"candidate__{name}" for name in ACCOUNT_FIELDS))
        .annotate(author_verified=_verified("candidate"))
        .prefetch_related(_timeline_events())
        .order_by("created_at", "pk")
    )


def reports_on(review: Review) -> list[Report]:
    """Every report on a review or on its agency reply, newest first; one query."""
    return list(
        Report.objects.filter(Q(review=review) | Q(agency_reply__review=review))
        .only("id", "reason", "text", "status", "created_at", "review_id", "agency_reply_id")
        .order_by("-created_at", "-pk")
    )


def moderation_log(action: str = "") -> QuerySet[ModerationAction]:
    """The moderation log, newest first, optionally of one ``action``; one query per page.

    Each entry carries its actor's e-mail (moderators see each other) and the agency's
    name (a merge's two agencies' names); other targets are shown by their number.
    """
    entries = ModerationAction.objects.select_related("actor", "agency", "merged_into").only(
        "id",
        "action",
        "reason",
        "note",
        "created_at",
        "review_id",
        "agency_reply_id",
        "engagement_id",
        "account_id",
        "report_id",
        "actor__id",
        "actor__email",
        "agency__id",
        "agency__name",
        "agency__slug",
        "merged_into__id",
        "merged_into__name",
    )
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-created_at", "-pk")
