"""The public API serves agencies' scores as JSON, exactly as PRODUCT.md promises."""

import datetime
import re

import pytest
import yaml
from django.utils import timezone

from agencies.api import ORDERING_CHOICES
from agencies.api_throttling import AnonymousThrottle
from agencies.models import Agency, AgencyScore, ScoreSnapshot
from tests.factories import make_agency, make_engagement, make_review

pytestmark = pytest.mark.django_db

UPDATED = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
METRICS = {
    "reply_rate": 0.62,
    "median_reply_days": 3.5,
    "ghosting_rate": 0.25,
    "feedback_rate": 0.4,
    "follow_up_rate": None,
    "cv_harvest_rate": 0.1,
    "salary_fishing_rate": 0.0,
}


def score(agency: Agency, **fields) -> AgencyScore:
    """A score row as the scoring jobs would write it."""
    values = {
        "score": 71.5,
        "score_low": 64.0,
        "score_high": 78.25,
        "rank": 3,
        "engagements": 143,
        "rating": 4.25,
        "rating_count": 4,
        "updated_at": UPDATED,
        **METRICS,
    }
    return AgencyScore.objects.create(agency=agency, **(values | fields))


@pytest.fixture
def scored():
    agency = make_agency(
        name="Northbridge Talent",
        country="GB",
        city="Leeds",
        specialties=["technology", "finance"],
    )
    score(agency, flag_ghosting=True, flag_salary_fishing=True)
    return agency


def test_an_agency_carries_exactly_the_public_fields(client, scored):
    response = client.get(f"/api/agencies/{scored.slug}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "slug": scored.slug,
        "name": "Northbridge Talent",
        "country": "GB",
        "city": "Leeds",
        "specialties": ["finance", "technology"],
        "score": 71.5,
        "score_low": 64.0,
        "score_high": 78.25,
        "rank": 3,
        "engagements": 143,
        "metrics": METRICS,
        "flags": ["ghosting", "salary_fishing"],
        "rating": 4.25,
        "updated_at": "2026-03-04T05:06:07Z",
    }


def test_an_agency_without_enough_data_has_no_score_or_rank(client):
    agency = make_agency(name="Quiet Partners", country="ES")
    score(agency, score=None, score_low=None, score_high=None, rank=None, engagements=2)
    body = client.get(f"/api/agencies/{agency.slug}/").json()
    assert (body["score"], body["score_low"], body["score_high"], body["rank"]) == (None,) * 4
    assert body["engagements"] == 2


def test_an_agency_not_scored_yet_shows_nulls_zero_evidence_and_no_flags(client):
    agency = make_agency(name="Brand New Recruiting", country="FR", city="Lyon")
    response = client.get(f"/api/agencies/{agency.slug}/")
    assert response.status_code == 200
    assert response.json() == {
        "slug": agency.slug,
        "name": "Brand New Recruiting",
        "country": "FR",
        "city": "Lyon",
        "specialties": [],
        "score": None,
        "score_low": None,
        "score_high": None,
        "rank": None,
        "engagements": 0,
        "metrics": dict.fromkeys(METRICS),
        "flags": [],
        "rating": None,
        "updated_at": None,
    }
    assert not AgencyScore.objects.filter(agency=agency).exists()


