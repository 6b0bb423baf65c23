"""The public pages render, with the security headers a serious site sends."""

import pytest

from tests.factories import make_agency, make_engagement, make_event, make_score, make_user

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_agencyrank_is_and_links_onward(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Which recruitment agencies actually get back to candidates?" in page
    assert 'href="/agencies/"' in page
    assert 'href="/experiences/"' in page
    assert "Log an experience" in page


def test_the_ranking_page_lists_agencies_with_their_location_and_specialties(client):
    make_agency(name="Northbridge Talent", country="GB", city="Leeds", specialties=["technology"])
    make_agency(name="Selección Ibérica", country="ES", city="Madrid")
    page = client.get("/agencies/").content.decode()
    assert "AgencyRank tracks 2 agencies." in page
    assert "Northbridge Talent" in page and "Leeds, United Kingdom" in page
    assert "Technology" in page


def test_the_ranking_page_searches_by_name(client):
    make_agency(name="Northbridge Talent")
    make_agency(name="Selección Ibérica")
    page = client.get("/agencies/", {"q": "north"}).content.decode()
    assert "Northbridge Talent" in page
    assert "Selección Ibérica" not in page


@pytest.mark.parametrize("agencies", [5, 60])
def test_the_ranking_page_runs_the_same_queries_whatever_the_number_of_agencies(
    client, django_assert_num_queries, agencies
):
    for number in range(agencies):
        agency = make_agency(name=f"Agency {number:03}", specialties=["technology", "sales"])
        if number % 2:
            make_score(agency=agency, score=50 + number % 40, rank=number, engagements=9)
    # The listed and ranked counts, then the page's agencies with scores and specialties.
    with django_assert_num_queries(2):
        response = client.get("/agencies/")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["a\x00b", "x" * 500, "%", "'; DROP TABLE agencies_agency; --"])
def test_odd_searches_never_fail(client, query):
    make_agency(name="Only One")
    assert client.get("/agencies/", {"q": query}).status_code == 200


def test_a_bad_page_number_shows_the_last_page_rather_than_failing(client):
    make_agency(name="Only One")
    response = client.get("/agencies/", {"page": "999"})
    assert response.status_code == 200
    assert "Only One" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/agencies/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"]
)
def test_pages_send_a_content_security_policy_and_need_no_inline_code(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = response.content.decode()
    assert "<script" not in page
    assert " style=" not in page and "<style" not in page
    assert " onclick=" not in page and " onload=" not in page


def test_my_experiences_asks_visitors_to_sign_in(client):
    response = client.get("/experiences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_experiences_lists_only_the_candidates_own_engagements(client):
    candidate = make_user()
    mine = make_engagement(candidate=candidate, role_title="Data engineer")
    make_event(engagement=mine, kind="applied")
    make_engagement(role_title="Someone else's role")
    client.force_login(candidate)
    page = client.get("/experiences/").content.decode()
    assert "Data engineer" in page
    assert "Someone else&#x27;s role" not in page and "Someone else's role" not in page


def test_an_unknown_page_is_a_404_in_the_sites_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="brand"' in page


def test_too_many_sign_in_attempts_get_the_friendly_429_page(client):
    # allauth allows 30 sign-in attempts a minute from one address.
    for _ in range(31):
        response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert "Slow down a little" in response.content.decode()
