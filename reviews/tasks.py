"""Logbook jobs: the hourly silence sweep and its nudge e-mails."""

import smtplib

from celery import shared_task
from django.utils import timezone

from reviews import nudges

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(acks_late=True)
def silence_sweep() -> int:
    """Hourly: nudge the candidates of engagements that just turned silent.

    Also re-sends nudges whose e-mail could not be queued or sent before.
    """
    created = nudges.nudges_create(today=timezone.localdate())
    for nudge_id in nudges.unsent_nudge_ids():
        send_silence_nudge.delay(nudge_id)
    return len(created)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def send_silence_nudge(nudge_id: int) -> bool:
    """Send one nudge e-mail unless it was sent already."""
    return nudges.nudge_send(nudge_id=nudge_id)
