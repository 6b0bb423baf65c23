"""A hiring manager choosing an agency, in a real browser.

Filter the ranking by country and specialty, open an agency and read its metrics and charts,
compare three agencies, mark one "avoid" with a private note, and export the list as CSV.
"""

import csv
import datetime
import io
import re

import pytest
from playwright.sync_api import Page, expect

from agencies.models import ScoreSnapshot
from tests.agencies.test_public_pages import ranked_agency
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "hiring.manager@example.com"
PASSWORD = "a-long-hiring-passphrase-9"
NOTE = "Never answered our shortlisted candidates."


@pytest.fixture
def agencies():
    """Four ranked agencies in two countries; the Madrid one with a trend and reply times."""
    madrid = ranked_agency(
        "Madrid Tech Talent",
        rank=1,
        score=82,
        country="ES",
        city="Madrid",
        specialties=["technology"],
        tallies={"reply_rate": (31, 40), "ghosting_rate": (2, 20)},
        reply_delays={"0": 6, "2": 10, "5": 9, "12": 4, "40": 2},
        median_reply_days=3,
    )
    for month, score in ((8, 70), (9, 74), (10, 79)):
        ScoreSnapshot.objects.create(
            agency=madrid,
            month=datetime.date(2026, month, 1),
            score=score,
            score_low=score - 8,
            score_high=score + 8,
            engagements=30,
        )
    ranked_agency(
        "Barcelona Tech Search",
        rank=2,
        score=71,
        country="ES",
        city="Barcelona",
        specialties=["technology"],
        tallies={"reply_rate": (20, 40)},
    )
    ranked_agency(
        "Sevilla Finance Partners",
        rank=3,
        score=64,
        country="ES",
        city="Sevilla",
        specialties=["finance"],
        tallies={"reply_rate": (12, 40)},
    )
    ranked_agency(
        "Leeds Tech People",
        rank=4,
        score=58,
        country="GB",
        city="Leeds",
        specialties=["technology"],
        tallies={"reply_rate": (10, 40)},
    )
    make_user(email=EMAIL, password=PASSWORD)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("^Email")).fill(EMAIL)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def ranking_links(page: Page):
    return page.locator("table.ranking-table tbody tr td a")


def test_a_hiring_manager_filters_compares_marks_and_exports(page: Page, live_server, agencies):
    base = live_server.url
    sign_in(page, base)

    # Filter the ranking by country and specialty; the filters stay in the address.
    page.goto(f"{base}/agencies/")
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("Specialty").select_option("technology")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"country=ES.*specialty=technology"))
    expect(ranking_links(page)).to_have_text(["Madrid Tech Talent", "Barcelona Tech Search"])

    # Open the best agency and read its metrics and charts.
    page.get_by_role("link", name="Madrid Tech Talent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Madrid Tech Talent")
    expect(page.get_by_role("row", name=re.compile("^Reply rate"))).to_contain_text(
        "Replied within 14 days to 78% of candidates' messages"
    )
    trend = page.get_by_role("img", name="Monthly score with its 90% range")
    expect(trend).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(2)  # the trend and the reply times
    page.get_by_role("region", name="Score over time").get_by_text("The chart as a table").click()
    expect(page.get_by_role("cell", name="October 2026")).to_be_visible()
    reply_times = page.get_by_role("img", name=re.compile("^Replies by how many days"))
    expect(reply_times).to_contain_text("Same day 6 (19%)")

    # Compare three agencies picked in the ranking.
    page.goto(f"{base}/agencies/")
    for name in ("Madrid Tech Talent", "Barcelona Tech Search", "Leeds Tech People"):
        page.get_by_label(f"Compare {name}").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page).to_have_url(re.compile(r"/compare/\?agencies=[^&]+,[^&]+,[^&]+$"))
    headers = page.locator("table.compare-table thead th.compare-agency a:not(.compare-remove)")
    expect(headers).to_have_text(
        ["Madrid Tech Talent", "Barcelona Tech Search", "Leeds Tech People"]
    )
    score_row = page.locator("table.compare-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile("^Score"))
    )
    expect(score_row.locator("td").nth(0)).to_contain_text("Best")
    expect(score_row.locator("td").nth(2)).not_to_contain_text("Best")

    # Mark the weakest one "avoid" with a private note.
    page.get_by_role("link", name="Leeds Tech People", exact=True).click()
    page.get_by_label("Avoid").check()
    page.get_by_label("Private note").fill(NOTE)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You marked this agency to avoid")).to_be_visible()

    # The list shows it; its CSV export carries the verdict and the note.
    page.get_by_role("link", name="My agencies").first.click()
    expect(page.get_by_role("cell", name="Leeds Tech People")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text("utf-8-sig"))))
    assert [(row["agency"], row["verdict"], row["note"]) for row in rows] == [
        ("Leeds Tech People", "avoid", NOTE)
    ]
