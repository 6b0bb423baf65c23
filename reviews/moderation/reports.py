"""Reports of published reviews and agency replies, and moderators' decisions on them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models import (
    AgencyReply,
    ModerationAction,
    ModerationActionKind,
    Report,
    ReportReason,
    ReportStatus,
    Review,
    ReviewStatus,
)
from reviews.moderation.common import NOTE_MAX_LENGTH, already_decided, check_note, check_reason
from reviews.moderation.content import reply_remove, review_reject, review_remove
from reviews.moderation.mail import report_receipt_message, send_on_commit


def _reportable(review: Review | None, reply: AgencyReply | None) -> None:
    if (review is None) == (reply is None):
        raise ValueError("report exactly one review or one agency reply")
    shown = (
        review.status == ReviewStatus.PUBLISHED
        if review is not None
        else reply.removed_at is None and reply.review.status == ReviewStatus.PUBLISHED
    )
    if not shown:
        raise ValidationError(_("This is no longer shown on the site."), code="not_shown")


@transaction.atomic
def report_create(
    *,
    reporter,
    reason: str,
    text: str = "",
    review: Review | None = None,
    agency_reply: AgencyReply | None = None,
) -> tuple[Report, bool]:
    """Report a published review or agency reply; (the report, True when it is new).

    A person's open report on the same target is returned as it is (False): reporting
    twice changes nothing. A new report is acknowledged by e-mail once it commits.
    """
    _reportable(review, agency_reply)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose why you are reporting this.")})
    text = text.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep the details under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    target = {"review": review} if review is not None else {"agency_reply": agency_reply}
    existing = Report.objects.filter(reporter=reporter, status=ReportStatus.OPEN, **target)
    if (found := existing.first()) is not None:
        return found, False
    try:
        with transaction.atomic():
            report = Report.objects.create(reporter=reporter, reason=reason, text=text, **target)
    except IntegrityError:  # the same report sent twice at once: the database keeps one
        return existing.get(), False
    reviewed = review if review is not None else agency_reply.review
    send_on_commit(
        report_receipt_message(
            to=reporter.email,
            agency=reviewed.engagement.agency.name,
            what="review" if review is not None else "reply",
            reason=reason,
        )
    )
    return report, True


def _uphold(report: Report, *, actor, reason: str, note: str) -> None:
    """Take the reported content down, unless it is already down."""
    if report.review_id is not None:
        review = report.review
        if review.status == ReviewStatus.PUBLISHED:
            review_remove(review=review, actor=actor, reason=reason, note=note, report=report)
        elif review.status == ReviewStatus.PENDING:
            review_reject(review=review, actor=actor, reason=reason, note=note, report=report)
    elif report.agency_reply.removed_at is None:
        reply_remove(
            reply=report.agency_reply, actor=actor, reason=reason, note=note, report=report
        )


@transaction.atomic
def report_resolve(
    *, report: Report, actor, upheld: bool, reason: str = "", note: str = ""
) -> list[Report]:
    """Decide an open report: upheld (the content comes down) or dismissed; logged.

    Every open report on the same target gets the same decision; they are returned.
    """
    if upheld:
        check_reason(reason)
    elif reason:
        raise ValidationError({"reason": _("A dismissed report takes no reason.")})
    note = check_note(note)
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("review__engagement__agency", "agency_reply__review__engagement__agency")
        .get(pk=report.pk)
    )
    if locked.status != ReportStatus.OPEN:
        raise already_decided()
    if upheld:
        _uphold(locked, actor=actor, reason=reason, note=note)
    target = (
        {"review_id": locked.review_id}
        if locked.review_id
        else {"agency_reply_id": locked.agency_reply_id}
    )
    reports = list(
        Report.objects.select_for_update().filter(status=ReportStatus.OPEN, **target).order_by("pk")
    )
    now = timezone.now()
    agency = (locked.review or locked.agency_reply.review).engagement.agency
    for each in reports:
        each.status = ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED
        each.resolved_at = now
        each.resolved_by = actor
    Report.objects.bulk_update(reports, ["status", "resolved_at", "resolved_by"])
    ModerationAction.objects.bulk_create(
        ModerationAction(
            action=ModerationActionKind.REPORT_UPHELD
            if upheld
            else ModerationActionKind.REPORT_DISMISSED,
            actor=actor,
            report=each,
            review_id=each.review_id,
            agency_reply_id=each.agency_reply_id,
            agency=agency,
            reason=reason,
            note=note,
            created_at=now,
        )
        for each in reports
    )
    return reports
