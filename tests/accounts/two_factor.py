"""Sign-in steps shared by the two-factor and sign-in security tests."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

PASSWORD = "correct-horse-battery-42"


def code_for(secret: str) -> str:
    """The code an authenticator app shows right now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def activate_totp(user) -> str:
    """Turn on an authenticator app for ``user``; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client, email: str, password: str = PASSWORD, *, next_url: str = ""):
    """Post the site's sign-in form, as the browser does."""
    url = f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/"
    return client.post(url, {"login": email, "password": password})


def open_set_up_page(client, password: str = PASSWORD):
    """Open the authenticator set-up page, confirming the password first as it asks."""
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    if response.request["PATH_INFO"] == "/accounts/reauthenticate/":
        response = client.post(
            "/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/",
            {"password": password},
            follow=True,
        )
    assert response.request["PATH_INFO"] == "/accounts/2fa/totp/activate/"
    return response
