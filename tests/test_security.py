"""Production answers over HTTPS only, and the trust rules are published in plain words."""

import json

import pytest

from reviews.models import ModerationReason
from tests.factories import make_engagement
from tests.test_settings import PRODUCTION, manage

# Requests made inside a production-mode process through Django's test client. Static files
# come from the plain storage there: the hashed manifest exists only after collectstatic.
PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings

storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    browser = Client(HTTP_HOST="agencyrank.example")
    plain = browser.get("/accounts/login/")
    proxied = browser.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": proxied.status_code,
    "hsts": proxied.get("Strict-Transport-Security"),
    "csp": proxied.get("Content-Security-Policy"),
    "cookies": {name: bool(cookie["secure"]) for name, cookie in proxied.cookies.items()},
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def production_probe(**change: str) -> dict:
    result = manage("shell", "-c", PROBE, **(PRODUCTION | change))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return production_probe()


def test_production_redirects_plain_http_to_https(production):
    assert production["plain"] == [301, "https://agencyrank.example/accounts/login/"]


def test_production_trusts_the_proxys_https_header_and_sends_hsts_for_subdomains(production):
    assert production["proxied"] == 200
    assert production["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_travel_over_https_only(production):
    assert production["cookies"] == {"csrftoken": True}
    assert production["session_cookie_secure"] is True


def test_production_pages_carry_a_content_security_policy_without_inline_code(production):
    assert "script-src 'self'" in production["csp"]
    assert "unsafe-inline" not in production["csp"]


def test_without_the_proxy_header_setting_a_forwarded_https_claim_is_not_believed():
    probe = production_probe(SECURE_PROXY_SSL_HEADER="false")
    assert probe["proxied"] == 301


# --- How we verify reviews ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_trust_page_is_linked_from_every_pages_footer(client):
    page = client.get("/").content.decode()
    assert '<a href="/how-we-verify/">How we verify reviews</a>' in page


@pytest.mark.django_db
def test_the_trust_page_states_the_rules_in_plain_words(client, settings):
    settings.SCORING_ACCOUNT_CAP = 3
    response = client.get("/how-we-verify/")
    assert response.status_code == 200
    page = response.content.decode()
    for rule in [
        "Every account has a verified e-mail address",
        "not suspended",
        "at most 3 engagements in that agency",
        "held until a moderator has looked at them",
        "Never because it is positive or negative about an agency",
        "the author is told the reason",
        "They never see who wrote it",
        "Moderators never delete a review",
    ]:
        assert rule in page, rule
    for reason in ModerationReason.labels:
        assert f"<li>{reason}</li>" in page


@pytest.mark.django_db
def test_the_trust_page_runs_no_inline_code(client):
    response = client.get("/how-we-verify/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<script" not in page and " style=" not in page


@pytest.mark.django_db
def test_the_review_form_links_to_the_trust_page(client):
    engagement = make_engagement()
    client.force_login(engagement.candidate)
    page = client.get(f"/experiences/{engagement.pk}/review/").content.decode()
    assert 'href="/how-we-verify/"' in page.split("<footer", 1)[0]
