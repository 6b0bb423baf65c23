"""No public page or API response names a candidate or gives a review's exact date.

The test builds agencies scored by the real jobs from candidates with distinctive names and
e-mail addresses, then crawls the public site as an anonymous visitor, in English and in
Spanish, following every same-site link from the home page, the ranking and the API. A page
added later is covered as soon as something public links to it.
"""

import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from agencies.scores import score_recompute, snapshots_take
from reviews.models import AgencyReply
from reviews.services import review_publish
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db

# Exact moments that must never be published (the month and year alone may be).
PUBLISHED_AT = datetime.datetime(2026, 3, 17, 9, 41, 7, tzinfo=datetime.UTC)
SUBMITTED_AT = datetime.datetime(2026, 3, 11, 18, 22, 53, tzinfo=datetime.UTC)

# Where an anonymous visitor starts; every public page is reachable from one of these.
START_PATHS = ["/", "/agencies/", "/api/agencies/", "/sitemap.xml"]
# Pages for signed-in people only, and the admin: not public, not crawled.
PRIVATE_PREFIXES = ("/accounts/", "/experiences/", "/admin/", "/my-agencies/", "/moderation/")
MAX_PAGES = 80


class LinkParser(HTMLParser):
    """Collects href and action targets from an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "action"} and value:
                self.links.append(value)


def links_in(response) -> list[str]:
    """Same-site links found in an HTML page, a JSON document or a sitemap."""
    content_type = response.get("Content-Type", "")
    body = response.content.decode()
    if "html" in content_type:
        parser = LinkParser()
        parser.feed(body)
        return parser.links
    if "json" in content_type:
        # The API names agencies by slug rather than by link.
        slugs = re.findall(r'"slug":\s*"([^"]+)"', body)
        return re.findall(r'"(https?://[^"]+|/[^"]*)"', body) + [
            path
            for slug in slugs
            for path in (f"/api/agencies/{slug}/", f"/api/agencies/{slug}/history/")
        ]
    return re.findall(r"<loc>([^<]+)</loc>", body)


def crawl(client) -> dict[str, str]:
    """Every public page reachable from the start paths, path -> body (status 200 only)."""
    seen: dict[str, str] = {}
    queue = list(START_PATHS)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        if response.status_code != 200:
            seen[path] = ""
            continue
        seen[path] = response.content.decode()
        for link in links_in(response):
            parts = urlsplit(urljoin("http://testserver" + path, link))
            if parts.netloc not in {"testserver", "127.0.0.1", "localhost", ""}:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target.startswith(("/static/", "/i18n/")) or target.startswith(PRIVATE_PREFIXES):
                continue
            if target not in seen:
                queue.append(target)
    return seen


def forbidden_strings(candidates) -> list[str]:
    """Everything that would identify a candidate or date a review exactly."""
    strings = []
    for user in candidates:
        strings += [user.email, user.email.split("@")[0], user.first_name, user.last_name]
    for moment in (PUBLISHED_AT, SUBMITTED_AT):
        strings += [
            moment.date().isoformat(),  # 2026-03-17
            moment.strftime("%d/%m/%Y"),
            moment.strftime("%m/%d/%Y"),
            f"{moment:%B} {moment.day}, {moment.year}",  # March 17, 2026
            f"{moment.day} {moment:%B} {moment.year}",  # 17 March 2026
            f"{moment.day} de marzo de {moment.year}",
        ]
    return strings


def exact_times() -> list[re.Pattern]:
    """A review's hour and minute, standing alone.

    "09:41" alone would also match a public timestamp's minutes and seconds, as in
    "03:09:41", whenever the suite happens to run at such a moment.
    """
    return [
        re.compile(rf"(?<![\d:]){moment:%H:%M}(?![\d])") for moment in (PUBLISHED_AT, SUBMITTED_AT)
    ]


@pytest.fixture
def public_data():
    """Two agencies scored from named candidates' logs, with published reviews and a reply."""
    today = datetime.date(2026, 6, 1)
    candidates = []
    agencies = [
        make_agency(name="Brightpath Talent", city="Leeds"),
        make_agency(name="Northwind Recruiting", city="York"),
    ]
    for number in range(12):
        user = make_user(email=f"zelda.quist{number}@candidates.example")
        user.first_name, user.last_name = f"Zelda{number}", f"Quistorff{number}"
        user.save(update_fields=["first_name", "last_name"])
        candidates.append(user)
        for agency in agencies:
            engagement = make_engagement(
                candidate=user, agency=agency, started_on=datetime.date(2026, 2, 2)
            )
            make_event(engagement=engagement, kind="applied", occurred_on=datetime.date(2026, 2, 2))
            make_event(engagement=engagement, kind="reply", occurred_on=datetime.date(2026, 2, 5))
            make_event(
                engagement=engagement, kind="rejected", occurred_on=datetime.date(2026, 2, 20)
            )
            if number < 3:
                review = make_review(
                    engagement=engagement,
                    text=f"Handled by the book; wrote back within days. Case {number}.",
                    submitted_at=SUBMITTED_AT,
                )
                review = review_publish(review=review)
                type(review).objects.filter(pk=review.pk).update(published_at=PUBLISHED_AT)
                if number == 0:
                    AgencyReply.objects.create(review=review, text="Thank you for the feedback.")
    for agency in agencies:
        score_recompute(agency_id=agency.pk, today=today)
    snapshots_take(month=datetime.date(2026, 5, 1))
    snapshots_take(month=timezone.localdate())
    return candidates, agencies


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_public_page_or_api_response_identifies_a_candidate_or_dates_a_review(
    client, public_data, language
):
    candidates, agencies = public_data
    client.cookies["django_language"] = language
    pages = crawl(client)

    # The crawl really reached the pages that show candidates' contributions.
    for agency in agencies:
        assert f"/agencies/{agency.slug}/" in pages
        assert f"/api/agencies/{agency.slug}/" in pages
    agency_page = pages[f"/agencies/{agencies[0].slug}/"]
    assert "Handled by the book" in agency_page
    assert "Thank you for the feedback." in agency_page

    for path, body in pages.items():
        for forbidden in forbidden_strings(candidates):
            assert forbidden not in body, f"{path} shows {forbidden!r}"
        for pattern in exact_times():
            assert not pattern.search(body), f"{path} shows {pattern.pattern!r}"


def test_the_api_carries_no_candidate_or_review_timestamp_field(client, public_data):
    _, agencies = public_data
    for path in (
        "/api/agencies/",
        f"/api/agencies/{agencies[0].slug}/",
        f"/api/agencies/{agencies[0].slug}/history/",
    ):
        text = json.dumps(client.get(path).json())
        for field in ("email", "candidate", "user", "submitted_at", "published_at", "author"):
            assert f'"{field}"' not in text, f"{path} has a {field!r} field"
