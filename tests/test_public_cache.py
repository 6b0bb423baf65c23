"""Anonymous visitors get public pages from the cache; any change to public data shows at once."""

import datetime
import threading

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency, AgencyScore, ScoreSnapshot
from agencies.scores import ranks_refresh, score_recompute, snapshots_take
from agencyrank.page_cache import GENERATION_KEY, bump_public_data_generation
from reviews.models import AgencyReply, Review, ReviewStatus
from tests.factories import (
    make_agency,
    make_engagement,
    make_event,
    make_review,
    make_score,
    make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def page(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def rename_behind_the_caches_back(agency: Agency, name: str) -> None:
    """A write that no service makes: the cache cannot know about it."""
    Agency.objects.filter(pk=agency.pk).update(name=name)


def agency_with_five_answered_engagements(name: str) -> Agency:
    """An agency whose logs, once scored, give it a score: five candidates answered in a day."""
    agency = make_agency(name=name)
    for _ in range(5):
        engagement = make_engagement(agency=agency, started_on=datetime.date(2026, 1, 5))
        make_event(engagement=engagement, kind="applied")
        make_event(engagement=engagement, kind="reply", occurred_on=datetime.date(2026, 1, 6))
    return agency


# What is cached, and for whom


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, django_assert_num_queries
):
    agency = make_agency(name="Cached Agency")
    make_score(agency=agency, score=66, rank=1, engagements=12)
    for url in ["/", "/agencies/?country=GB", f"/agencies/{agency.slug}/", "/how-scores-work/"]:
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200
        assert second.content == first.content


def test_the_cached_page_stays_as_it_was_until_public_data_changes(client):
    agency = make_agency(name="Old Name Ltd")
    page(client, f"/agencies/{agency.slug}/")
    rename_behind_the_caches_back(agency, "New Name Ltd")
    assert "Old Name Ltd" in page(client, f"/agencies/{agency.slug}/")


def test_each_query_string_is_its_own_page(client):
    make_agency(name="Leeds Recruiting", country="GB")
    make_agency(name="Madrid Selección", country="ES")
    spain = page(client, "/agencies/", data={"country": "ES"})
    britain = page(client, "/agencies/", data={"country": "GB"})
    assert "Madrid Selección" in spain and "Leeds Recruiting" not in spain
    assert "Leeds Recruiting" in britain and "Madrid Selección" not in britain


def test_each_language_has_its_own_cached_page(client):
    english = page(client, "/agencies/")
    spanish = page(client, "/agencies/", headers={"accept-language": "es"})
    assert "Agency rankings" in english
    assert "Clasificación de agencias" in spanish
    assert "Agency rankings" in page(client, "/agencies/")


def test_signed_in_people_always_get_a_fresh_page(client):
    agency = make_agency(name="Before Ltd")
    page(client, f"/agencies/{agency.slug}/")
    rename_behind_the_caches_back(agency, "After Ltd")
    member = Client()
    member.force_login(make_user())
    assert "After Ltd" in page(member, f"/agencies/{agency.slug}/")
    assert "Before Ltd" in page(client, f"/agencies/{agency.slug}/")


def test_a_visitor_with_a_message_waiting_sees_it_then_gets_cached_pages_again(client):
    agency = make_agency(name="Message Agency")
    url = f"/agencies/{agency.slug}/"
    page(Client(), url)
    client.force_login(make_user())
    client.post(reverse("account_logout"))
    assert CookieStorage.cookie_name in client.cookies
    assert "You have signed out." in page(client, url)
    rename_behind_the_caches_back(agency, "Renamed Agency")
    assert "You have signed out." not in page(client, url)
    assert "Message Agency" in page(client, url)  # anonymous again: the cached page


def test_pages_for_anonymous_visitors_carry_no_csrf_token_and_set_no_cookie(client):
    agency = make_agency(name="Tokenless")
    for url in ["/", "/agencies/", f"/agencies/{agency.slug}/", "/how-scores-work/"]:
        response = client.get(url)
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies, url


def test_the_language_switch_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/agencies/"})
    assert response.status_code == 302
    assert response["Location"] == "/agencies/"
    assert "Clasificación de agencias" in page(client, "/agencies/")


def test_cached_and_fresh_pages_vary_on_cookie_and_language_and_keep_the_security_headers(
    client,
):
    for _ in range(2):  # rendered, then from the cache
        response = client.get("/agencies/")
        vary = {value.strip() for value in response["Vary"].split(",")}
        assert {"Cookie", "Accept-Language"} <= vary
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_page_not_found_is_not_cached(client):
    assert client.get("/agencies/late-arrival/").status_code == 404
    Agency.objects.create(name="Late Arrival", slug="late-arrival", country="GB")
    assert "Late Arrival" in page(client, "/agencies/late-arrival/")


def test_the_sitemap_keeps_its_headers_when_served_from_the_cache(client):
    first = client.get("/sitemap.xml")
    second = client.get("/sitemap.xml")
    assert second.content == first.content
    assert second["Content-Type"] == "application/xml"
    assert second["X-Robots-Tag"] == first["X-Robots-Tag"]


def test_a_lifetime_of_zero_turns_the_cache_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    agency = make_agency(name="Uncached Ltd")
    page(client, f"/agencies/{agency.slug}/")
    rename_behind_the_caches_back(agency, "Renamed Ltd")
    assert "Renamed Ltd" in page(client, f"/agencies/{agency.slug}/")


# Invalidation: every write through our services and admin shows on the next visit


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_a_score_recomputed_through_the_service_shows_on_the_next_anonymous_visit(
    client, django_capture_on_commit_callbacks
):
    agency = agency_with_five_answered_engagements("Improving Agency")
    url = f"/agencies/{agency.slug}/"
    before = page(client, url)
    assert "No experience with this agency has been counted yet." in before
    with django_capture_on_commit_callbacks(execute=True):
        row = score_recompute(agency_id=agency.pk, today=TODAY)
        ranks_refresh()
    after = page(client, url)
    assert "ranked 1" in after
    assert f"{round(row.score)} ({round(row.score_low)}\N{EN DASH}" in after
    assert "Replied within 14 days to 100% of candidates&#x27; messages" in after


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_new_ranks_show_on_the_cached_ranking(client, django_capture_on_commit_callbacks):
    first = make_agency(name="Was First")
    second = make_agency(name="Was Second")
    make_score(agency=first, score=80, rank=1, engagements=9)
    make_score(agency=second, score=70, rank=2, engagements=9)
    ranking = page(client, "/agencies/")
    assert ranking.index("Was First") < ranking.index("Was Second")
    AgencyScore.objects.filter(agency=second).update(score=90, score_low=85, score_high=95)
    with django_capture_on_commit_callbacks(execute=True):
        ranks_refresh()
    ranking = page(client, "/agencies/")
    assert ranking.index("Was Second") < ranking.index("Was First")


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_a_monthly_snapshot_draws_the_trend_on_the_next_visit(
    client, django_capture_on_commit_callbacks
):
    agency = make_agency(name="Trending")
    make_score(agency=agency, score=60, rank=1, engagements=9)
    ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2026, 1, 1), score=50)
    assert "Score over time" not in page(client, f"/agencies/{agency.slug}/")
    with django_capture_on_commit_callbacks(execute=True):
        snapshots_take(month=datetime.date(2026, 2, 1))
    assert "Score over time" in page(client, f"/agencies/{agency.slug}/")


