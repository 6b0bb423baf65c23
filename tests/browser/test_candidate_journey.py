"""A new candidate's whole journey in a real browser, as issue "logbook" describes it.

Sign up, verify the e-mail, add an agency, log five events, write a review, export the
logbook, and import the export again without creating anything twice.
"""

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from reviews.models import Engagement, Event, Review, ReviewStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "journey.candidate@example.com"
PASSWORD = "a-long-journey-passphrase-7"
TODAY = datetime.date.today()


def day(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def sign_up_and_verify(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email:").fill(EMAIL)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(base + link.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def add_agency_and_engagement(page: Page, base: str) -> None:
    page.goto(f"{base}/experiences/new/")
    page.get_by_label("Agency name or website").fill("Northwind Talent")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Add a new agency").click()
    page.get_by_label("Name").fill("Northwind Talent")
    page.get_by_label("Website").fill("https://northwind-talent.example")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("City").fill("Leeds")
    page.get_by_role("button", name="Add the agency").click()
    page.get_by_label("Role").fill("Data engineer")
    page.get_by_label("How it started").select_option("linkedin")
    page.get_by_label("Started on").fill(day(12))
    page.get_by_role("button", name="Continue to the timeline").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northwind Talent")


def log_event(page: Page, kind: str, when: str, rows_before: int) -> None:
    form = page.locator("form").filter(has=page.get_by_role("button", name="Add the event"))
    form.get_by_label("What happened").select_option(kind)
    form.get_by_label("Date").fill(when)
    form.get_by_role("button", name="Add the event").click()
    expect(page.locator("li.event")).to_have_count(rows_before + 1)


def write_review(page: Page) -> None:
    page.get_by_role("link", name="Write a review").click()
    for group in ("Communication", "Honesty", "Feedback", "Respect for your time and data"):
        page.get_by_role("group", name=re.compile(group)).get_by_label("4 (good)").check()
    page.get_by_label("Your review").fill(
        "Quick to answer, clear about the client, and they told me why I was not selected."
    )
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("your review will appear once a moderator")).to_be_visible()


def test_a_new_candidate_logs_reviews_exports_and_reimports(page: Page, live_server, tmp_path):
    base = live_server.url
    sign_up_and_verify(page, base)
    add_agency_and_engagement(page, base)

    for number, (kind, when) in enumerate(
        [
            ("applied", day(12)),
            ("cv_requested", day(11)),
            ("cv_sent", day(11)),
            ("interview", day(8)),
            ("rejected", day(4)),
        ]
    ):
        log_event(page, kind, when, number)
    engagement = Engagement.objects.get(candidate__email=EMAIL)
    assert list(engagement.events.values_list("kind", flat=True)) == [
        "applied",
        "cv_requested",
        "cv_sent",
        "interview",
        "rejected",
    ]
    write_review(page)
    assert Review.objects.get(engagement=engagement).status == ReviewStatus.PENDING

    page.goto(f"{base}/experiences/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    exported = tmp_path / "logbook.csv"
    download.value.save_as(exported)
    assert "Northwind Talent" in exported.read_text(encoding="utf-8-sig")

    page.get_by_role("link", name="Import a CSV file").click()
    page.get_by_label("CSV file").set_input_files(exported)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nothing new to import")
    assert Engagement.objects.filter(candidate__email=EMAIL).count() == 1
    assert Event.objects.filter(engagement__candidate__email=EMAIL).count() == 5
