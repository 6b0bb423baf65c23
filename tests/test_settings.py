"""The site starts only with a sane environment, and production mode is locked down."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR

STRONG_KEY = "k" * 20 + "Z9y8X7w6V5u4T3s2R1q0P_-abcdefghijklmnop"
PRODUCTION = {
    "AGENCYRANK_PRODUCTION": "true",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "agencyrank.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/agencyrank",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "SITE_URL": "https://agencyrank.example",
}


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given settings variables."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=keep | environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_defaults_give_a_working_local_site():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG must be one of"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL must start with one of"),
        ({"CELERY_BROKER_URL": "http://broker"}, "CELERY_BROKER_URL must start with one of"),
        ({"DATABASE_CONN_MAX_AGE": "forever"}, "DATABASE_CONN_MAX_AGE must be a whole number"),
        ({"EMAIL_URL": "smtp://"}, "EMAIL_URL must name an SMTP host"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO"),
        ({"DATABASE_URL": "postgres://u:secret@h:notaport/db"}, "DATABASE_URL could not be read"),
        ({"REDIS_URL": "redis://[x"}, "REDIS_URL is not a valid URL"),
        ({"EMAIL_URL": "smtp://[x"}, "EMAIL_URL is not a valid URL"),
        ({"SITE_URL": "agencyrank.example"}, "SITE_URL must start with one of"),
        ({"CELERY_RESULT_BACKEND": "db+sqlite://"}, "CELERY_RESULT_BACKEND must start with"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be at least 0"),
    ],
)
def test_a_bad_value_stops_the_site_with_a_message_naming_the_variable(environ, message):
    result = manage("check", **environ)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set to a random value"),
        ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list the site's host names"),
        ({"DEBUG": "true"}, "DEBUG must be false when AGENCYRANK_PRODUCTION is true"),
        ({"SITE_URL": ""}, "SITE_URL must start with one of https://"),
        ({"SITE_URL": "http://agencyrank.example"}, "SITE_URL must start with one of https://"),
    ],
)
def test_production_mode_refuses_to_start_unsafely(change, message):
    result = manage("check", **(PRODUCTION | change))
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_bad_database_url_does_not_echo_its_password():
    result = manage("check", DATABASE_URL="postgres://u:hunter2@h:notaport/db")
    assert "hunter2" not in result.stderr


def test_production_counts_rate_limits_per_visitor_behind_one_proxy():
    script = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = manage("shell", "-c", script, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "1"