def test_a_new_agency_appears_in_the_cached_ranking(client, django_capture_on_commit_callbacks):
    assert "Brand New Agency" not in page(client, "/agencies/")
    with django_capture_on_commit_callbacks(execute=True):
        make_agency(name="Brand New Agency")
    assert "Brand New Agency" in page(client, "/agencies/")


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_an_agency_edited_in_the_admin_shows_its_new_name(
    client, django_capture_on_commit_callbacks
):
    agency = make_agency(name="Typo Recruitng", country="GB")
    url = f"/agencies/{agency.slug}/"
    page(client, url)
    staff = Client()
    staff.force_login(make_staff(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:agencies_agency_change", args=[agency.pk]),
            {
                "name": "Typo Recruiting",
                "slug": agency.slug,
                "website": "",
                "country": "GB",
                "city": "",
                "is_active": "on",
                "merged_into": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Typo Recruiting" in page(client, url)


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_an_agency_reply_added_in_the_admin_shows_on_the_agency_page(
    client, django_capture_on_commit_callbacks
):
    agency = make_agency(name="Replying Agency")
    review = make_review(engagement=make_engagement(agency=agency), text="Never heard back.")
    Review.objects.filter(pk=review.pk).update(
        status=ReviewStatus.PUBLISHED,
        published_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )
    url = f"/agencies/{agency.slug}/"
    assert "Never heard back." in page(client, url)
    staff = Client()
    staff.force_login(make_staff(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:reviews_agencyreply_add"),
            {"review": review.pk, "author": "", "text": "We are sorry; we have called you."},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AgencyReply.objects.filter(review=review).exists()
    assert "We are sorry; we have called you." in page(client, url)


# The public API


def test_the_api_serves_cached_data_without_a_query_but_still_throttles(
    client, settings, django_assert_num_queries
):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}
    }
    agency = make_agency(name="Api Agency")
    make_score(agency=agency, score=55, rank=1, engagements=9)
    first = client.get("/api/agencies/")
    with django_assert_num_queries(0):
        second = client.get("/api/agencies/")
        third = client.get("/api/agencies/")
    assert second.json() == third.json() == first.json()
    assert client.get("/api/agencies/").status_code == 429


@pytest.mark.parametrize("suffix", ["", "history/"])
@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_the_api_shows_a_recomputed_score_at_once(
    client, suffix, django_capture_on_commit_callbacks
):
    agency = agency_with_five_answered_engagements("Api Improver")
    list_before = client.get("/api/agencies/").json()
    detail_before = client.get(f"/api/agencies/{agency.slug}/{suffix}").json()
    with django_capture_on_commit_callbacks(execute=True):
        score_recompute(agency_id=agency.pk, today=TODAY)
        snapshots_take(month=TODAY)
    assert list_before["results"][0]["score"] is None
    assert client.get("/api/agencies/").json()["results"][0]["score"] is not None
    detail_after = client.get(f"/api/agencies/{agency.slug}/{suffix}").json()
    assert detail_after != detail_before


@pytest.mark.parametrize("url", ["/api/agencies/?page_size=1", "/api/agencies/{slug}/"])
def test_a_cached_api_answer_is_the_fresh_one_byte_for_byte_headers_included(
    client, settings, url, django_assert_num_queries
):
    agency = make_agency(name="Byte Agency")
    make_agency(name="Another Byte Agency")
    make_score(agency=agency, score=61, rank=1, engagements=7)
    url = url.format(slug=agency.slug)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = client.get(url)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached.content == fresh.content
    for header in ("Content-Type", "Allow", "Vary"):
        assert cached.get(header) == fresh.get(header), header
    assert cached["Content-Type"] == "application/json"
    assert cached["Allow"] == "GET, HEAD, OPTIONS"


def test_the_api_caches_each_accepted_json_indent_apart(client):
    make_score(agency=make_agency(name="Indented Agency"), score=61, rank=1, engagements=7)
    compact = client.get("/api/agencies/", HTTP_ACCEPT="application/json").content
    indented = client.get("/api/agencies/", HTTP_ACCEPT="application/json; indent=4").content
    assert b"\n" not in compact
    assert b'\n    "count": 1' in indented
    assert client.get("/api/agencies/", HTTP_ACCEPT="application/json").content == compact


def test_the_browsable_api_and_json_never_get_each_others_cached_bytes(
    client, monkeypatch, django_assert_num_queries
):
    from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

    from agencies.api import AgencyList

    monkeypatch.setattr(AgencyList, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    make_score(agency=make_agency(name="Negotiated Agency"), score=61, rank=1, engagements=7)
    as_json = client.get("/api/agencies/", HTTP_ACCEPT="application/json")
    as_html = client.get("/api/agencies/", HTTP_ACCEPT="text/html")
    assert as_html["Content-Type"].startswith("text/html")
    assert as_html.content.lstrip().startswith(b"<!DOCTYPE html>")
    with django_assert_num_queries(0):
        again_json = client.get("/api/agencies/", HTTP_ACCEPT="application/json")
    assert again_json.content == as_json.content
    assert again_json["Content-Type"] == "application/json"
    assert "Accept" in again_json["Vary"]
    # The HTML page is rendered for each visitor who asks (it shows their request): never stored.
    with CaptureQueriesContext(connections["default"]) as queries:
        again_html = client.get("/api/agencies/", HTTP_ACCEPT="text/html")
    assert again_html["Content-Type"].startswith("text/html")
    assert len(queries) > 0


def test_the_api_data_holds_links_for_the_host_that_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "api.example"]
    for number in range(3):
        make_agency(name=f"Paged {number}")
    first = client.get("/api/agencies/", {"page_size": 1}).json()
    other = client.get("/api/agencies/", {"page_size": 1}, HTTP_HOST="api.example").json()
    assert first["next"].startswith("http://testserver/")
    assert other["next"].startswith("http://api.example/")


# The generation


def test_changes_inside_a_transaction_bump_the_generation_again_on_commit(
    client, django_capture_on_commit_callbacks
):
    agency = Agency.objects.create(name="Transactional", slug="transactional", country="GB")
    url = f"/agencies/{agency.slug}/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            make_agency(name="One")
            make_agency(name="Two")
        # A page rendered now, before the commit, would show the data before it.
        page(client, url)
        rename_behind_the_caches_back(agency, "Committed Name")
    assert len(callbacks) == 1  # one bump on commit, however many changes
    assert "Transactional" in page(client, url)
    callbacks[0]()
    assert "Committed Name" in page(client, url)


def test_a_lost_generation_restarts_from_the_clock_and_old_pages_are_not_served(client):
    agency = make_agency(name="Evicted")
    url = f"/agencies/{agency.slug}/"
    page(client, url)
    cache.delete(GENERATION_KEY)
    rename_behind_the_caches_back(agency, "After Eviction")
    assert "After Eviction" in page(client, url)


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_while_a_change_commits_is_not_served_after_it():
    """A visitor reads the old data while a recompute is committing; the next visitor does not."""
    agency = agency_with_five_answered_engagements("Racing Agency")
    url = f"/agencies/{agency.slug}/"
    seen: list[str] = []

    def visit() -> None:
        try:
            seen.append(page(Client(), url))
        finally:
            connections.close_all()

    with transaction.atomic():
        score_recompute(agency_id=agency.pk, today=TODAY)
        ranks_refresh()
        # Another connection, as another web process would, renders and caches the page:
        # it cannot see the uncommitted score yet.
        visitor = threading.Thread(target=visit)
        visitor.start()
        visitor.join()
    assert "No experience with this agency has been counted yet." in seen[0]
    assert "ranked 1" in page(Client(), url)


def test_concurrent_bumps_all_count(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "agencyrank.cache.ClientKeepingRedisCache", "LOCATION": redis_url}
    }
    bump_public_data_generation()
    start = cache.get(GENERATION_KEY)

    def bump_many():
        for _ in range(25):
            bump_public_data_generation()

    threads = [threading.Thread(target=bump_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get(GENERATION_KEY) == start + 200


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_with_redis_a_hit_costs_no_query_and_a_change_still_shows(
    client, redis_url, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {"BACKEND": "agencyrank.cache.ClientKeepingRedisCache", "LOCATION": redis_url}
    }
    agency = make_agency(name="Shared Cache Agency")
    url = f"/agencies/{agency.slug}/"
    first = page(client, url)
    with django_assert_num_queries(0):
        assert page(client, url) == first
    api_first = client.get("/api/agencies/").json()
    with django_assert_num_queries(0):
        assert client.get("/api/agencies/").json() == api_first
    rename_behind_the_caches_back(agency, "Renamed Shared Agency")
    make_agency(name="Another Agency")  # through the service: every public page is stale
    assert "Renamed Shared Agency" in page(client, url)


@pytest.mark.django_db(transaction=True)
def test_with_redis_a_cached_api_answer_costs_one_round_trip_and_still_throttles(
    client, redis_url, settings, monkeypatch
):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "agencyrank.cache.ClientKeepingRedisCache", "LOCATION": redis_url}
    }
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "4/minute"}
    }
    make_agency(name="Round Trip Agency")
    first = client.get("/api/agencies/").json()
    round_trips = []
    real_pipeline, real_command = redis.client.Pipeline.execute, redis.Redis.execute_command
    monkeypatch.setattr(
        redis.client.Pipeline,
        "execute",
        lambda self, *args, **kwargs: (
            round_trips.append("pipeline") or real_pipeline(self, *args, **kwargs)
        ),
    )
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *args, **kwargs: (
            round_trips.append(args[0]) or real_command(self, *args, **kwargs)
        ),
    )
    # Counted by the throttle and read from the cache together.
    assert client.get("/api/agencies/").json() == first
    assert round_trips == ["pipeline"]
    # The requests read from the cache still count towards the address's allowance.
    assert [client.get("/api/agencies/").status_code for _ in range(3)] == [200, 200, 429]
