"""Per-account limits on creating things, counted in the Django cache.

The limits (``settings.RATE_LIMITS_PER_HOUR``) hold per account and clock hour: a fixed
window, so a burst across the hour's turn may reach twice the limit. That is enough to stop
a script filling the database while never getting in the way of a person logging their own
history. Counting (``window_count``) is atomic, on the local-memory cache and on Redis alike,
so two requests at once are both counted; the API's throttle counts the same way. An
attempt that the domain then refuses (a date in the future, say) is given back, so that
correcting a mistake never uses up the limit.
"""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agencyrank.cache import ClientKeepingRedisCache

WINDOW_SECONDS = 3600


def _key(user, action: str, now: float | None) -> str:
    now = time.time() if now is None else now
    return f"ratelimit:{action}:{user.pk}:{int(now // WINDOW_SECONDS)}"


def rate_limit_consume(*, user, action: str, now: float | None = None) -> bool:
    """Count one ``action`` by ``user`` in the current hour; False once past the limit."""
    limit = settings.RATE_LIMITS_PER_HOUR[action]
    # The key outlives its hour a little so that a clock skew between processes is harmless.
    return window_count(_key(user, action, now), WINDOW_SECONDS + 60) <= limit


def window_count(key: str, lifetime: int) -> int:
    """Count one more at ``key`` in the Django cache, the counter lasting ``lifetime`` seconds
    from its first count; the new count. Atomic across processes: in one Redis round trip with
    the site's Redis cache (agencyrank/cache.py), else with ``add`` and ``incr``."""
    counter = caches["default"]
    if isinstance(counter, ClientKeepingRedisCache):
        return counter.count(key, lifetime)
    counter.add(key, 0, timeout=lifetime)
    try:
        return counter.incr(key)
    except ValueError:  # evicted between add() and incr(): this is the first of a new count
        counter.add(key, 1, timeout=lifetime)
        return 1


def rate_limit_refund(*, user, action: str, now: float | None = None) -> None:
    """Give back one ``action`` that was counted but not done."""
    # ValueError: the hour turned, or the count was evicted; there is nothing to give back.
    with contextlib.suppress(ValueError):
        cache.decr(_key(user, action, now))


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """The friendly 429 page."""
    return render(request, "429.html", status=429)