def test_a_merged_agency_redirects_permanently_to_the_one_it_joined(client, scored):
    duplicate = make_agency(name="Northbridge Talent Ltd")
    Agency.objects.filter(pk=duplicate.pk).update(merged_into=scored)
    response = client.get(f"/api/agencies/{duplicate.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/api/agencies/{scored.slug}/"
    history = client.get(f"/api/agencies/{duplicate.slug}/history/")
    assert history.status_code == 301
    assert history["Location"] == f"/api/agencies/{scored.slug}/history/"


def test_a_merge_of_a_merge_redirects_to_the_final_agency(client, scored):
    middle = make_agency(name="Middle")
    first = make_agency(name="First")
    Agency.objects.filter(pk=first.pk).update(merged_into=middle)
    Agency.objects.filter(pk=middle.pk).update(merged_into=scored)
    response = client.get(f"/api/agencies/{first.slug}/")
    assert response["Location"] == f"/api/agencies/{scored.slug}/"


@pytest.mark.parametrize("slug", ["no-such-agency", "inactive"])
def test_an_unknown_or_inactive_agency_is_a_json_404(client, slug):
    make_agency(name="Inactive")
    Agency.objects.filter(slug="inactive").update(is_active=False)
    response = client.get(f"/api/agencies/{slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert client.get(f"/api/agencies/{slug}/history/").status_code == 404


def test_the_history_lists_monthly_snapshots_oldest_first(client, scored):
    for month, value in [(3, 70.0), (1, None), (2, 65.5)]:
        ScoreSnapshot.objects.create(
            agency=scored,
            month=datetime.date(2026, month, 1),
            score=value,
            score_low=None if value is None else value - 5,
            score_high=None if value is None else value + 5,
            engagements=month * 10,
            metrics={"reply_rate": 0.5},
        )
    response = client.get(f"/api/agencies/{scored.slug}/history/")
    assert response.status_code == 200
    assert response.json() == [
        {"month": "2026-01-01", "score": None, "score_low": None, "score_high": None,
         "engagements": 10},
        {"month": "2026-02-01", "score": 65.5, "score_low": 60.5, "score_high": 70.5,
         "engagements": 20},
        {"month": "2026-03-01", "score": 70.0, "score_low": 65.0, "score_high": 75.0,
         "engagements": 30},
    ]  # fmt: skip


# --- The list ---------------------------------------------------------------------------


@pytest.fixture
def ranking():
    """Four listed agencies (one unscored), one inactive and one merged away."""
    best = make_agency(name="Alpha Best", country="GB", city="Leeds", specialties=["technology"])
    score(best, score=90.0, score_low=85.0, score_high=95.0, rank=1, engagements=50,
          reply_rate=0.9, rating=None)  # fmt: skip
    middle = make_agency(name="Zulu Middle", country="GB", city="London", specialties=["sales"])
    score(middle, score=60.0, score_low=50.0, score_high=70.0, rank=2, engagements=8,
          reply_rate=0.3, rating=4.5)  # fmt: skip
    thin = make_agency(name="Mike Thin", country="ES", city="Madrid", specialties=["technology"])
    score(thin, score=None, score_low=None, score_high=None, rank=None, engagements=2,
          reply_rate=None, rating=2.0)  # fmt: skip
    make_agency(name="Bravo Unscored", country="ES", city="leeds")
    inactive = make_agency(name="Hidden Inactive", country="GB")
    Agency.objects.filter(pk=inactive.pk).update(is_active=False)
    merged = make_agency(name="Alpha Best Duplicate", country="GB")
    Agency.objects.filter(pk=merged.pk).update(merged_into=best)
    return best


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [agency["name"] for agency in response.json()["results"]]


def test_the_list_shows_listed_agencies_best_score_first_unscored_last(client, ranking):
    response = client.get("/api/agencies/")
    assert names(response) == ["Alpha Best", "Zulu Middle", "Mike Thin", "Bravo Unscored"]
    body = response.json()
    assert body["count"] == 4
    assert body["next"] is None and body["previous"] is None
    assert body["results"][0] == client.get(f"/api/agencies/{ranking.slug}/").json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "GB"}, ["Alpha Best", "Zulu Middle"]),
        ({"country": "es"}, ["Mike Thin", "Bravo Unscored"]),
        ({"city": "LEEDS"}, ["Alpha Best", "Bravo Unscored"]),
        ({"specialty": "technology"}, ["Alpha Best", "Mike Thin"]),
        ({"specialty": "technology", "country": "ES"}, ["Mike Thin"]),
        ({"min_engagements": "8"}, ["Alpha Best", "Zulu Middle"]),
        ({"min_engagements": "0"}, ["Alpha Best", "Zulu Middle", "Mike Thin", "Bravo Unscored"]),
        ({"search": "zulu"}, ["Zulu Middle"]),
        ({"search": "ALPHA"}, ["Alpha Best"]),
        ({"search": "nobody"}, []),
    ],
)
def test_the_list_filters(client, ranking, query, expected):
    assert names(client.get("/api/agencies/", query)) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("score", ["Zulu Middle", "Alpha Best", "Bravo Unscored", "Mike Thin"]),
        ("-score", ["Alpha Best", "Zulu Middle", "Bravo Unscored", "Mike Thin"]),
        ("reply_rate", ["Zulu Middle", "Alpha Best", "Bravo Unscored", "Mike Thin"]),
        ("-reply_rate", ["Alpha Best", "Zulu Middle", "Bravo Unscored", "Mike Thin"]),
        ("median_reply_days", ["Alpha Best", "Mike Thin", "Zulu Middle", "Bravo Unscored"]),
        ("ghosting_rate", ["Alpha Best", "Mike Thin", "Zulu Middle", "Bravo Unscored"]),
        ("-rating", ["Zulu Middle", "Mike Thin", "Alpha Best", "Bravo Unscored"]),
        ("rating", ["Mike Thin", "Zulu Middle", "Alpha Best", "Bravo Unscored"]),
        ("name", ["Alpha Best", "Bravo Unscored", "Mike Thin", "Zulu Middle"]),
        ("-name", ["Zulu Middle", "Mike Thin", "Bravo Unscored", "Alpha Best"]),
    ],
)
def test_the_list_orders_with_missing_values_last(client, ranking, ordering, expected):
    assert names(client.get("/api/agencies/", {"ordering": ordering})) == expected


