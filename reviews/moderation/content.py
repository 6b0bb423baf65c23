"""Decisions on what is published: reviews approved, rejected or removed; replies removed.

Each rejection or removal states a reason from the fixed list and the author is told it,
with the moderator's note, once the decision has committed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.claims import is_representative
from agencies.scores import scores_mark_stale
from agencyrank.page_cache import public_data_changed
from reviews.models import (
    AgencyReply,
    ModerationActionKind,
    Review,
    ReviewStatus,
    ReviewStatusChange,
)
from reviews.moderation.common import (
    already_decided,
    author_email,
    check_note,
    check_reason,
    log_action,
)
from reviews.moderation.mail import Decision, decision_message, send_on_commit
from reviews.services import review_publish


def _locked_review(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("engagement__agency", "engagement__candidate")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_approve(*, review: Review, actor, note: str = "") -> Review:
    """Publish a pending review; logged. A review decided meanwhile raises already_decided.

    Refused, changing nothing, when the author now represents the agency (a claim approved
    after the review was written): a representative cannot review their own agency.
    """
    note = check_note(note)
    locked = _locked_review(review)
    if locked.status != ReviewStatus.PENDING:
        raise already_decided()
    engagement = locked.engagement
    if is_representative(engagement.candidate, engagement.agency):
        raise ValidationError(
            _(
                "The author of this review now represents %(agency)s, so it cannot be "
                "published. Reject it for conflict of interest."
            )
            % {"agency": engagement.agency.name},
            code="representative",
        )
    published = review_publish(review=locked, actor=actor, note=note)
    log_action(
        ModerationActionKind.REVIEW_APPROVED,
        actor=actor,
        review=published,
        engagement=engagement,
        agency_id=engagement.agency_id,
        note=note,
    )
    public_data_changed()
    return published


def _review_take_down(
    review: Review, from_status: str, to_status: str, kind: str, *, actor, reason, note, report
) -> Review:
    """Move ``review`` on from ``from_status`` with a reason, logged; the author is told why."""
    check_reason(reason)
    note = check_note(note)
    locked = _locked_review(review)
    if locked.status != from_status:
        raise already_decided()
    ReviewStatusChange.objects.create(
        review=locked,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
        note=note,
        actor=actor,
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    scores_mark_stale(agency_ids=[locked.engagement.agency_id])
    log_action(
        kind,
        actor=actor,
        review=locked,
        engagement=locked.engagement,
        agency_id=locked.engagement.agency_id,
        report=report,
        reason=reason,
        note=note,
    )
    if from_status == ReviewStatus.PUBLISHED:
        # Only a published review was on the public pages.
        public_data_changed()
    send_on_commit(
        decision_message(
            Decision(
                to=author_email(locked),
                agency=locked.engagement.agency.name,
                what="review",
                outcome=to_status,  # "rejected" or "removed", as the message expects
                reason=reason,
                note=note,
                written_on=locked.submitted_at,
            )
        )
    )
    return locked


@transaction.atomic
def review_reject(*, review: Review, actor, reason: str, note: str = "", report=None) -> Review:
    """Refuse a pending review with a reason; the author is told why once it commits."""
    return _review_take_down(
        review,
        ReviewStatus.PENDING,
        ReviewStatus.REJECTED,
        ModerationActionKind.REVIEW_REJECTED,
        actor=actor,
        reason=reason,
        note=note,
        report=report,
    )


@transaction.atomic
def review_remove(*, review: Review, actor, reason: str, note: str = "", report=None) -> Review:
    """Take a published review down with a reason; the author is told why once it commits."""
    return _review_take_down(
        review,
        ReviewStatus.PUBLISHED,
        ReviewStatus.REMOVED,
        ModerationActionKind.REVIEW_REMOVED,
        actor=actor,
        reason=reason,
        note=note,
        report=report,
    )


@transaction.atomic
def reply_remove(
    *, reply: AgencyReply, actor, reason: str, note: str = "", report=None
) -> AgencyReply:
    """Take an agency's reply down with a reason; its author, if known, is told why."""
    check_reason(reason)
    note = check_note(note)
    locked = (
        AgencyReply.objects.select_for_update(of=("self",))
        .select_related("review__engagement__agency", "author")
        .get(pk=reply.pk)
    )
    if locked.removed_at is not None:
        raise already_decided()
    locked.removed_at = timezone.now()
    locked.save(update_fields=["removed_at", "updated_at"])
    agency = locked.review.engagement.agency
    log_action(
        ModerationActionKind.REPLY_REMOVED,
        actor=actor,
        agency_reply=locked,
        review=locked.review,
        agency=agency,
        report=report,
        reason=reason,
        note=note,
    )
    public_data_changed()
    if locked.author is not None:
        send_on_commit(
            decision_message(
                Decision(
                    to=locked.author.email,
                    agency=agency.name,
                    what="reply",
                    outcome="removed",
                    reason=reason,
                    note=note,
                    written_on=locked.created_at,
                )
            )
        )
    return locked
