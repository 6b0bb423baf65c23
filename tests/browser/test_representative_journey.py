"""An agency representative's journey in a real browser, with a moderator in a second one.

Someone who works at the agency signs in with their verified work address and claims the
agency; a moderator signs in with a code and approves the claim on the staff page; the new
representative replies to one review (the reply shows on the public page) and disputes
another, which reaches the moderation queue; the moderator upholds it, and the
representative sees the outcome. Nobody's identity as a candidate shows at any step.
"""

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from agencies.models import AgencyClaim, ClaimStatus
from reviews.models import AgencyReply, Report, ReportKind, Review, ReviewStatus
from reviews.moderation import moderator_grant, review_approve
from reviews.services import engagement_create, event_create, review_submit
from tests.browser.signing_in import moderator_with_app, sign_in, sign_in_with_code
from tests.factories import days_ago, make_agency, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPRESENTATIVE_EMAIL = "maria.lopez@northwind-talent.example"
MODERATOR_EMAIL = "moderator.claims@example.com"
PASSWORD = "a-long-representative-passphrase-3"
AUTHOR_EMAIL = "candid.candidate@example.com"
FAIR_REVIEW = "They took three weeks to tell me the role had been filled, then went quiet."
UNFAIR_REVIEW = "Their recruiter Ana Pérez is useless; ring her at home and tell her so, everyone."
REPLY = "We are sorry for the wait. Every candidate now hears from us within a week."


@pytest.fixture
def agency_with_reviews():
    """An agency with two published reviews by candidates, and a moderator who published them."""
    agency = make_agency(name="Northwind Talent", website="https://northwind-talent.example")
    publisher = make_user(email="publisher@example.com")
    moderator_grant(user=publisher)
    reviews = []
    for number, text in enumerate((FAIR_REVIEW, UNFAIR_REVIEW)):
        engagement = engagement_create(
            candidate=make_user(email=f"{number}{AUTHOR_EMAIL}"),
            agency=agency,
            source="linkedin",
            started_on=days_ago(60),
            role_title="Secret role title",
        )
        event_create(engagement=engagement, kind="applied", occurred_on=days_ago(60))
        review = review_submit(
            engagement=engagement,
            rating_communication=2,
            rating_honesty=2,
            rating_feedback=1,
            rating_respect=2,
            text=text,
        )
        reviews.append(review_approve(review=review, actor=publisher))
    return agency, reviews


@pytest.fixture
def moderator_secret() -> str:
    return moderator_with_app(email=MODERATOR_EMAIL, password=PASSWORD)


@pytest.fixture
def other_browser(browser: Browser):
    """Opens pages in browsers of their own (a moderator, a visitor); closed after the test."""
    contexts = []

    def open_page() -> Page:
        contexts.append(browser.new_context())
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in_as_moderator(page: Page, base: str, secret: str) -> None:
    """Sign the moderator in with a code, landing on the claims page."""
    sign_in_with_code(page, base, MODERATOR_EMAIL, PASSWORD, secret, "/moderation/claims/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency claims")


