"""Settings helpers read the environment and name the variable when a value is bad."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from agencyrank.env import Env, mailer_from_url


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("Yes", True), (" on ", True), ("0", False), ("false", False), ("", False)],
)
def test_switches_accept_the_usual_words(raw, value):
    assert Env({"FLAG": raw}).bool("FLAG", not value) is value


def test_an_unset_switch_takes_its_default():
    assert Env({}).bool("FLAG", True) is True


def test_a_bad_switch_names_the_variable_and_the_value():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be one of .* got 'maybe'"):
        Env({"DEBUG": "maybe"}).bool("DEBUG", False)


def test_numbers_are_checked_against_their_minimum():
    assert Env({"N": "42"}).int("N", 1) == 42
    assert Env({"N": ""}).int("N", 7) == 7
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number; got 'ten'"):
        Env({"N": "ten"}).int("N", 1)
    with pytest.raises(ImproperlyConfigured, match="N must be at least 0; got -5"):
        Env({"N": "-5"}).int("N", 1, minimum=0)


def test_lists_drop_blanks():
    assert Env({"HOSTS": " a.example, ,b.example "}).list("HOSTS", []) == ["a.example", "b.example"]
    assert Env({}).list("HOSTS", ["x"]) == ["x"]


def test_urls_must_use_an_allowed_scheme():
    env = Env({"DATABASE_URL": "mysql://db/x"})
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with one of sqlite://"):
        env.url("DATABASE_URL", "sqlite:///x", schemes=("sqlite", "postgres"))


def test_console_email_is_the_local_default():
    assert mailer_from_url("EMAIL_URL", "console://") == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


def test_smtp_urls_become_mailer_options():
    mailer = mailer_from_url("EMAIL_URL", "smtp+tls://me%40x.example:s3cr%2Ft@mail.example:587")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example",
        "port": 587,
        "username": "me@x.example",
        "password": "s3cr/t",
        "use_ssl": False,
        "use_tls": True,
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("pigeon://coop", "EMAIL_URL must start with one of console://"),
        ("smtp://", "EMAIL_URL must name an SMTP host"),
        ("smtp://mail.example:port", "EMAIL_URL has an invalid port"),
        ("smtp://mail.example?timeout=soon", "EMAIL_URL has a non-numeric timeout"),
    ],
)
def test_bad_email_urls_are_explained(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        mailer_from_url("EMAIL_URL", url)
