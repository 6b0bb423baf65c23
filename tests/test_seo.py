"""Search engines get a title, a description and one canonical address per public page."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from agencies.models import Agency, AgencyScore
from tests.factories import make_agency, make_score

pytestmark = pytest.mark.django_db

SITE = "https://agencyrank.example"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def head_of(client, url: str, **kwargs) -> dict[str, str]:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    page = response.content.decode()
    canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', page)
    assert len(canonical) == 1, url
    return {
        "title": re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip(),
        "description": re.search(r'<meta name="description" content="([^"]*)">', page).group(1),
        "canonical": canonical[0].replace("&amp;", "&"),
    }


def test_each_public_page_has_its_own_title_and_description(client):
    agency = make_agency(name="Northbridge Talent")
    heads = {
        url: head_of(client, url)
        for url in ["/", "/agencies/", f"/agencies/{agency.slug}/", "/how-scores-work/"]
    }
    titles = [head["title"] for head in heads.values()]
    descriptions = [head["description"] for head in heads.values()]
    assert len(set(titles)) == len(titles)
    assert len(set(descriptions)) == len(descriptions)
    assert heads[f"/agencies/{agency.slug}/"]["title"].startswith("Northbridge Talent")
    assert "Northbridge Talent" in heads[f"/agencies/{agency.slug}/"]["description"]
    assert heads["/how-scores-work/"]["title"].startswith("How scores work")
    assert all(head["description"] for head in heads.values())


def test_pages_name_their_canonical_address_on_the_site_url_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    agency = make_agency(name="Canonical Ltd")
    for url in ["/", f"/agencies/{agency.slug}/", "/how-scores-work/"]:
        assert head_of(client, url, HTTP_HOST="mirror.example")["canonical"] == SITE + url
    assert head_of(client, "/?utm_source=x")["canonical"] == f"{SITE}/"


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", "/agencies/"),
        ("?page=1", "/agencies/"),
        ("?sort=score", "/agencies/"),
        ("?q=&country=&city=&specialty=&min_evidence=&sort=", "/agencies/"),
        (
            "?sort=rating&page=1&city=Leeds&min_evidence=3&specialty=finance&country=GB&q=north",
            "/agencies/?q=north&country=GB&city=Leeds&specialty=finance&min_evidence=3&sort=rating",
        ),
        ("?country=XX&specialty=astrology&sort=nonsense", "/agencies/"),
        ("?utm_campaign=spring&country=ES", "/agencies/?country=ES"),
        ("?q=caf%C3%A9+%26+co", "/agencies/?q=caf%C3%A9+%26+co"),
    ],
)
def test_the_rankings_canonical_address_keeps_only_applied_filters_in_a_fixed_order(
    client, query, canonical
):
    assert head_of(client, f"/agencies/{query}")["canonical"] == SITE + canonical


def test_later_ranking_pages_keep_their_number_and_say_it_in_the_title(client):
    for number in range(55):
        make_agency(name=f"Paged Agency {number:02}", country="ES")
    head = head_of(client, "/agencies/?page=2&country=ES")
    assert head["canonical"] == f"{SITE}/agencies/?country=ES&page=2"
    assert head["title"].startswith("Agency rankings, page 2")
    # A page past the end shows the last one, and says so.
    assert head_of(client, "/agencies/?page=9")["canonical"] == f"{SITE}/agencies/?page=2"


def sitemap_entries(client, **kwargs) -> dict[str, str | None]:
    response = client.get("/sitemap.xml", **kwargs)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_the_public_pages_and_every_listed_agency(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    scored = make_agency(name="Scored Agency")
    make_score(agency=scored, score=70, rank=1, engagements=9)
    AgencyScore.objects.filter(agency=scored).update(
        updated_at=datetime.datetime(2026, 4, 3, 12, 0, tzinfo=datetime.UTC)
    )
    unscored = make_agency(name="Unscored Agency")
    closed = make_agency(name="Closed Agency")
    Agency.objects.filter(pk=closed.pk).update(is_active=False)
    merged = make_agency(name="Merged Agency")
    Agency.objects.filter(pk=merged.pk).update(merged_into=scored)

    entries = sitemap_entries(client, HTTP_HOST="mirror.example")
    assert entries == {
        f"{SITE}/": None,
        f"{SITE}/agencies/": None,
        f"{SITE}/how-we-verify/": None,
        f"{SITE}/how-scores-work/": None,
        f"{SITE}/agencies/{scored.slug}/": "2026-04-03",
        f"{SITE}/agencies/{unscored.slug}/": None,
    }


def test_the_sitemap_follows_a_site_url_served_under_a_path(client, settings):
    settings.SITE_URL = "http://example.org/rank"
    agency = make_agency(name="Prefixed")
    make_score(agency=agency, score=50, engagements=9)
    entries = sitemap_entries(client)
    assert f"http://example.org/rank/agencies/{agency.slug}/" in entries
    assert entries[f"http://example.org/rank/agencies/{agency.slug}/"] == (
        timezone.now().date().isoformat()
    )


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in [
        "/accounts/",
        "/experiences/",
        "/admin/",
        "/my-agencies/",
        "/moderation/",
        "/representatives/",
        "/reports/",
    ]:
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert not any(
        line == "Disallow: /" or line.startswith("Disallow: /agencies") for line in lines
    )
