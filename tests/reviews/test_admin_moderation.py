"""Decisions taken in the admin are moderation decisions: logged, and never a way around."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import (
    AgencyReply,
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    ReviewStatus,
)
from reviews.moderation import review_reject
from reviews.screening import review_screen
from tests.factories import make_engagement, make_new_user, make_review, make_staff, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return make_staff(is_superuser=True, email="admin@agencyrank.example")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def publish_from_the_admin(client, *reviews):
    return client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "publish", "_selected_action": [review.pk for review in reviews]},
        follow=True,
    )


def test_publishing_from_the_admin_is_an_approval_in_the_moderation_log(admin_client, admin_user):
    review = make_review()
    response = publish_from_the_admin(admin_client, review)
    assert "1 review published." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert review.history.get().actor == admin_user
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.review_id, entry.actor) == (
        ModerationActionKind.REVIEW_APPROVED,
        review.pk,
        admin_user,
    )
    # Another moderator reads it in the moderation log, with who took the decision.
    admin_client.force_login(make_moderator())
    log = admin_client.get("/moderation/log/").content.decode()
    assert "admin@agencyrank.example" in log


def test_the_admin_cannot_publish_a_review_a_moderator_rejected(admin_client):
    pending = make_review(text="Waiting for a moderator to read it.")
    rejected = make_review(text="Rejected, with a reason the author was told.")
    review_reject(review=rejected, actor=make_moderator(), reason=ModerationReason.PERSONAL_DATA)
    response = publish_from_the_admin(admin_client, pending, rejected)
    page = response.content.decode()
    assert "1 review published." in page
    assert "1 review was not waiting for moderation and was left as it is." in page
    pending.refresh_from_db()
    rejected.refresh_from_db()
    assert (pending.status, rejected.status) == (ReviewStatus.PUBLISHED, ReviewStatus.REJECTED)
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("pk")) == [
        ModerationActionKind.REVIEW_REJECTED,
        ModerationActionKind.REVIEW_APPROVED,
    ]


def test_an_agency_reply_is_not_removed_or_restored_from_the_admin(admin_client):
    review = make_review(status=ReviewStatus.PUBLISHED, published_at=timezone.now())
    reply = AgencyReply.objects.create(review=review, author=make_user(), text="Thank you.")
    url = reverse("admin:reviews_agencyreply_change", args=[reply.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="removed_at' not in page
    response = admin_client.post(
        url,
        {
            "review": review.pk,
            "author": reply.author_id,
            "text": "Thank you.",
            "removed_at_0": "2026-01-01",
            "removed_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302  # saved, without the removal
    reply.refresh_from_db()
    assert reply.removed_at is None


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (7, "The account is less than a week old"),
        (3, "The account is less than 3 days old"),
        (1, "The account is less than 1 day old"),
    ],
)
def test_the_new_account_signal_says_how_new_as_the_setting_does(client, settings, days, label):
    settings.MODERATION_NEW_ACCOUNT_DAYS = days
    review = review_screen(
        review=make_review(engagement=make_engagement(candidate=make_new_user()))
    )
    assert "new_account" in review.risk_signals
    client.force_login(make_moderator())
    page = client.get("/moderation/").content.decode()
    assert label in page
    assert page.count("The account is less than") == 1
