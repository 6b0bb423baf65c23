"""Sign-up requires a verified e-mail, through allauth's real views and e-mails."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-42"


def sign_up(client, email="new.candidate@example.com"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_sign_up_page_uses_the_sites_layout(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'class="brand"' in page
    assert 'class="language-switcher"' in page
    assert 'name="password2"' in page


def test_sign_up_sends_a_verification_email_and_holds_the_account_until_verified(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.candidate@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.candidate@example.com"]
    assert mail.outbox[0].subject == "[AgencyRank] Confirm your e-mail address"
    # Not signed in yet: the logbook still asks to sign in.
    assert client.get("/experiences/").status_code == 302


def test_following_the_link_verifies_the_address_and_signs_in(client):
    sign_up(client)
    confirm_url = link_in(mail.outbox[0])
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.candidate@example.com").verified
    assert client.get("/experiences/").status_code == 200


def test_an_unverified_account_cannot_sign_in(client):
    make_user(email="waiting@example.com", password=PASSWORD, verified=False)
    response = client.post(
        "/accounts/login/", {"login": "waiting@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/experiences/").status_code == 302
    assert "Confirm" in mail.outbox[-1].subject or "confirm" in mail.outbox[-1].body.lower()


def test_a_verified_account_signs_in_and_out(client):
    make_user(email="known@example.com", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "KNOWN@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/experiences/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/experiences/").status_code == 302


def test_a_wrong_password_is_a_form_error_not_a_crash(client):
    make_user(email="known@example.com", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "known@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_a_working_link(client):
    make_user(email="forgetful@example.com", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])
    form_url = client.get(reset_url)["Location"]
    new_password = "another-long-passphrase-7"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert User.objects.get(email="forgetful@example.com").check_password(new_password)


def test_the_same_email_cannot_sign_up_twice_in_any_case(client):
    make_user(email="taken@example.com")
    sign_up(client, email="Taken@Example.com")
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_the_verification_email_has_a_text_and_an_html_body_with_the_same_link(client):
    sign_up(client)
    message = mail.outbox[0]
    link = link_in(message)
    assert "Hello from AgencyRank" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'{link}"' in html
    assert "Confirm my e-mail address" in html


def test_a_spanish_visitor_gets_the_verification_email_in_spanish(client):
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    sign_up(client)
    assert mail.outbox[0].subject == "[AgencyRank] Confirma tu dirección de correo electrónico"
    assert "Hola desde AgencyRank" in mail.outbox[0].body
