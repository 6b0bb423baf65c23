"""Shared fixtures: a real browser (Debian's chromium), Redis, and small factories."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright runs an event loop in the test thread; Django's ORM calls from live-server tests
# are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium instead of a downloaded browser build."""
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def redis_url():
    """The Redis database reserved for tests (one per xdist worker), emptied after use."""
    import redis

    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(base.rsplit("/", 1)[1]) - int(worker.removeprefix("gw") or 0)
    url = f"{base.rsplit('/', 1)[0]}/{number}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"Redis is not reachable at {url}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached pages never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is deliberately slow; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in Spanish leaves Spanish active in this thread; start each test in English."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def rows_from_data_migrations(request, django_db_blocker):
    """Put back the rows data migrations create, after a transactional test flushed them.

    Tests marked ``django_db(transaction=True)`` end by emptying every table, including the
    specialties, the moderators' group and the kept count of listed agencies, which later
    tests rely on like the schema itself.
    """
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    from agencies.models import Agency, ListedAgencyCount, Specialty, SpecialtyCode

    with django_db_blocker.unblock():
        if Specialty.objects.count() < len(SpecialtyCode.values):
            importlib.import_module("agencies.migrations.0002_specialties").create_specialties(
                apps, None
            )
        if not Group.objects.filter(name="Moderators").exists():
            importlib.import_module("reviews.migrations.0006_moderators_group").create_group(
                apps, None
            )
        if connection.vendor == "postgresql" and not ListedAgencyCount.objects.exists():
            ListedAgencyCount.objects.create(listed=Agency.objects.listed().count())
    yield
