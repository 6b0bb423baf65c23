"""Signing in resists guessing, and sessions cannot be fixed or replayed, the admin included."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from tests.accounts.two_factor import PASSWORD, activate_totp, code_for, sign_in
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts. Try again later."
# ACCOUNT_RATE_LIMITS["login_failed"] in agencyrank/settings.py.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 10
SIGN_IN_POSTS_PER_ADDRESS = 30  # ACCOUNT_RATE_LIMITS["login"]


def is_signed_in(client) -> bool:
    return client.get("/experiences/").status_code == 200


def session_exists(key: str) -> bool:
    return Session.objects.filter(session_key=key).exists()


def replay(key: str) -> Client:
    """Another browser that presents ``key`` as its session cookie."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    return other


# --- Failed sign-ins are limited ----------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client):
    make_user(email="target@example.com", password=PASSWORD)
    for _ in range(FAILURES_PER_ACCOUNT):
        wrong = sign_in(client, "target@example.com", "a-wrong-guess")
        assert "not correct" in wrong.content.decode()

    response = sign_in(client, "target@example.com")

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)


def test_guessing_at_one_account_from_many_addresses_is_limited_too(client):
    make_user(email="target@example.com", password=PASSWORD)
    for number in range(FAILURES_PER_ACCOUNT):
        sign_in(Client(REMOTE_ADDR=f"203.0.113.{number}"), "target@example.com", "a-wrong-guess")

    response = sign_in(client, "target@example.com")

    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)


def test_guessing_at_one_account_does_not_lock_out_the_others(client):
    make_user(email="target@example.com", password=PASSWORD)
    make_user(email="colleague@example.com", password=PASSWORD)
    for _ in range(FAILURES_PER_ACCOUNT):
        sign_in(client, "target@example.com", "a-wrong-guess")
    assert sign_in(client, "colleague@example.com").status_code == 302
    assert is_signed_in(client)


def test_ten_failures_from_one_address_refuse_every_account_from_that_address(client):
    make_user(email="innocent@example.com", password=PASSWORD)
    for number in range(FAILURES_PER_ADDRESS):
        sign_in(client, f"guess{number}@example.com", "a-wrong-guess")

    assert TOO_MANY in sign_in(client, "innocent@example.com").content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "innocent@example.com").status_code == 302


def test_a_successful_sign_in_does_not_wipe_earlier_failures(client):
    make_user(email="target@example.com", password=PASSWORD)
    for _ in range(FAILURES_PER_ACCOUNT - 1):
        sign_in(client, "target@example.com", "a-wrong-guess")
    assert sign_in(client, "target@example.com").status_code == 302
    client.post("/accounts/logout/")

    sign_in(client, "target@example.com", "a-wrong-guess")

    assert TOO_MANY in sign_in(client, "target@example.com").content.decode()


def test_more_than_thirty_sign_in_posts_a_minute_from_one_address_get_a_429(client):
    make_user(email="target@example.com", password=PASSWORD)
    for number in range(SIGN_IN_POSTS_PER_ADDRESS):
        sign_in(client, f"guess{number}@example.com", "a-wrong-guess")

    response = sign_in(client, "target@example.com")

    assert response.status_code == 429
    assert "Slow down a little" in response.content.decode()
    assert not is_signed_in(client)


# --- The admin signs in through the same form ---------------------------------------------


def test_the_admin_sends_visitors_to_the_sites_sign_in_form(client):
    response = client.get("/admin/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/",
        "/accounts/login/?next=%2Fadmin%2F",
    ]
    assert 'name="login"' in response.content.decode()


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client):
    make_staff(email="staff@example.com", password=PASSWORD, is_superuser=True)
    response = client.post("/admin/login/", {"username": "staff@example.com", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


def test_failed_admin_sign_ins_are_limited_like_any_other(client):
    staff = make_user(
        email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True
    )
    activate_totp(staff)
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(FAILURES_PER_ACCOUNT):
        client.post(login_url, {"login": "staff@example.com", "password": "a-wrong-guess"})

    response = client.post(login_url, {"login": "staff@example.com", "password": PASSWORD})

    assert TOO_MANY in response.content.decode()
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_a_signed_in_candidate_is_refused_the_admin_rather_than_sent_round_in_circles(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    assert client.get("/admin/", follow=True).status_code == 403


# --- Sessions change at sign-in and end at sign-out ---------------------------------------


def test_a_session_key_known_before_sign_in_is_worthless_after_it(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    before = client.session.session_key
    assert session_exists(before)

    sign_in(client, "cand@example.com")

    after = client.session.session_key
    assert after != before
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not session_exists(before)
    assert replay(before).get("/experiences/").status_code == 302
    assert replay(after).get("/experiences/").status_code == 200


def test_the_session_key_changes_when_the_two_factor_step_completes(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code from the closing instant of a period still counts
    user = make_user(email="cand@example.com", password=PASSWORD)
    secret = activate_totp(user)
    before = client.session.session_key

    sign_in(client, "cand@example.com")
    halfway = client.session.session_key
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    after = client.session.session_key

    assert after not in {before, halfway}
    assert not session_exists(halfway)
    assert replay(halfway).get("/experiences/").status_code == 302
    assert replay(after).get("/experiences/").status_code == 200


def test_signing_out_ends_the_session_on_the_server(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    key = client.session.session_key

    client.post("/accounts/logout/")

    assert not session_exists(key)
    assert SESSION_KEY not in client.session
    assert replay(key).get("/experiences/").status_code == 302
