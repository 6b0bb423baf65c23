"""Steps every moderation decision shares: checks, the conflict error, the log entry."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reviews.models import ModerationAction, ModerationReason, Review

NOTE_MAX_LENGTH = 2000


def already_decided() -> ValidationError:
    """The error for a decision on something another moderator decided on first."""
    return ValidationError(
        _("Another moderator has just decided on this; the page now shows their decision."),
        code="already_decided",
    )


def check_reason(reason: str) -> None:
    """Refuse a decision whose reason is not one of the fixed ``ModerationReason`` list."""
    if reason not in ModerationReason.values:
        raise ValidationError({"reason": _("Choose the reason for this decision.")})


def check_note(note: str) -> str:
    """The note without surrounding blanks; refused when too long."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    return note


def log_action(action: str, *, actor, **fields) -> ModerationAction:
    """Add one entry to the moderation log (in the caller's transaction)."""
    return ModerationAction.objects.create(action=action, actor=actor, **fields)


def author_email(review: Review) -> str:
    """Where the statement of reasons for a decision on ``review`` goes."""
    return review.engagement.candidate.email
