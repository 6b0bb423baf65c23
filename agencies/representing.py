"""What a representative does for their agency: reply publicly to reviews, and dispute them.

Only an approved representative of the review's agency may (agencies/claims.py). A reply is
public at once, one per review. Its author can change it for ``AGENCY_REPLY_EDIT_HOURS`` after
posting it; then it stands as written, and only a moderator can take it down. Because nobody
checks a reply before it appears, one holding an e-mail address or a phone number is refused:
a candidate's contact details must never reach a public page.

A dispute is a ``Report`` of kind "dispute": it joins the moderation queue beside the
reports, and a moderator upholds it (the review is removed, with a reason from the fixed list,
and its author is told) or dismisses it. The review stays up meanwhile, and the author never
learns who disputed it, nor the agency who wrote it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.claims import is_representative
from agencyrank.page_cache import public_data_changed
from reviews.models import (
    AgencyReply,
    Report,
    ReportKind,
    ReportReason,
    ReportStatus,
    Review,
    ReviewStatus,
)
from reviews.risk import find_email_addresses, find_phone_numbers

REPLY_MAX_LENGTH = 3000
DISPUTE_TEXT_MIN_LENGTH = 20
DISPUTE_TEXT_MAX_LENGTH = 2000
# The grounds a review can be removed on. "Something else" is left out: a dispute has to say
# which rule the review breaks, since disagreeing with it is not a reason.
DISPUTE_REASONS = [
    (value, label) for value, label in ReportReason.choices if value != ReportReason.OTHER
]


def reply_edit_deadline(reply: AgencyReply) -> datetime.datetime:
    """Until when the author of ``reply`` can still change it."""
    return reply.created_at + datetime.timedelta(hours=settings.AGENCY_REPLY_EDIT_HOURS)


def reply_editable_by(reply: AgencyReply, user, *, now: datetime.datetime | None = None) -> bool:
    """True when ``user`` wrote ``reply``, it is still shown, and its edit window is open."""
    now = now or timezone.now()
    return (
        reply.author_id == user.pk and reply.removed_at is None and now < reply_edit_deadline(reply)
    )


def _check_reply_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the reply.")})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep the reply under %(max)d characters.") % {"max": REPLY_MAX_LENGTH}}
        )
    if find_email_addresses(text) or find_phone_numbers(text):
        raise ValidationError(
            {
                "text": _(
                    "A reply cannot contain an e-mail address or a phone number: it is "
                    "published at once, and nobody's contact details may appear on the site."
                )
            }
        )
    return text


def _locked_published_review(review: Review) -> Review:
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("engagement__agency")
        .get(pk=review.pk)
    )
    if locked.status != ReviewStatus.PUBLISHED:
        raise ValidationError(_("This review is no longer shown on the site."), code="not_shown")
    return locked


def _check_representative(user, review: Review) -> None:
    if not is_representative(user, review.engagement.agency):
        raise ValidationError(
            _("Only the agency's approved representatives can do this."),
            code="not_representative",
        )


@transaction.atomic
def agency_reply_post(*, review: Review, author, text: str) -> tuple[AgencyReply, bool]:
    """Publish ``author``'s reply to a published review, or change it while editable.

    Returns (the reply, True when it is new). ``author`` must represent the review's agency.
    Refused once the reply is locked, when another representative's reply is there, and when
    a moderator removed the reply. The public pages are refreshed once it commits.
    """
    text = _check_reply_text(text)
    # The review's row lock serialises replies to one review, so two at once cannot both
    # find none and one of them fail on the database's one-reply rule.
    locked = _locked_published_review(review)
    _check_representative(author, locked)
    reply = AgencyReply.objects.filter(review=locked).first()
    if reply is None:
        reply = AgencyReply.objects.create(review=locked, author=author, text=text)
        public_data_changed()
        return reply, True
    if reply.removed_at is not None:
        raise ValidationError(
            _("A moderator removed the agency's reply to this review; it cannot be replaced."),
            code="removed",
        )
    if reply.author_id != author.pk:
        raise ValidationError(
            _("Another representative of the agency has already replied to this review."),
            code="not_author",
        )
    if not reply_editable_by(reply, author):
        raise ValidationError(
            _(
                "A reply can be changed for %(hours)d hours after it is posted; this one is now "
                "locked."
            )
            % {"hours": settings.AGENCY_REPLY_EDIT_HOURS},
            code="locked",
        )
    reply.text = text
    reply.save(update_fields=["text", "updated_at"])
    public_data_changed()
    return reply, False


def _check_dispute(reason: str, text: str) -> str:
    errors = {}
    if reason not in dict(DISPUTE_REASONS):
        errors["reason"] = _("Choose the rule this review breaks.")
    text = text.strip()
    if not DISPUTE_TEXT_MIN_LENGTH <= len(text) <= DISPUTE_TEXT_MAX_LENGTH:
        errors["text"] = _("Explain in %(min)d to %(max)d characters what breaks the rule.") % {
            "min": DISPUTE_TEXT_MIN_LENGTH,
            "max": DISPUTE_TEXT_MAX_LENGTH,
        }
    if errors:
        raise ValidationError(errors)
    return text


@transaction.atomic
def review_dispute(
    *, review: Review, representative, reason: str, text: str
) -> tuple[Report, bool]:
    """Dispute a published review of the representative's agency; (dispute, True when new).

    The representative's open dispute of the same review is returned as it is (False). The
    review stays published until a moderator decides.
    """
    text = _check_dispute(reason, text)
    locked = _locked_published_review(review)
    _check_representative(representative, locked)
    existing = Report.objects.filter(
        reporter=representative, review=locked, status=ReportStatus.OPEN
    )
    found = existing.first()
    if found is not None and found.kind == ReportKind.DISPUTE:
        return found, False
    if found is not None:
        raise ValidationError(
            _("You have already reported this review; a moderator will look at it."),
            code="already_reported",
        )
    try:
        with transaction.atomic():
            dispute = Report.objects.create(
                reporter=representative,
                review=locked,
                kind=ReportKind.DISPUTE,
                reason=reason,
                text=text,
            )
    except IntegrityError:  # the same dispute sent twice at once: the database keeps one
        return existing.get(), False
    return dispute, True
