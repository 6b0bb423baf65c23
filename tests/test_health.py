"""/healthz tells load balancers whether this process can serve."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_the_database_and_a_real_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_jobs_in_process_without_a_broker(client, settings):
    settings.CELERY_BROKER_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "in-process"}


def test_healthz_stays_up_but_degraded_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "unreachable"},
    }


# A separate process, so that the failing database is real and not this test's.
UNREACHABLE_DATABASE_PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"code": response.status_code, "body": response.json()}))
"""


@pytest.mark.django_db(False)
def test_healthz_answers_503_when_the_database_is_unreachable():
    environ = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME"}} | {
        "DJANGO_SETTINGS_MODULE": "agencyrank.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/agencyrank",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_DATABASE_PROBE],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["code"] == 503
    assert answer["body"] == {
        "status": "unavailable",
        "checks": {"database": "unreachable", "broker": "in-process"},
    }


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
