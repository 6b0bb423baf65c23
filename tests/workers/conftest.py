"""A real Celery worker on the test Redis database, for the tests of the background jobs.

Everywhere else the suite runs jobs in-process (no broker, so ``task_always_eager``). These
fixtures point the project's one Celery app at Redis for a single test and put it back
afterwards, dropping the connections and result backend Celery cached for the other broker
(TESTING.md, "Celery in tests"), so that eager tests and worker tests share one pytest run in
either order.
"""

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from celery import signals

# Importing the module registers ``celery.ping``: start_worker's ping check needs it.
from celery.contrib.testing.tasks import ping
from celery.contrib.testing.worker import start_worker
from kombu import pools

from agencyrank.celery import app

# The worker takes page-triggered jobs and scoring jobs (CELERY_TASK_ROUTES).
QUEUES = ("default", "scores")
# Every wait is bounded: a job that never runs fails its test instead of hanging the suite.
WAIT_SECONDS = 20.0
# Nothing listens on port 9 (discard): connecting is refused at once.
DEAD_BROKER_URL = "redis://127.0.0.1:9/0"
CHANGED_CONF = ("broker_url", "result_backend", "task_always_eager")
# Celery reads these before app.conf; its logging setup writes the _MP_FORK_ ones.
CHANGED_ENVIRONMENT = (
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "_MP_FORK_LOGLEVEL_",
    "_MP_FORK_LOGFILE_",
    "_MP_FORK_LOGFORMAT_",
)


def wait_for[T](
    check: Callable[[], T], *, what: str | Callable[[], str], timeout: float = WAIT_SECONDS
) -> T:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout`` s.

    ``what`` names the awaited outcome; a callable is asked at the end, to say what was seen.
    """
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {described}", pytrace=False)
        time.sleep(0.1)
    return result


def forget_broker_connections() -> None:
    """Drop what Celery cached for the previous broker and result backend.

    Without this, the connection pool and producer pool built for the first broker URL, and
    the result backend cached per thread, keep being used after the URL changes.
    """
    pools.reset()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    app._local = threading.local()


def leave_logging_alone(**kwargs) -> None:
    """A ``setup_logging`` receiver: its presence stops an embedded worker reconfiguring
    the process's logging (it would raise the root level to ERROR for the rest of the run)."""


class CeleryOnRedis:
    """The project's Celery app on the test Redis database, and workers to run its jobs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = redis.Redis.from_url(url)
        self.finished: list[str] = []

    def record_finished(self, task=None, **kwargs) -> None:
        """A ``task_postrun`` receiver: remember each job a worker ran (not eager ones)."""
        if task is not None and not task.request.is_eager:
            self.finished.append(task.name)

    def runs_of(self, task) -> int:
        """How many times a worker has run ``task`` during this test."""
        return self.finished.count(task.name)

    def use_broker(self, url: str) -> None:
        """Send jobs to ``url`` from now on."""
        app.conf.broker_url = url
        forget_broker_connections()

    def queued(self, queue: str) -> list[bytes]:
        """The messages waiting in ``queue``: kombu's Redis transport keeps a list per queue."""
        return self.redis.lrange(queue, 0, -1)

    @contextlib.contextmanager
    def worker(self, *, pool: str = "solo", concurrency: int = 1) -> Iterator[None]:
        """A worker on both queues, in a thread of this process, stopped on leaving."""
        with start_worker(
            app,
            pool=pool,
            concurrency=concurrency,
            queues=list(QUEUES),
            perform_ping_check=True,
            ping_task_timeout=WAIT_SECONDS,
            shutdown_timeout=WAIT_SECONDS,
        ):
            yield

    def drain(self) -> None:
        """Return once the worker has handled every job queued so far.

        One worker takes each queue's messages in order, so a ping sent now is answered after
        them (jobs held for a countdown excepted).
        """
        for queue in QUEUES:
            assert ping.apply_async(queue=queue).get(timeout=WAIT_SECONDS) == "pong"


@pytest.fixture
def celery_on_redis(redis_url, transactional_db, monkeypatch) -> Iterator[CeleryOnRedis]:
    """Jobs go to Redis instead of running in-process; no worker yet.

    Depends on ``transactional_db`` so that workers stop before the database is flushed.
    """
    for name in CHANGED_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    saved = {key: app.conf[key] for key in CHANGED_CONF}
    harness = CeleryOnRedis(redis_url)
    signals.setup_logging.connect(leave_logging_alone, weak=False)
    signals.task_postrun.connect(harness.record_finished, weak=False)
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    forget_broker_connections()
    try:
        yield harness
    finally:
        app.conf.update(saved)
        forget_broker_connections()
        signals.task_postrun.disconnect(harness.record_finished)
        signals.setup_logging.disconnect(leave_logging_alone)
        harness.redis.close()


@pytest.fixture
def celery_worker(celery_on_redis) -> Iterator[CeleryOnRedis]:
    """Jobs go to Redis and a real worker (solo pool, both queues) runs them."""
    with celery_on_redis.worker():
        yield celery_on_redis