@pytest.fixture
def ties() -> dict[str, list[str]]:
    """Agencies tied on score, engagements, reply rate or name; some have a null score, two
    were never scored. Returns each name's slugs, oldest agency first."""
    slugs: dict[str, list[str]] = {}

    def add(name: str, value: float | None = None, engagements: int | None = None, **fields):
        agency = make_agency(name=name)
        if engagements is not None:
            score(agency, score=value, score_low=value, score_high=value,
                  engagements=engagements, **fields)  # fmt: skip
        slugs.setdefault(name, []).append(agency.slug)

    add("Delta", 80.0, 10, reply_rate=0.5)
    add("Bravo", 80.0, 10, reply_rate=None)
    add("Alpha", 80.0, 20, reply_rate=0.5)
    add("Twin", 60.0, 5, reply_rate=0.9)
    add("Echo", 60.0, 5, reply_rate=None)
    add("Twin", 60.0, 5, reply_rate=0.9)
    add("Golf", None, 4, reply_rate=0.7)
    add("Hotel", None, 9, reply_rate=None)
    add("Foxtrot", None, 4, reply_rate=None)
    add("India")
    add("Charlie")
    return slugs


def every_page(client, query: dict, size: int) -> list[str]:
    """The slugs on every page of ``size``, first to last; each page counts all of them."""
    slugs, page, counts = [], 1, set()
    while page:
        body = client.get("/api/agencies/", {**query, "page_size": size, "page": page}).json()
        slugs += [agency["slug"] for agency in body["results"]]
        counts.add(body["count"])
        page = page + 1 if body["next"] else None
    assert counts == {len(slugs)}
    return slugs


def in_order(ties: dict[str, list[str]], *names: str) -> list[str]:
    """The slugs of ``names``, a repeated name's agencies oldest first."""
    taken = {name: iter(slugs) for name, slugs in ties.items()}
    return [next(taken[name]) for name in names]


# Without a filter on the agency's own columns the list is read from the score side; with one,
# from the agency side. Both give one order.
BOTH_SIDES = pytest.mark.parametrize("query", [{}, {"country": "GB"}], ids=["all", "filtered"])


@BOTH_SIDES
def test_ties_on_score_go_to_more_engagements_then_name_then_the_older_agency(client, ties, query):
    assert every_page(client, query, 2) == in_order(
        ties, "Alpha", "Bravo", "Delta", "Echo", "Twin", "Twin",
        # A null score: by engagements; never scored (no engagements counted) last, by name.
        "Hotel", "Foxtrot", "Golf", "Charlie", "India",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ordering", "first"),
    [
        ("-reply_rate", ["Twin", "Twin", "Golf", "Alpha", "Delta"]),
        ("reply_rate", ["Alpha", "Delta", "Golf", "Twin", "Twin"]),
    ],
)
@BOTH_SIDES
def test_agencies_without_the_sorted_value_come_last_by_name_scored_or_not(
    client, ties, ordering, first, query
):
    without = ["Bravo", "Charlie", "Echo", "Foxtrot", "Hotel", "India"]
    walked = every_page(client, query | {"ordering": ordering}, 3)
    assert walked == in_order(ties, *first, *without)


