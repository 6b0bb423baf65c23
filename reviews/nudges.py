"""Silence nudges: "Did the agency get back to you?" e-mails with signed one-click answers.

The links carry a signed token naming the nudge and the answer. Opening one shows a page
with a single button that logs the answer: link scanners that prefetch e-mail links must
not be able to log a `silence` on someone's behalf.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reviews.event_kinds import Kind
from reviews.models import Engagement, NudgeAnswer, SilenceNudge
from reviews.queries import engagements_turned_silent
from reviews.services import event_create

SALT = "reviews.silence-nudge"
# A link stays valid long enough for someone back from holiday.
TOKEN_MAX_AGE = datetime.timedelta(days=60)


def nudge_token(nudge: SilenceNudge, answer: str) -> str:
    """A signed token that lets the holder give ``answer`` to ``nudge``."""
    return signing.dumps({"nudge": nudge.pk, "answer": answer}, salt=SALT, compress=True)


def read_nudge_token(token: str) -> tuple[int, str] | None:
    """(nudge id, answer) from a valid, unexpired token; None otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
        nudge_id, answer = int(data["nudge"]), str(data["answer"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if answer not in NudgeAnswer.values:
        return None
    return nudge_id, answer


def nudges_create(*, today: datetime.date) -> list[int]:
    """Create one nudge per engagement that just turned silent; ids of the new ones.

    Safe to run twice at once: the database keeps one nudge per engagement and silence,
    and only the run that created it gets its id.
    """
    created = []
    silent = engagements_turned_silent(
        today=today, window_days=settings.SCORING_GHOSTING_WINDOW_DAYS
    )
    for engagement in silent.only("pk"):
        try:
            with transaction.atomic():
                nudge = SilenceNudge.objects.create(
                    engagement_id=engagement.pk, awaiting_since=engagement.last_awaiting
                )
        except IntegrityError:
            continue
        created.append(nudge.pk)
    return created


def unsent_nudge_ids() -> list[int]:
    """Nudges created but not e-mailed yet."""
    return list(
        SilenceNudge.objects.filter(sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def nudge_send(*, nudge_id: int) -> bool:
    """E-mail a nudge's candidate unless it was sent already; True when sent now."""
    with transaction.atomic():
        nudge = (
            SilenceNudge.objects.select_for_update()
            .select_related("engagement__agency", "engagement__candidate")
            .filter(pk=nudge_id, sent_at__isnull=True)
            .first()
        )
        if nudge is None:
            return False
        message = nudge_message(nudge)
        message.send()
        nudge.sent_at = timezone.now()
        nudge.save(update_fields=["sent_at"])
    return True


def nudge_message(nudge: SilenceNudge) -> EmailMultiAlternatives:
    """The nudge e-mail: subject, text body and HTML body, with both answer links."""
    engagement: Engagement = nudge.engagement
    context = {
        "agency": engagement.agency.name,
        "role": engagement.role_title,
        "since": nudge.awaiting_since,
        "reply_url": settings.SITE_URL
        + reverse("reviews:nudge_answer", args=[nudge_token(nudge, NudgeAnswer.REPLIED)]),
        "silence_url": settings.SITE_URL
        + reverse("reviews:nudge_answer", args=[nudge_token(nudge, NudgeAnswer.SILENCE)]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("reviews/email/silence_nudge_subject.txt", context).strip()
        text = render_to_string("reviews/email/silence_nudge_message.txt", context)
        html = render_to_string("reviews/email/silence_nudge_message.html", context)
    message = EmailMultiAlternatives(subject, text, to=[engagement.candidate.email])
    message.attach_alternative(html, "text/html")
    return message


@transaction.atomic
def nudge_answer(*, nudge_id: int, answer: str, today: datetime.date | None = None) -> bool:
    """Log the candidate's answer as a `reply` or `silence` event, once; True when logged now."""
    nudge = (
        SilenceNudge.objects.select_for_update()
        .select_related("engagement")
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is None or nudge.answer:
        return False
    kind = Kind.REPLY if answer == NudgeAnswer.REPLIED else Kind.SILENCE
    event_create(engagement=nudge.engagement, kind=kind, occurred_on=today or timezone.localdate())
    nudge.answer = answer
    nudge.answered_at = timezone.now()
    nudge.save(update_fields=["answer", "answered_at"])
    return True
