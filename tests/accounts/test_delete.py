"""Deleting an account erases what the page says, and keeps what it says stays."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY

from accounts.models import User
from agencies.models import Agency, ScoreSnapshot, StaleAgency
from reviews.event_kinds import Kind
from reviews.models import (
    AgencyReply,
    Engagement,
    Event,
    Review,
    ReviewStatusChange,
    SilenceNudge,
)
from reviews.services import review_publish
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"


def a_full_logbook(candidate):
    agency = make_agency(name="Acme Talent")
    other = make_agency(name="Blue Fox")
    engagement = make_engagement(candidate=candidate, agency=agency)
    make_event(engagement=engagement, kind=Kind.APPLIED, note="private note")
    review = make_review(engagement=engagement)
    review_publish(review=review, actor=make_user(is_staff=True))
    AgencyReply.objects.create(review=review, text="Thanks for the feedback.")
    SilenceNudge.objects.create(engagement=engagement, awaiting_since=engagement.started_on)
    second = make_engagement(candidate=candidate, agency=other)
    make_event(engagement=second, kind=Kind.CONTACTED)
    ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2025, 1, 1), score=70)
    return agency, other


def test_the_page_offers_the_exports_first_and_says_what_is_erased_and_what_stays(client):
    client.force_login(make_user())
    page = client.get("/accounts/delete/").content.decode()
    assert page.index("/experiences/export.csv") < page.index('name="password"')
    assert "/experiences/export.json" in page
    for erased in ("e-mail address", "engagement", "events", "private notes", "reviews"):
        assert erased in page
    assert "Monthly score snapshots" in page


def test_deletion_erases_the_account_and_its_logbook_and_keeps_snapshots(client):
    candidate = make_user(password=PASSWORD)
    agency, other = a_full_logbook(candidate)
    someone_else = make_engagement(agency=agency)
    make_event(engagement=someone_else, kind=Kind.APPLIED)
    client.force_login(candidate)
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(pk=candidate.pk).exists()
    assert not EmailAddress.objects.filter(user_id=candidate.pk).exists()
    assert list(Engagement.objects.all()) == [someone_else]
    assert list(Event.objects.values_list("engagement_id", flat=True)) == [someone_else.pk]
    assert Review.objects.count() == 0
    assert ReviewStatusChange.objects.count() == 0
    assert AgencyReply.objects.count() == 0
    assert SilenceNudge.objects.count() == 0
    # What stays: the agencies, the snapshot, and the other person's data.
    assert ScoreSnapshot.objects.get(agency=agency).score == 70
    assert Agency.objects.count() == 2
    # Both agencies' scores are recomputed without the data.
    assert set(StaleAgency.objects.values_list("agency_id", flat=True)) >= {agency.pk, other.pk}
    home = client.get("/").content.decode()
    assert "Your account and everything you logged have been erased." in home


def test_a_wrong_password_erases_nothing(client):
    candidate = make_user(password=PASSWORD)
    a_full_logbook(candidate)
    client.force_login(candidate)
    response = client.post("/accounts/delete/", {"password": "not it"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=candidate.pk).exists()
    assert Engagement.objects.count() == 2


def test_an_account_without_a_password_confirms_with_the_typed_word(client):
    candidate = make_user()
    candidate.set_unusable_password()
    candidate.save()
    client.force_login(candidate)
    page = client.get("/accounts/delete/").content.decode()
    assert 'name="password"' not in page
    assert 'name="confirmation"' in page
    response = client.post("/accounts/delete/", {"confirmation": "delete it"})
    assert "Type the word DELETE to confirm." in response.content.decode()
    assert User.objects.filter(pk=candidate.pk).exists()
    response = client.post("/accounts/delete/", {"confirmation": "DELETE"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=candidate.pk).exists()


def test_the_page_needs_a_signed_in_account(client):
    response = client.get("/accounts/delete/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/delete/", {"confirmation": "DELETE"}).status_code == 302


def test_replies_written_for_an_agency_stay_without_their_author(client):
    representative = make_user(password=PASSWORD)
    reply = AgencyReply.objects.create(review=make_review(), author=representative, text="Hi.")
    client.force_login(representative)
    client.post("/accounts/delete/", {"password": PASSWORD})
    reply.refresh_from_db()
    assert reply.author is None
