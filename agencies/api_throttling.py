"""The public API's throttle, apart from agencies/api.py: DRF imports it while starting up."""

import functools

import redis
from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


@functools.cache
def _redis(url: str) -> redis.Redis:
    # One connection pool per process, as the Django cache keeps one.
    return redis.Redis.from_url(url)


class AnonymousThrottle(AnonRateThrottle):
    """Per-address throttling in fixed windows, its rate read at request time.

    DRF's own throttle keeps every request's time in a list per address and reads and writes
    the whole list on each request: its cost grows with the rate (at 1,000 requests a second
    allowed, a list of kilobytes per request). Here each window of the rate's period has one
    counter per address: with Redis (``REDIS_URL``) one round trip increments it and sets its
    expiry; otherwise the Django cache counts it as agencyrank/ratelimits.py does. A burst
    across a window's turn may reach twice the rate; Retry-After says when the window ends.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return self._count(f"{key}:{window}") <= self.num_requests

    def _count(self, key: str) -> int:
        """This request's number in its window. The counter outlives the window a little, so
        that clock skew between processes is harmless."""
        lifetime = self.duration + 60
        if settings.REDIS_URL:
            pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
            pipeline.incr(key)
            pipeline.expire(key, lifetime, nx=True)
            return pipeline.execute()[0]
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request
            if self.cache.add(key, 1, timeout=lifetime):
                return 1
            return self.cache.incr(key)  # another request started the window meanwhile

    def wait(self) -> float:
        return max(self.window_ends - self.now, 0.0)
