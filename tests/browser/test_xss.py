"""Script payloads in review and reply text render as inert text in a real browser.

Escaping is the defence that matters: each payload must show as the characters the author
typed, never be parsed as markup. The Content-Security-Policy is a second line, so the test
also fails if the browser reports having blocked anything, which would mean markup got
through.
"""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from agencies.representing import agency_reply_post
from reviews.moderation import review_approve
from tests.agencies.representative_helpers import make_representative
from tests.browser.signing_in import moderator_with_app, sign_in, sign_in_with_code
from tests.factories import make_agency, make_engagement, make_event, make_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-42"  # the factories' default
PAYLOADS = [
    "<script>window.__xss = (window.__xss || 0) + 1</script>",
    '<img src="x" onerror="window.__xss = (window.__xss || 0) + 1">',
    '"><svg onload="window.__xss = (window.__xss || 0) + 1"></svg>',
    'javascript:window.__xss=1 <a href="javascript:window.__xss=1">click</a>',
]
REVIEW_TEXT = "Slow to answer, but they did in the end. " + " ".join(PAYLOADS)
REPLY_TEXT = "We have changed how we answer. " + " ".join(PAYLOADS)


@pytest.fixture
def hostile_texts():
    """A published review and its reply, and a pending review, all carrying the payloads."""
    moderator_secret = moderator_with_app(email="mod@example.com", password=PASSWORD)
    agency = make_agency(name="Acme Talent", website="https://acme-talent.example")
    published = make_review(engagement=make_engagement(agency=agency), text=REVIEW_TEXT)
    make_event(engagement=published.engagement, kind="applied")
    moderator = User.objects.get(email="mod@example.com")
    published = review_approve(review=published, actor=moderator)
    representative = make_representative(
        agency=agency, email="rep@acme-talent.example", moderator=moderator
    )
    agency_reply_post(review=published, author=representative, text=REPLY_TEXT)
    pending = make_review(engagement=make_engagement(agency=agency), text=REVIEW_TEXT)
    make_event(engagement=pending.engagement, kind="applied")
    return {"agency": agency, "pending": pending, "moderator_secret": moderator_secret}


def watch(page: Page) -> list[str]:
    """Collect what the browser says about blocked content and dialogs."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("dialog", lambda dialog: complaints.append(f"dialog: {dialog.message}"))
    return complaints


def assert_inert(page: Page, complaints: list[str]) -> None:
    """The payloads show as text, ran nothing, and needed no blocking."""
    for payload in PAYLOADS:
        expect(page.get_by_text(payload, exact=False).first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("main script, main img[src=x], main svg[onload]").count() == 0
    assert complaints == []


def test_review_and_reply_payloads_are_inert_on_the_agency_page(page, live_server, hostile_texts):
    complaints = watch(page)
    page.goto(f"{live_server.url}/agencies/{hostile_texts['agency'].slug}/")
    assert_inert(page, complaints)
    expect(page.get_by_text("We have changed how we answer.")).to_be_visible()


def test_payloads_are_inert_for_the_moderator_and_the_representative(
    page, live_server, hostile_texts
):
    base = live_server.url
    complaints = watch(page)
    pending = hostile_texts["pending"]
    sign_in_with_code(
        page,
        base,
        "mod@example.com",
        PASSWORD,
        hostile_texts["moderator_secret"],
        f"/moderation/reviews/{pending.pk}/",
    )
    expect(page.get_by_text("Slow to answer").first).to_be_visible()
    assert_inert(page, complaints)
    page.goto(f"{base}/moderation/")
    assert_inert(page, complaints)

    page.context.clear_cookies()
    slug = hostile_texts["agency"].slug
    sign_in(page, base, "rep@acme-talent.example", PASSWORD, f"/representatives/{slug}/")
    expect(page.get_by_text("Slow to answer").first).to_be_visible()
    assert_inert(page, complaints)
