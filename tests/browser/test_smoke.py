"""A visitor's first minutes in a real browser (Debian's chromium through Playwright)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_page_switches_to_spanish_and_finds_the_agencies(
    page: Page, live_server
):
    make_agency(name="Northbridge Talent", country="GB", city="Leeds", specialties=["technology"])
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which recruitment agencies actually get back to candidates?"
    )
    # The stylesheet loaded: the brand is styled, so static files and CSP work together.
    expect(page.locator(".brand")).to_have_css("font-weight", "800")

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name=re.compile("Ver la clasificación", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clasificación de agencias")
    expect(page.get_by_role("cell", name="Northbridge Talent", exact=True)).to_be_visible()


def test_a_visitor_signs_up_and_is_asked_to_verify_the_email(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email:").fill("browser.candidate@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-browser-passphrase-9")
    page.get_by_label("Password (again):").fill("a-long-browser-passphrase-9")
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