@BOTH_SIDES
def test_a_first_page_reaching_unscored_agencies_shows_null_scores_before_never_scored(
    client, query
):
    score(make_agency(name="Zulu Scored"), score=80.0, score_low=80.0, score_high=80.0)
    for name, engagements in [("Yankee Thin", 3), ("Xray Thin", 7)]:
        score(make_agency(name=name), score=None, score_low=None, score_high=None,
              rank=None, engagements=engagements)  # fmt: skip
    make_agency(name="Alpha New")
    make_agency(name="Bravo New")
    response = client.get("/api/agencies/", query | {"page_size": 3})
    assert names(response) == ["Zulu Scored", "Xray Thin", "Yankee Thin"]
    assert response.json()["count"] == 5


@pytest.mark.parametrize("size", [1, 2, 3])
@pytest.mark.parametrize(
    "query",
    [{}, {"min_engagements": "5"}, {"country": "GB"}, {"search": "o"}],
    ids=["all", "min_engagements", "country", "search"],
)
@pytest.mark.parametrize("ordering", [None, *ORDERING_CHOICES])
def test_walking_the_pages_shows_every_agency_once_in_the_order_of_one_page(
    client, ties, size, query, ordering
):
    query = query | ({"ordering": ordering} if ordering else {})
    one_page = client.get("/api/agencies/", query | {"page_size": 100}).json()
    assert one_page["count"] == len(one_page["results"]) > 0
    assert every_page(client, query, size) == [agency["slug"] for agency in one_page["results"]]


def test_a_page_past_the_last_is_a_404_even_right_after_a_full_one(client, ties):
    assert len(client.get("/api/agencies/", {"page_size": 11}).json()["results"]) == 11
    assert client.get("/api/agencies/", {"page_size": 11, "page": 2}).status_code == 404
    assert client.get("/api/agencies/", {"page_size": 5, "page": 4}).status_code == 404


