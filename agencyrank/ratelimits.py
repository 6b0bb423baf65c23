"""Per-account limits on creating things, counted in the Django cache.

The limits (``settings.RATE_LIMITS_PER_HOUR``) hold per account and clock hour: a fixed
window, so a burst across the hour's turn may reach twice the limit. That is enough to stop
a script filling the database while never getting in the way of a person logging their own
history. Counting is an atomic ``incr`` on a key that ``add`` created, so it works the same
on the local-memory cache and on Redis, and two requests at once are both counted. An
attempt that the domain then refuses (a date in the future, say) is given back, so that
correcting a mistake never uses up the limit.
"""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WINDOW_SECONDS = 3600


def _key(user, action: str, now: float | None) -> str:
    now = time.time() if now is None else now
    return f"ratelimit:{action}:{user.pk}:{int(now // WINDOW_SECONDS)}"


def rate_limit_consume(*, user, action: str, now: float | None = None) -> bool:
    """Count one ``action`` by ``user`` in the current hour; False once past the limit."""
    limit = settings.RATE_LIMITS_PER_HOUR[action]
    key = _key(user, action, now)
    # The key outlives its hour a little so that a clock skew between processes is harmless.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr(): this is the first of a new count
        cache.add(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return count <= limit


def rate_limit_refund(*, user, action: str, now: float | None = None) -> None:
    """Give back one ``action`` that was counted but not done."""
    # ValueError: the hour turned, or the count was evicted; there is nothing to give back.
    with contextlib.suppress(ValueError):
        cache.decr(_key(user, action, now))


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The friendly 429 page."""
    return render(request, "429.html", status=429)
