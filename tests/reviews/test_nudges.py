"""Candidates left waiting are asked, once, whether the agency got back to them."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from reviews.event_kinds import Kind
from reviews.models import SilenceNudge
from reviews.nudges import nudge_token
from reviews.tasks import silence_sweep
from tests.factories import make_agency, make_engagement, make_event, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def waiting_engagement(days: int, **fields):
    """An engagement whose application has waited ``days`` days with no answer."""
    engagement = make_engagement(
        agency=fields.pop("agency", None) or make_agency(name="Acme Talent"),
        started_on=TODAY - datetime.timedelta(days=days),
        role_title="Data engineer",
        **fields,
    )
    make_event(engagement=engagement, kind=Kind.APPLIED)
    return engagement


def link(label: str, body: str) -> str:
    match = re.search(rf"{re.escape(label)} https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def test_the_sweep_nudges_each_silence_once():
    engagement = waiting_engagement(33)
    assert silence_sweep.delay().get() == 1
    assert silence_sweep.delay().get() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Did Acme Talent get back to you?"
    assert message.to == [engagement.candidate.email]
    assert "about the Data engineer role" in message.body
    [(html, _)] = message.alternatives
    assert "Yes, they got back to me" in html
    assert SilenceNudge.objects.get().sent_at is not None


def test_no_nudge_while_the_window_runs_or_after_an_answer_or_an_outcome():
    waiting_engagement(20)
    answered = waiting_engagement(40)
    make_event(
        engagement=answered,
        kind=Kind.REPLY,
        occurred_on=answered.started_on + datetime.timedelta(days=3),
    )
    closed = waiting_engagement(40)
    make_event(engagement=closed, kind=Kind.WITHDREW, occurred_on=closed.started_on)
    declared = waiting_engagement(40)
    make_event(
        engagement=declared,
        kind=Kind.SILENCE,
        occurred_on=declared.started_on + datetime.timedelta(days=31),
    )
    waiting_engagement(35, candidate=make_user(verified=False))
    assert silence_sweep.delay().get() == 0
    assert mail.outbox == []


def test_the_no_link_logs_a_silence_once(client):
    engagement = waiting_engagement(33)
    silence_sweep.delay().get()
    url = link("No, still no answer:", mail.outbox[0].body)
    page = client.get(url)
    assert page.status_code == 200
    assert "No, still no answer" in page.content.decode()
    assert not engagement.events.filter(kind=Kind.SILENCE).exists()
    response = client.post(url)
    assert "stopped answering" in response.content.decode()
    client.post(url)
    assert engagement.events.filter(kind=Kind.SILENCE).count() == 1
    assert SilenceNudge.objects.get().answer == "silence"


def test_the_yes_link_logs_a_reply_dated_today(client):
    engagement = waiting_engagement(33)
    silence_sweep.delay().get()
    client.post(link("Yes, they got back to me:", mail.outbox[0].body))
    reply = engagement.events.get(kind=Kind.REPLY)
    assert reply.occurred_on == TODAY
    assert reply.agency_id == engagement.agency_id


@pytest.mark.parametrize("token", ["nonsense", "a" * 300])
def test_a_broken_or_forged_link_is_a_friendly_404(client, token):
    response = client.get(f"/experiences/nudges/{token}/")
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_a_token_with_an_unknown_answer_is_refused(client):
    waiting_engagement(33)
    silence_sweep.delay().get()
    nudge = SilenceNudge.objects.get()
    response = client.post(f"/experiences/nudges/{nudge_token(nudge, 'offer')}/")
    assert response.status_code == 404
    assert nudge.engagement.events.count() == 1