def test_an_empty_list_is_one_empty_page(client):
    body = client.get("/api/agencies/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get("/api/agencies/", {"page": 2}).status_code == 404


def test_the_list_is_paginated_by_page_number(client):
    for number in range(7):
        make_agency(name=f"Agency {number:02}")
    first = client.get("/api/agencies/", {"page_size": "3", "ordering": "name"}).json()
    assert first["count"] == 7
    assert [a["name"] for a in first["results"]] == ["Agency 00", "Agency 01", "Agency 02"]
    assert "page=2" in first["next"]
    last = client.get("/api/agencies/", {"page_size": "3", "page": "3", "ordering": "name"})
    assert names(last) == ["Agency 06"]
    assert client.get("/api/agencies/", {"page": "9"}).status_code == 404


def test_pages_hold_fifty_agencies_and_at_most_a_hundred(client):
    Agency.objects.bulk_create(
        Agency(name=f"Bulk {n:03}", slug=f"bulk-{n:03}", name_key=f"bulk {n:03}", country="GB")
        for n in range(120)
    )
    assert len(client.get("/api/agencies/").json()["results"]) == 50
    assert len(client.get("/api/agencies/", {"page_size": "100"}).json()["results"]) == 100
    assert client.get("/api/agencies/", {"page_size": "101"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"country": "XX"},
        {"country": "Spain"},
        {"country": "ÉS"},
        {"specialty": "knitting"},
        {"min_engagements": "many"},
        {"min_engagements": "-1"},
        {"min_engagements": "99999999999999999999"},
        {"ordering": "password"},
        {"ordering": "score;drop table"},
        {"page": "two"},
        {"page": "0"},
        {"page": "-1"},
        {"page_size": "lots"},
        {"page_size": "0"},
        {"search": "x" * 101},
        {"city": "c" * 121},
        {"search": "\x00"},
        {"specialty": ""},
        {"country": ""},
        {"min_engagements": ""},
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, query):
    response = client.get("/api/agencies/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == set(query)


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_the_list_runs_the_same_queries_whatever_the_number_of_agencies(
    client, django_assert_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            agency = make_agency(specialties=["technology", "sales"])
            score(agency)

    add(5)
    # One statement: the page of agencies with their scores and specialties, and the count.
    with django_assert_num_queries(1):
        assert len(client.get("/api/agencies/").json()["results"]) == 5
    add(55)
    with django_assert_num_queries(1):
        assert len(client.get("/api/agencies/").json()["results"]) == 50
    with django_assert_num_queries(1):
        assert len(client.get("/api/agencies/", {"page": "2"}).json()["results"]) == 10


def test_an_agency_takes_two_queries(client, scored, django_assert_num_queries):
    with django_assert_num_queries(2):  # the agency with its score, its specialties
        client.get(f"/api/agencies/{scored.slug}/")


def test_no_response_contains_candidate_data(client, scored):
    candidate_email = "private.candidate@example.com"
    engagement = make_engagement(agency=scored)
    engagement.candidate.email = candidate_email
    engagement.candidate.save()
    make_review(engagement=engagement, text="A very private account of an interview.")
    bodies = [
        client.get(url).content.decode()
        for url in [
            "/api/agencies/",
            f"/api/agencies/{scored.slug}/",
            f"/api/agencies/{scored.slug}/history/",
        ]
    ]
    for body in bodies:
        assert candidate_email not in body
        assert "private account" not in body
        assert "candidate" not in body


# --- Throttling, schema and docs ---------------------------------------------------------


def test_anonymous_clients_are_throttled_with_a_json_429(client, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}
    }
    for _ in range(3):
        assert client.get("/api/agencies/").status_code == 200
    response = client.get("/api/agencies/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0
    # Another address has its own allowance.
    assert client.get("/api/agencies/", REMOTE_ADDR="192.0.2.9").status_code == 200


@pytest.mark.parametrize("counted_in", ["the Django cache", "Redis"])
def test_a_throttled_address_is_let_in_again_when_its_window_ends(
    client, settings, monkeypatch, redis_url, counted_in
):
    if counted_in == "Redis":
        backend = "agencyrank.cache.ClientKeepingRedisCache"
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": redis_url}}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}
    }
    clock = [1_800_000_010.0]  # ten seconds into a minute
    monkeypatch.setattr(AnonymousThrottle, "timer", lambda self: clock[0])

    assert [client.get("/api/agencies/").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/api/agencies/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"

    clock[0] += 50  # the next minute
    assert client.get("/api/agencies/").status_code == 200


def test_the_schema_is_openapi_and_describes_the_agency_object(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/agencies/", "/api/agencies/{slug}/", "/api/agencies/{slug}/history/"} <= set(
        schema["paths"]
    )
    agency = schema["components"]["schemas"]["Agency"]["properties"]
    assert set(agency) == {
        "slug", "name", "country", "city", "specialties", "score", "score_low", "score_high",
        "rank", "engagements", "metrics", "flags", "rating", "updated_at",
    }  # fmt: skip
    list_parameters = {p["name"] for p in schema["paths"]["/api/agencies/"]["get"]["parameters"]}
    assert {"country", "city", "specialty", "min_engagements", "search", "ordering", "page"} <= (
        list_parameters
    )
    as_json = client.get("/api/schema/", {"format": "json"})
    assert as_json.json()["paths"].keys() == schema["paths"].keys()


def test_the_schema_is_valid_openapi(client):
    from drf_spectacular.validation import validate_schema

    validate_schema(yaml.safe_load(client.get("/api/schema/").content))


def test_the_docs_page_uses_vendored_assets_and_no_inline_code(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in page and " style=" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts
    sources = []
    for attributes, body in scripts:
        assert body.strip() == "", "inline script"
        sources.append(re.search(r'src="([^"]+)"', attributes).group(1))
    links = re.findall(r'<link[^>]*href="([^"]+)"', page)
    for url in sources + links:
        assert url.startswith("/"), f"{url} is not served by the site"
    start_up = next(url for url in sources if "script" in url.split("?", 1)[-1])
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert "/api/schema/" in script.content.decode()
    for url in [url for url in sources + links if url.startswith("/static/")]:
        assert client.get(url).status_code == 200, url


def test_the_api_refuses_writes(client, scored):
    response = client.post(f"/api/agencies/{scored.slug}/", {}, content_type="application/json")
    assert response.status_code == 405
    assert Agency.objects.filter(pk=scored.pk).exists()


def test_updated_at_follows_the_score(client):
    agency = make_agency()
    now = timezone.now()
    score(agency, updated_at=now)
    body = client.get(f"/api/agencies/{agency.slug}/").json()
    assert datetime.datetime.fromisoformat(body["updated_at"]) == now
