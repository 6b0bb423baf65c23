"""Moderators approve, reject and remove reviews with a reason the author is told."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from agencies.models import StaleAgency
from reviews.models import (
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    Review,
    ReviewStatus,
)
from reviews.moderation import (
    is_moderator,
    report_create,
    review_approve,
    review_reject,
    review_remove,
)
from tests.factories import make_agency, make_engagement, make_review, make_staff, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def pending():
    agency = make_agency(name="Acme Talent")
    engagement = make_engagement(candidate=make_user(email="author@example.com"), agency=agency)
    return make_review(engagement=engagement, text="They asked for my CV and then vanished.")


def test_only_staff_with_the_permission_and_superusers_are_moderators(moderator):
    assert is_moderator(moderator)
    assert is_moderator(make_user(is_staff=True, is_superuser=True))
    assert not is_moderator(make_staff())
    assert not is_moderator(make_user())
    moderator.is_active = False
    assert not is_moderator(moderator)


def test_approving_publishes_the_review_with_history_and_a_log_entry(moderator, pending):
    review = review_approve(review=pending, actor=moderator, note="Looks genuine.")
    assert review.status == ReviewStatus.PUBLISHED and review.published_at is not None
    assert pending.history.get().to_status == ReviewStatus.PUBLISHED
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.actor, entry.review_id) == (
        ModerationActionKind.REVIEW_APPROVED,
        moderator,
        pending.pk,
    )
    assert entry.agency_id == pending.engagement.agency_id
    assert StaleAgency.objects.filter(agency_id=pending.engagement.agency_id).exists()
    assert mail.outbox == []


def test_rejecting_needs_a_reason_from_the_fixed_list(moderator, pending):
    for reason in ("", "too_negative"):
        with pytest.raises(ValidationError):
            review_reject(review=pending, actor=moderator, reason=reason)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.PENDING
    assert not ModerationAction.objects.exists()


def test_rejecting_tells_the_author_the_reason_and_the_note_and_how_to_appeal(
    moderator, pending, django_capture_on_commit_callbacks, settings
):
    settings.MODERATION_REPLY_TO = "appeals@agencyrank.example"
    with django_capture_on_commit_callbacks(execute=True):
        review_reject(
            review=pending,
            actor=moderator,
            reason=ModerationReason.PERSONAL_DATA,
            note="It names the recruiter in full.",
        )
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.REJECTED
    change = pending.history.get()
    assert (change.reason, change.note) == ("personal_data", "It names the recruiter in full.")
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.reason) == (ModerationActionKind.REVIEW_REJECTED, "personal_data")

    [message] = mail.outbox
    assert message.to == ["author@example.com"]
    assert message.reply_to == ["appeals@agencyrank.example"]
    assert message.subject == "Your review of Acme Talent was not published"
    for body in (message.body, message.alternatives[0][0]):
        assert "Contains personal data" in body
        assert "It names the recruiter in full." in body
        assert "reply to this e-mail" in body
    assert moderator.email not in message.body


def test_nothing_is_sent_when_the_decision_rolls_back(moderator, pending):
    with pytest.raises(RuntimeError), transaction.atomic():
        review_reject(review=pending, actor=moderator, reason=ModerationReason.OFF_TOPIC)
        raise RuntimeError
    assert mail.outbox == []
    assert not ModerationAction.objects.exists()


def test_removing_applies_to_published_reviews_and_tells_the_author(
    moderator, pending, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as error:
        review_remove(review=pending, actor=moderator, reason=ModerationReason.HARASSMENT)
    assert error.value.code == "already_decided"
    review_approve(review=pending, actor=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        review_remove(review=pending, actor=moderator, reason=ModerationReason.HARASSMENT)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.REMOVED
    assert Review.objects.filter(pk=pending.pk).exists()  # removed, never deleted
    [message] = mail.outbox
    assert message.subject == "Your review of Acme Talent was removed"
    assert "Harassment" in message.body


def test_a_moderator_acting_on_a_review_already_decided_is_told_so(moderator, pending):
    seen_by_second = Review.objects.get(pk=pending.pk)
    review_approve(review=pending, actor=make_moderator())
    with pytest.raises(ValidationError) as error:
        review_reject(review=seen_by_second, actor=moderator, reason=ModerationReason.OFF_TOPIC)
    assert error.value.code == "already_decided"
    assert "Another moderator has just decided" in error.value.messages[0]
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.PUBLISHED
    assert list(ModerationAction.objects.values_list("action", flat=True)) == [
        ModerationActionKind.REVIEW_APPROVED
    ]


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_the_same_moment_leave_one_decision():
    first, second = make_moderator(), make_moderator()
    review = make_review()
    holding = threading.Event()
    release = threading.Event()
    outcomes = {}

    def approve_slowly():
        try:
            with transaction.atomic():
                Review.objects.select_for_update().get(pk=review.pk)
                holding.set()
                release.wait(5)
                review_approve(review=review, actor=first)
            outcomes["first"] = "approved"
        finally:
            connection.close()

    def reject_meanwhile():
        try:
            holding.wait(5)
            release.set()
            review_reject(review=review, actor=second, reason=ModerationReason.OFF_TOPIC)
            outcomes["second"] = "rejected"
        except ValidationError as error:
            outcomes["second"] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_slowly), threading.Thread(target=reject_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes == {"first": "approved", "second": "already_decided"}
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.PUBLISHED
    assert ModerationAction.objects.count() == 1


def test_the_account_export_holds_reports_made_and_decisions_about_the_person(
    client, moderator, pending
):
    author = pending.engagement.candidate
    review_reject(
        review=pending,
        actor=moderator,
        reason=ModerationReason.OFF_TOPIC,
        note="Internal: seen this pattern before.",
    )
    published = review_approve(review=make_review(), actor=moderator)
    report_create(reporter=author, review=published, reason="other", text="Looks copied.")
    client.force_login(author)
    data = client.get("/experiences/export.json").json()
    [decision] = data["moderation_about_you"]
    assert (decision["action"], decision["reason"]) == ("review_rejected", "off_topic")
    assert set(decision) == {"action", "reason", "created_at"}
    [report] = data["reports_made"]
    assert (report["about"], report["reason"], report["text"], report["status"]) == (
        "review",
        "other",
        "Looks copied.",
        "open",
    )
    text = str(data)
    assert moderator.email not in text and "Internal: seen this pattern" not in text

    client.force_login(moderator)
    taken = client.get("/experiences/export.json").json()["moderation_actions_taken"]
    assert [entry["action"] for entry in taken] == ["review_rejected", "review_approved"]
