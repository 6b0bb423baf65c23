"""E-mails of moderation: the statement of reasons for a decision, and a report's receipt.

Each is a subject, a text body and an HTML body, in the site's language (accounts store no
language of their own). They are sent once the decision has committed: a rolled-back
decision never tells anyone anything. Replies go to ``MODERATION_REPLY_TO``, which is how
an author appeals.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from reviews.models import ModerationReason, ReportReason

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """What the author of a review or reply is told about a decision on it."""

    to: str
    agency: str
    what: str  # "review" or "reply"
    outcome: str  # "rejected" or "removed"
    reason: str  # a ModerationReason value
    note: str
    written_on: object  # a date or datetime


def _message(template: str, context: dict, to: str) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"reviews/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"reviews/email/{template}_message.txt", context)
        html = render_to_string(f"reviews/email/{template}_message.html", context)
    message = EmailMultiAlternatives(
        subject, text, to=[to], reply_to=[settings.MODERATION_REPLY_TO]
    )
    message.attach_alternative(html, "text/html")
    return message


def decision_message(decision: Decision) -> EmailMultiAlternatives:
    """The statement of reasons: the decision, its ground, the moderator's note, and appeal."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(ModerationReason(decision.reason).label)
    context = {
        "agency": decision.agency,
        "what": decision.what,
        "outcome": decision.outcome,
        "reason": reason,
        "note": decision.note,
        "written_on": decision.written_on,
    }
    return _message("moderation_decision", context, decision.to)


def report_receipt_message(
    *, to: str, agency: str, what: str, reason: str
) -> EmailMultiAlternatives:
    """The acknowledgement of a report: what was reported, and what happens next."""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(ReportReason(reason).label)
    return _message("report_received", {"agency": agency, "what": what, "reason": label}, to)


def _send(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:  # the decision stands; the mail server's outage is logged, not raised
        logger.exception("could not send a moderation e-mail")


def send_on_commit(message: EmailMultiAlternatives) -> None:
    """Send ``message`` once the current transaction commits."""
    transaction.on_commit(lambda: _send(message))
