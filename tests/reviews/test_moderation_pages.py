"""The moderation pages: only moderators see them, and they show what a decision needs."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import (
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    Review,
    ReviewStatus,
)
from reviews.moderation import review_approve
from reviews.screening import review_screen
from tests.factories import (
    make_agency,
    make_engagement,
    make_event,
    make_new_user,
    make_review,
    make_staff,
    make_user,
)
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db

AUTHOR_EMAIL = "secret.author@example.com"


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def pending():
    agency = make_agency(name="Acme Talent")
    engagement = make_engagement(
        candidate=make_new_user(email=AUTHOR_EMAIL), agency=agency, role_title="Data engineer"
    )
    make_event(engagement=engagement, kind="applied")
    review = make_review(
        engagement=engagement, text="Nobody called me back. Ring them on 0612345678 yourself."
    )
    return review_screen(review=review)


def pages(review) -> list[str]:
    engagement = review.engagement
    return [
        "/moderation/",
        "/moderation/log/",
        f"/moderation/reviews/{review.pk}/",
        f"/moderation/engagements/{engagement.pk}/",
        f"/moderation/agencies/{engagement.agency_id}/",
    ]


def test_a_visitor_is_sent_to_sign_in(client, pending):
    for url in pages(pending):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "account", [lambda: make_user(), lambda: make_staff()], ids=["candidate", "staff"]
)
def test_anyone_else_gets_not_found_and_changes_nothing(client, pending, account):
    client.force_login(account())
    for url in pages(pending):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/moderation/reviews/{pending.pk}/decision/",
        {f"review-{pending.pk}-decision": "approve"},
    )
    assert response.status_code == 404
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.PENDING
    assert not ModerationAction.objects.exists()


def test_moderators_open_every_page(moderator_client, pending):
    for url in pages(pending):
        assert moderator_client.get(url).status_code == 200, url


def test_the_navigation_shows_moderation_to_moderators_only(client, moderator_client):
    assert 'href="/moderation/"' in moderator_client.get("/").content.decode()
    client.logout()
    client.force_login(make_staff())
    assert 'href="/moderation/"' not in client.get("/").content.decode()


def test_the_queue_shows_the_review_its_signals_in_words_and_its_timeline_but_no_email(
    moderator_client, pending
):
    page = moderator_client.get("/moderation/").content.decode()
    assert "Nobody called me back." in page
    assert "The text contains a phone number" in page
    assert "The account is less than a week old" in page
    assert "Acme Talent" in page and "Data engineer" in page
    assert "Applied or sent an unsolicited CV" in page
    assert f"Account #{pending.engagement.candidate_id}" in page
    assert "e-mail verified" in page
    assert AUTHOR_EMAIL not in page


def test_the_queue_lists_pending_reviews_oldest_first_and_nothing_decided(
    moderator_client, moderator
):
    newer = make_review(text="Written second, shown second.")
    older = make_review(text="Written first, shown first.")
    Review.objects.filter(pk=older.pk).update(submitted_at=newer.submitted_at.replace(year=2025))
    decided = make_review(text="Already published, not in the queue.")
    review_approve(review=decided, actor=moderator)
    page = moderator_client.get("/moderation/").content.decode()
    assert page.index("Written first") < page.index("Written second")
    assert "Already published" not in page


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/moderation/").status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_queries_for_five_and_for_twenty_reviews(moderator_client):
    for _ in range(5):
        make_event(engagement=make_review().engagement, kind="applied")
    five = queue_queries(moderator_client)
    for _ in range(15):
        make_event(engagement=make_review().engagement, kind="applied")
    assert queue_queries(moderator_client) == five


def test_rejecting_from_the_queue_needs_a_reason_then_emails_the_author(
    moderator_client, pending, django_capture_on_commit_callbacks
):
    url = f"/moderation/reviews/{pending.pk}/decision/"
    prefix = f"review-{pending.pk}"
    response = moderator_client.post(url, {f"{prefix}-decision": "reject"}, follow=True)
    assert "Choose the reason for this decision." in response.content.decode()
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            url,
            {
                f"{prefix}-decision": "reject",
                f"{prefix}-reason": ModerationReason.PERSONAL_DATA,
                f"{prefix}-note": "Please leave phone numbers out.",
                "next": "/moderation/",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == "/moderation/"
    assert "Review rejected; its author is told why." in response.content.decode()
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.REJECTED
    [message] = mail.outbox
    assert message.to == [AUTHOR_EMAIL]
    assert "Contains personal data" in message.body
    assert "Please leave phone numbers out." in message.body


def test_a_second_moderators_decision_on_a_decided_review_is_refused_with_a_message(
    moderator_client, pending
):
    review_approve(review=pending, actor=make_moderator())
    response = moderator_client.post(
        f"/moderation/reviews/{pending.pk}/decision/",
        {
            f"review-{pending.pk}-decision": "reject",
            f"review-{pending.pk}-reason": ModerationReason.OFF_TOPIC,
        },
        follow=True,
    )
    assert "Another moderator has just decided on this" in response.content.decode()
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.PUBLISHED


def test_bad_input_never_fails(moderator_client, pending):
    prefix = f"review-{pending.pk}"
    for data in (
        {},
        {f"{prefix}-decision": "delete"},
        {f"{prefix}-decision": "remove", f"{prefix}-reason": "not_a_reason"},
        {f"{prefix}-decision": "approve", f"{prefix}-note": "x" * 3000},
    ):
        response = moderator_client.post(f"/moderation/reviews/{pending.pk}/decision/", data)
        assert response.status_code == 302
    assert Review.objects.get(pk=pending.pk).status == ReviewStatus.PENDING
    assert moderator_client.post("/moderation/reviews/999999/decision/").status_code == 404
    assert moderator_client.post("/moderation/engagements/1/explode/").status_code == 404
    assert moderator_client.get("/moderation/log/?action=nonsense&page=x").status_code == 200
    response = moderator_client.post(
        f"/moderation/reviews/{pending.pk}/decision/",
        {f"{prefix}-decision": "approve", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/moderation/"


def log_queries(client, query: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/moderation/log/{query}").status_code == 200
    return len(queries)


def test_the_log_lists_actions_newest_first_filtered_by_action_in_fixed_queries(
    moderator_client, moderator
):
    agency = make_agency(name="Logged Agency")
    for _ in range(5):
        ModerationAction.objects.create(action=ModerationActionKind.ENGAGEMENT_HELD, agency=agency)
    five = log_queries(moderator_client)
    for _ in range(60):
        ModerationAction.objects.create(
            action=ModerationActionKind.HOLD_CLEARED, actor=moderator, agency=agency
        )
    last = ModerationAction.objects.create(
        action=ModerationActionKind.SCORE_RELEASED, actor=moderator, agency=agency, note="Last."
    )
    assert log_queries(moderator_client) == five
    page = moderator_client.get("/moderation/log/").content.decode()
    rows = page.split("<tbody>")[1]
    assert rows.index("Agency score released") < rows.index("Hold cleared")
    assert "Last." in page and "moderator@agencyrank.example" in page
    assert "Page 1 of 2" in page

    held = moderator_client.get("/moderation/log/?action=engagement_held").content.decode()
    assert "Engagement held for review" in held and "Automatic check" in held
    assert "Hold cleared: the engagement counts" not in held.split("<tbody>")[1]
    assert str(last.note) not in held
