"""docker-compose.yml describes the production deployment the README promises."""

import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import IN_CI, PROJECT_DIR

COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
REQUIRED_VARIABLES = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "agencyrank.example",
    "POSTGRES_PASSWORD": "compose-test",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    "SITE_URL": "https://agencyrank.example",
}


def compose_config(environ: dict[str, str]) -> subprocess.CompletedProcess | None:
    """``docker-compose config`` with only ``environ`` set; None when the tool is missing."""
    tool = shutil.which("docker-compose")
    if tool is None:
        if IN_CI:
            pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
        return None
    return subprocess.run(
        [tool, "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **environ},
        check=False,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict:
    """The file as docker-compose resolves it, or parsed as plain YAML without the tool."""
    result = compose_config(REQUIRED_VARIABLES)
    if result is None:
        return yaml.safe_load(COMPOSE_FILE.read_text())
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def command_of(service: dict) -> str:
    command = service.get("command", "")
    return command if isinstance(command, str) else " ".join(command)


def test_compose_runs_web_worker_beat_postgres_and_redis(compose):
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(compose["services"])
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_web_is_gunicorn_and_is_health_checked_on_healthz(compose):
    web = compose["services"]["web"]
    # Only the proxy on the host reaches gunicorn, so forwarded headers can be trusted.
    assert (
        web["ports"][0]["host_ip"] == "127.0.0.1"
        if isinstance(web["ports"][0], dict)
        else (web["ports"][0].startswith("127.0.0.1:"))
    )
    assert command_of(web).startswith("gunicorn agencyrank.wsgi:application")
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_worker_consumes_the_default_and_scores_queues(compose):
    command = command_of(compose["services"]["worker"])
    assert command.startswith("celery -A agencyrank worker")
    assert "--queues=default,scores" in command


def test_there_is_exactly_one_beat(compose):
    beat = compose["services"]["beat"]
    assert command_of(beat).startswith("celery -A agencyrank beat")
    assert beat["deploy"]["replicas"] == 1
    others = [
        name
        for name, s in compose["services"].items()
        if name != "beat" and " beat" in command_of(s)
    ]
    assert others == []


def test_app_services_run_in_production_mode_and_wait_for_migrations(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["environment"]["AGENCYRANK_PRODUCTION"] == "true"
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert command_of(compose["services"]["migrate"]) == "python manage.py migrate --noinput"


def test_every_service_but_the_one_shot_migration_has_a_health_check_or_is_beat(compose):
    for name, service in compose["services"].items():
        if name in {"migrate", "beat"}:
            continue
        assert "healthcheck" in service, name


def test_compose_refuses_to_start_without_a_secret_key():
    result = compose_config({k: v for k, v in REQUIRED_VARIABLES.items() if k != "SECRET_KEY"})
    if result is None:
        pytest.skip("docker-compose is not installed")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
