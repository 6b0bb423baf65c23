"""A moderator's shift in a real browser: sign in with a code, reject a risky review, check
the author was told why, and find the decision in the moderation log."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from reviews.event_kinds import Kind
from reviews.models import ModerationAction, Review, ReviewStatus
from reviews.services import engagement_create, event_create, review_submit
from tests.browser.signing_in import moderator_with_app, sign_in_with_code
from tests.factories import days_ago, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODERATOR_EMAIL = "moderator.journey@example.com"
PASSWORD = "a-long-moderation-passphrase-5"
AUTHOR_EMAIL = "review.author@example.com"
REVIEW_TEXT = (
    "They never called back after the interview. Ring the recruiter on +34 612 345 678 "
    "and ask him yourself why."
)
NOTE = "Please describe what happened without anyone's phone number."


@pytest.fixture
def pending_review() -> Review:
    """A candidate's review waiting for moderation, with a phone number in its text."""
    agency = make_agency(name="Harbour Recruitment", website="https://harbour.example")
    engagement = engagement_create(
        candidate=make_user(email=AUTHOR_EMAIL),
        agency=agency,
        source="linkedin",
        started_on=days_ago(30),
        role_title="Backend developer",
    )
    event_create(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(30))
    event_create(engagement=engagement, kind=Kind.INTERVIEW, occurred_on=days_ago(20))
    return review_submit(
        engagement=engagement,
        rating_communication=1,
        rating_honesty=2,
        rating_feedback=1,
        rating_respect=2,
        text=REVIEW_TEXT,
    )


@pytest.fixture
def moderator_secret() -> str:
    """A moderator with an authenticator app, as every staff page requires; its secret."""
    return moderator_with_app(email=MODERATOR_EMAIL, password=PASSWORD)


def sign_in_with_a_code(page: Page, base: str, secret: str) -> None:
    sign_in_with_code(page, base, MODERATOR_EMAIL, PASSWORD, secret, "/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")


def test_a_moderator_rejects_a_review_with_a_phone_number_and_the_author_is_told_why(
    page: Page, live_server, pending_review, moderator_secret
):
    base = live_server.url
    sign_in_with_a_code(page, base, moderator_secret)
    expect(page.get_by_role("link", name="Moderation", exact=True)).to_be_visible()

    item = page.get_by_role("article").filter(has_text="Harbour Recruitment")
    expect(item.get_by_role("list", name="Risk signals")).to_contain_text(
        "The text contains a phone number"
    )
    expect(item).to_contain_text("+34 612 345 678")
    expect(item).to_contain_text("Backend developer")
    expect(item).not_to_contain_text(AUTHOR_EMAIL)

    item.get_by_label("Reason").select_option(label="Contains personal data")
    item.get_by_label("Note to the author (optional)").fill(NOTE)
    item.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Review rejected; its author is told why.")).to_be_visible()
    expect(page.get_by_text("No review is waiting.")).to_be_visible()

    pending_review.refresh_from_db()
    assert pending_review.status == ReviewStatus.REJECTED
    [message] = [m for m in mail.outbox if m.to == [AUTHOR_EMAIL]]
    assert message.subject == "Your review of Harbour Recruitment was not published"
    assert "Contains personal data" in message.body
    assert NOTE in message.body
    assert "reply to this e-mail" in message.body

    page.get_by_role("link", name="Moderation log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation log")
    row = page.get_by_role("row").filter(has_text="Review rejected")
    expect(row).to_contain_text(MODERATOR_EMAIL)
    expect(row).to_contain_text("Contains personal data")
    expect(row).to_contain_text("Harbour Recruitment")
    assert ModerationAction.objects.filter(review=pending_review).count() == 1
