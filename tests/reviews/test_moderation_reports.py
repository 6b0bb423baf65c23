"""Anyone signed in can report a review or a reply; moderators uphold or dismiss each."""

import pytest
from django.core import mail

from reviews.models import (
    AgencyReply,
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    Report,
    ReportStatus,
    ReviewStatus,
)
from reviews.moderation import report_create, review_approve
from tests.factories import make_agency, make_engagement, make_review, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_moderator()


@pytest.fixture
def published(moderator):
    agency = make_agency(name="Acme Talent")
    engagement = make_engagement(agency=agency, candidate=make_user(email="author@example.com"))
    review = make_review(engagement=engagement, text="The recruiter Jane Smith lied to me.")
    review_approve(review=review, actor=moderator)
    review.refresh_from_db()
    return review


@pytest.fixture
def reply(published):
    return AgencyReply.objects.create(
        review=published, author=make_user(email="rep@acme.example"), text="You are a liar."
    )


@pytest.fixture
def reporter(client):
    user = make_user(email="reader@example.com")
    client.force_login(user)
    return user


def test_the_agency_page_links_each_review_and_reply_to_its_report_page(client, reply):
    page = client.get(f"/agencies/{reply.review.engagement.agency.slug}/").content.decode()
    assert f'href="/reports/reviews/{reply.review_id}/"' in page
    assert f'href="/reports/replies/{reply.pk}/"' in page
    assert "csrfmiddlewaretoken" not in page.split('id="reviews-heading"')[1]


def test_a_visitor_is_asked_to_sign_in_before_reporting(client, published):
    response = client.get(f"/reports/reviews/{published.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_report_is_recorded_acknowledged_and_not_duplicated(
    client, reporter, published, django_capture_on_commit_callbacks
):
    url = f"/reports/reviews/{published.pk}/"
    page = client.get(url).content.decode()
    assert "The recruiter Jane Smith lied to me." in page and "It contains personal data" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"reason": "personal_data", "text": "Names a person."}, follow=True
        )
    assert "A moderator will look at it" in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.review, report.reason, report.status) == (
        reporter,
        published,
        "personal_data",
        ReportStatus.OPEN,
    )
    [receipt] = mail.outbox
    assert receipt.to == ["reader@example.com"]
    assert receipt.subject == "We received your report about Acme Talent's page"
    assert "It contains personal data" in receipt.body

    assert "You have already reported this" in client.get(url).content.decode()
    response = client.post(url, {"reason": "harassment"}, follow=True)
    assert "You have already reported this" in response.content.decode()
    assert Report.objects.count() == 1 and len(mail.outbox) == 1


def test_reporting_the_same_thing_twice_through_the_service_returns_the_open_report(
    reporter, published
):
    first, created = report_create(reporter=reporter, review=published, reason="off_topic")
    again, created_again = report_create(reporter=reporter, review=published, reason="other")
    assert (created, created_again, again.pk) == (True, False, first.pk)


def test_only_what_is_shown_can_be_reported(client, reporter, reply):
    pending = make_review()
    assert client.get(f"/reports/reviews/{pending.pk}/").status_code == 404
    assert client.get("/reports/reviews/999999/").status_code == 404
    reply.removed_at = reply.created_at
    reply.save()
    assert client.get(f"/reports/replies/{reply.pk}/").status_code == 404


def test_a_report_without_a_known_reason_is_a_form_error(client, reporter, published):
    response = client.post(f"/reports/reviews/{published.pk}/", {"reason": "i_dislike_it"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_reports_are_rate_limited_per_account(client, reporter, moderator, settings):
    settings.RATE_LIMITS_PER_HOUR = {**settings.RATE_LIMITS_PER_HOUR, "report_create": 2}
    reviews = []
    for _ in range(3):
        review = make_review()
        review_approve(review=review, actor=moderator)
        reviews.append(review)
    statuses = [
        client.post(f"/reports/reviews/{review.pk}/", {"reason": "other"}).status_code
        for review in reviews
    ]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2


def test_the_queue_shows_open_reports_and_upholding_removes_the_review_with_a_reason(
    client, moderator, published, django_capture_on_commit_callbacks
):
    first = report_create(reporter=make_user(), review=published, reason="personal_data")[0]
    second = report_create(reporter=make_user(), review=published, reason="harassment")[0]
    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert "A review of Acme Talent" in queue and f"/moderation/reports/{first.pk}/" in queue
    mail.outbox.clear()

    response = client.post(f"/moderation/reports/{first.pk}/", {"upheld": "1"}, follow=True)
    assert "Choose the reason for this decision." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/moderation/reports/{first.pk}/",
            {"upheld": "1", "reason": ModerationReason.PERSONAL_DATA, "note": "Names a person."},
        )
    published.refresh_from_db()
    assert published.status == ReviewStatus.REMOVED
    assert published.history.last().reason == ModerationReason.PERSONAL_DATA
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {ReportStatus.UPHELD}
    [message] = mail.outbox
    assert message.to == ["author@example.com"] and "Contains personal data" in message.body
    logged = list(
        ModerationAction.objects.filter(actor=moderator)
        .exclude(action=ModerationActionKind.REVIEW_APPROVED)
        .order_by("pk")
        .values_list("action", "report_id")
    )
    assert logged == [
        (ModerationActionKind.REVIEW_REMOVED, first.pk),
        (ModerationActionKind.REPORT_UPHELD, first.pk),
        (ModerationActionKind.REPORT_UPHELD, second.pk),
    ]
    page = client.get(f"/agencies/{published.engagement.agency.slug}/").content.decode()
    assert "Jane Smith" not in page
    response = client.post(f"/moderation/reports/{second.pk}/", {"upheld": "0"}, follow=True)
    assert "Another moderator has just decided on this" in response.content.decode()


def test_dismissing_a_report_keeps_the_review_and_logs_the_decision(client, moderator, published):
    report = report_create(reporter=make_user(), review=published, reason="not_genuine")[0]
    client.force_login(moderator)
    client.post(
        f"/moderation/reports/{report.pk}/",
        {"upheld": "0", "reason": "harassment", "note": "A genuine, negative experience."},
    )
    report.refresh_from_db()
    published.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED and report.resolved_by == moderator
    assert published.status == ReviewStatus.PUBLISHED
    entry = ModerationAction.objects.get(report=report)
    assert (entry.action, entry.reason, entry.note) == (
        ModerationActionKind.REPORT_DISMISSED,
        "",
        "A genuine, negative experience.",
    )


def test_an_upheld_report_on_a_reply_takes_the_reply_down_and_tells_its_author(
    client, moderator, reply, django_capture_on_commit_callbacks
):
    report = report_create(reporter=make_user(), agency_reply=reply, reason="harassment")[0]
    client.force_login(moderator)
    assert "You are a liar." in client.get(f"/moderation/reports/{report.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/moderation/reports/{report.pk}/",
            {"upheld": "1", "reason": ModerationReason.HARASSMENT},
        )
    reply.refresh_from_db()
    assert reply.removed_at is not None
    assert AgencyReply.objects.filter(pk=reply.pk).exists()
    client.logout()
    page = client.get(f"/agencies/{reply.review.engagement.agency.slug}/").content.decode()
    assert "You are a liar." not in page
    assert "The recruiter Jane Smith lied to me." in page
    [message] = mail.outbox
    assert message.to == ["rep@acme.example"]
    assert message.subject == "Your reply on Acme Talent's page was removed"
