"""Liveness and readiness for load balancers and compose health checks."""

import logging

from django.conf import settings
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


def database_status() -> str:
    """'ok' when the default database answers a query, else 'unreachable'."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("health: database unreachable", exc_info=True)
        # Drop the broken connection so the next request reconnects.
        connection.close_if_unusable_or_obsolete()
        return "unreachable"
    return "ok"


def broker_status(timeout: float = 1.0) -> str:
    """'ok' when the broker accepts a connection, 'in-process' without one, else 'unreachable'."""
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    try:
        # One attempt, no retry: a probe must answer quickly even while the broker is down.
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as broker:
            broker.ensure_connection(max_retries=0, timeout=timeout)
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"
