"""Signing in from a real browser, with a code from an authenticator app where staff pages
require one."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import Page, expect

from reviews.moderation import moderator_grant
from tests.factories import make_user


def current_code(secret: str) -> str:
    """What an authenticator app shows for ``secret`` right now."""
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def moderator_with_app(*, email: str, password: str) -> str:
    """A moderator with an authenticator app, as every staff page requires; its secret."""
    moderator = make_user(email=email, password=password)
    moderator_grant(user=moderator)
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    return secret


def sign_in(page: Page, base: str, email: str, password: str, next_path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In").click()


def sign_in_with_code(
    page: Page, base: str, email: str, password: str, secret: str, next_path: str
) -> None:
    """Sign in, then give the authenticator app's current code when asked for it."""
    sign_in(page, base, email, password, next_path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.locator("input[name=code]").fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()