def test_a_representative_claims_the_agency_replies_to_a_review_and_disputes_another(
    page: Page, other_browser, live_server, agency_with_reviews, moderator_secret
):
    base = live_server.url
    agency, (fair, unfair) = agency_with_reviews
    make_user(email=REPRESENTATIVE_EMAIL, password=PASSWORD)

    # The representative signs in and claims the agency from its public page.
    sign_in(page, base, REPRESENTATIVE_EMAIL, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{base}/agencies/{agency.slug}/")
    page.get_by_role("link", name="Claim this agency").click()
    expect(page.get_by_text(REPRESENTATIVE_EMAIL)).to_be_visible()
    page.get_by_label("Your job title (optional)").fill("Head of talent")
    page.get_by_role("button", name="Send the claim").click()
    expect(page.get_by_text("Your claim is sent.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Northwind Talent")).to_contain_text(
        "Waiting for a moderator"
    )

    # A moderator approves it on the staff page, seeing the evidence.
    staff = other_browser()
    sign_in_as_moderator(staff, base, moderator_secret)
    claim = staff.get_by_role("article").filter(has_text="Northwind Talent")
    expect(claim).to_contain_text(REPRESENTATIVE_EMAIL)
    expect(claim).to_contain_text("Same domain")
    expect(claim).to_contain_text("Head of talent")
    claim.get_by_label("Note to the claimant").fill("Confirmed with the agency's switchboard.")
    claim.get_by_role("button", name="Approve").click()
    expect(staff.get_by_text("The claimant is told by e-mail.")).to_be_visible()
    assert AgencyClaim.objects.get().status == ClaimStatus.APPROVED
    [approval] = [m for m in mail.outbox if m.to == [REPRESENTATIVE_EMAIL]]
    assert approval.subject == "You now represent Northwind Talent on AgencyRank"

    # The representative reaches the agency's own page from its public page.
    page.goto(f"{base}/agencies/{agency.slug}/")
    page.get_by_role("link", name="Your agency's page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Talent")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Your agency", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(AUTHOR_EMAIL)
    expect(page.get_by_role("main")).not_to_contain_text("Secret role title")

    # They reply to the fair review...
    fair_item = page.get_by_role("article").filter(has_text=FAIR_REVIEW)
    fair_item.get_by_label("The agency's public reply").fill(REPLY)
    fair_item.get_by_role("button", name="Publish the reply").click()
    expect(page.get_by_text("Your reply is published.")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text=FAIR_REVIEW)).to_contain_text(
        "You can change it until"
    )

    # ...which every visitor now sees under it on the public page.
    visitor = other_browser()
    visitor.goto(f"{base}/agencies/{agency.slug}/")
    public_review = visitor.get_by_role("article").filter(has_text=FAIR_REVIEW)
    expect(public_review).to_contain_text("The agency's reply")
    expect(public_review).to_contain_text(REPLY)
    assert AgencyReply.objects.get().review_id == fair.pk

    # They dispute the other review; it stays up while a moderator looks.
    page.get_by_role("article").filter(has_text=UNFAIR_REVIEW).get_by_role(
        "link", name="Dispute this review"
    ).click()
    page.get_by_label("It contains personal data").check()
    page.get_by_label("Explain").fill("It names our recruiter and asks readers to call her home.")
    page.get_by_role("button", name="Send the dispute").click()
    expect(page.get_by_text("Your dispute is sent.")).to_be_visible()
    disputes = page.locator("#disputes")
    expect(disputes).to_contain_text("Waiting for a moderator")
    expect(disputes).to_contain_text("It contains personal data")
    visitor.reload()
    expect(visitor.get_by_text(UNFAIR_REVIEW)).to_be_visible()

    # The dispute is in the moderation queue, marked as the agency's.
    staff.goto(f"{base}/moderation/")
    row = staff.get_by_role("row").filter(has_text="Dispute by the agency")
    expect(row).to_contain_text("A review of Northwind Talent")
    row.get_by_role("link", name="Decide").click()
    expect(staff.get_by_text("approved representative")).to_be_visible()
    staff.get_by_label("Reason").select_option(label="Contains personal data")
    staff.get_by_role("button", name="Uphold: take it down").click()
    expect(staff.get_by_text("Report decided.")).to_be_visible()
    dispute = Report.objects.get()
    assert dispute.kind == ReportKind.DISPUTE
    assert Review.objects.get(pk=unfair.pk).status == ReviewStatus.REMOVED

    # The representative sees the outcome; the review is gone from the public page.
    page.reload()
    expect(page.locator("#disputes")).to_contain_text("Upheld: the review was removed")
    visitor.reload()
    expect(visitor.get_by_text(UNFAIR_REVIEW)).to_have_count(0)
    expect(visitor.get_by_text(REPLY)).to_be_visible()
