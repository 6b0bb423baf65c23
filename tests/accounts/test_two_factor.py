"""Two-factor authentication: open to every account, required of staff before staff pages."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail

from accounts.models import User
from tests.accounts.two_factor import (
    PASSWORD,
    activate_totp,
    code_for,
    open_set_up_page,
    sign_in,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def codes_from_the_neighbouring_period_count(settings):
    # A code made in the last instant of a 30-second period must still pass a moment later.
    settings.MFA_TOTP_TOLERANCE = 1


def a_wrong_code_for(secret: str) -> str:
    return f"{(int(code_for(secret)) + 500_000) % 1_000_000:06d}"


def set_up_authenticator(client) -> str:
    """Go through the set-up page as a signed-in person would; returns the app's secret."""
    secret = open_set_up_page(client).context["form"].secret
    response = client.post(ACTIVATE, {"code": code_for(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- Everyone may turn it on --------------------------------------------------------------


def test_the_account_area_links_to_two_factor_authentication(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    page = client.get("/accounts/email/").content.decode()
    assert '<a href="/accounts/2fa/">Two-factor authentication</a>' in page
    two_factor = client.get("/accounts/2fa/").content.decode()
    assert "Off: signing in asks for your password only." in two_factor


def test_a_candidate_sets_up_an_authenticator_app_by_scanning_a_qr_code(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    page = open_set_up_page(client)
    secret = page.context["form"].secret
    html = page.content.decode()
    assert 'class="qr-code" src="data:image/svg+xml;base64,' in html
    assert f'<code class="totp-secret" id="authenticator-secret">{secret}</code>' in html

    response = client.post(ACTIVATE, {"code": code_for(secret)})

    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert has_authenticator_app(user)
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert codes_page.count("<li><code>") == 10
    assert "On: signing in asks for a code" in client.get("/accounts/2fa/").content.decode()


def test_turning_it_on_asks_for_the_password_again_first(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    response = client.get(ACTIVATE)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    refused = client.post(
        "/accounts/reauthenticate/?next=" + ACTIVATE, {"password": "not-my-password"}
    )
    assert refused.status_code == 200
    assert client.get(ACTIVATE)["Location"].startswith("/accounts/reauthenticate/")


def test_a_wrong_code_does_not_turn_it_on(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    secret = open_set_up_page(client).context["form"].secret
    response = client.post(ACTIVATE, {"code": a_wrong_code_for(secret)})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not has_authenticator_app(user)


def test_with_two_factor_on_the_password_alone_does_not_sign_in(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    secret = activate_totp(user)

    response = sign_in(client, "cand@example.com")

    assert response["Location"] == AUTHENTICATE
    assert client.get("/experiences/").status_code == 302
    assert client.post(AUTHENTICATE, {"code": a_wrong_code_for(secret)}).status_code == 200
    assert client.get("/experiences/").status_code == 302
    assert client.post(AUTHENTICATE, {"code": code_for(secret)}).status_code == 302
    assert client.get("/experiences/").status_code == 200


def test_a_recovery_code_stands_in_for_a_lost_phone_once(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    activate_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]

    sign_in(client, "cand@example.com")
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    assert client.get("/experiences/").status_code == 200
    client.post("/accounts/logout/")

    sign_in(client, "cand@example.com")
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 200
    assert client.get("/experiences/").status_code == 302


# --- Staff must turn it on ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/reviews/review/", "/admin/accounts/user/"])
def test_staff_without_two_factor_are_sent_to_set_it_up_before_the_admin(client, url):
    make_user(email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    sign_in(client, "staff@example.com")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    page = client.get(ACTIVATE, follow=True).content.decode()
    assert "Staff accounts need two-factor authentication." in page


def test_once_staff_set_it_up_the_admin_opens(client):
    make_user(email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    sign_in(client, "staff@example.com")
    assert client.get("/admin/").status_code == 302
    set_up_authenticator(client)
    assert client.get("/admin/").status_code == 200


def test_an_admin_made_with_createsuperuser_confirms_the_email_then_sets_up_the_app(client):
    User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    response = sign_in(client, "root@example.com", next_url="/admin/")
    assert response["Location"] == "/accounts/confirm-email/"
    link = re.search(r"https?://[^/\s]+(/accounts/[^\s]+/)", mail.outbox[-1].body).group(1)
    assert client.post(link)["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == ACTIVATE
    set_up_authenticator(client)
    assert client.get("/admin/").status_code == 200


def test_staff_with_two_factor_sign_in_with_a_code_and_land_in_the_admin(client):
    staff = make_user(
        email="staff@example.com", password=PASSWORD, is_staff=True, is_superuser=True
    )
    secret = activate_totp(staff)

    assert sign_in(client, "staff@example.com", next_url="/admin/")["Location"] == AUTHENTICATE
    response = client.post(AUTHENTICATE, {"code": code_for(secret)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("url", ["/", "/experiences/", "/accounts/email/", "/accounts/2fa/"])
def test_staff_without_two_factor_still_use_the_rest_of_the_site(client, url):
    make_user(email="staff@example.com", password=PASSWORD, is_staff=True)
    sign_in(client, "staff@example.com")
    assert client.get(url).status_code == 200


def test_the_two_factor_page_tells_staff_it_is_required(client):
    make_user(email="staff@example.com", password=PASSWORD, is_staff=True)
    sign_in(client, "staff@example.com")
    page = client.get("/accounts/2fa/").content.decode()
    assert "Staff accounts need it" in page


def test_candidates_are_never_asked_for_two_factor(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    assert client.get("/experiences/").status_code == 200
    # The admin refuses them outright; they are not sent to set anything up.
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert ACTIVATE not in [url for url, _ in response.redirect_chain]


def test_a_superuser_without_the_staff_flag_needs_two_factor_as_well(client):
    make_user(email="root@example.com", password=PASSWORD, is_superuser=True)
    sign_in(client, "root@example.com")
    assert client.get("/admin/")["Location"] == ACTIVATE


@pytest.mark.urls("tests.accounts.staff_urls")
@pytest.mark.parametrize("url", ["/staff-area/", "/moderation/queue/"])
def test_every_staff_area_needs_two_factor_not_only_the_admin(client, url):
    staff = make_user(email="staff@example.com", password=PASSWORD, is_staff=True)
    sign_in(client, "staff@example.com")
    assert client.get(url)["Location"] == ACTIVATE
    activate_totp(staff)
    assert client.get(url).status_code == 200


# --- The pages live in the site's layout and run no inline code ---------------------------


def assert_site_page_without_inline_code(response):
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    page = response.content.decode()
    assert 'class="brand"' in page
    assert "<script" not in page
    assert " style=" not in page and "<style" not in page
    assert " onclick=" not in page and " onload=" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/email/",
        "/accounts/password/change/",
    ],
)
def test_account_pages_use_the_sites_layout_without_inline_code(client, url):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    assert_site_page_without_inline_code(client.get(url))


def test_the_set_up_page_uses_the_sites_layout_without_inline_code(client):
    make_user(email="cand@example.com", password=PASSWORD)
    sign_in(client, "cand@example.com")
    assert_site_page_without_inline_code(open_set_up_page(client))


def test_two_factor_pages_once_on_use_the_sites_layout_without_inline_code(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    secret = activate_totp(user)
    RecoveryCodes.activate(user)
    sign_in(client, "cand@example.com")
    assert_site_page_without_inline_code(client.get(AUTHENTICATE))
    client.post(AUTHENTICATE, {"code": code_for(secret)})
    assert_site_page_without_inline_code(client.get("/accounts/2fa/reauthenticate/"))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    for url in [
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
    ]:
        assert_site_page_without_inline_code(client.get(url))


def test_deleting_the_account_erases_its_two_factor_keys(client):
    user = make_user(email="cand@example.com", password=PASSWORD)
    secret = activate_totp(user)
    RecoveryCodes.activate(user)
    sign_in(client, "cand@example.com")
    client.post(AUTHENTICATE, {"code": code_for(secret)})
    page = client.get("/accounts/delete/").content.decode()
    assert "the authenticator app's key and your recovery codes" in page

    client.post("/accounts/delete/", {"password": PASSWORD})

    assert not Authenticator.objects.filter(user_id=user.pk).exists()
