"""The public API's throttle, apart from agencies/api.py: DRF imports it while starting up."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from agencyrank.page_cache import api_request_count


class AnonymousThrottle(AnonRateThrottle):
    """Per-address throttling in fixed windows, its rate read at request time.

    DRF's own throttle keeps every request's time in a list per address and reads and writes
    the whole list on each request: its cost grows with the rate (at 1,000 requests a second
    allowed, a list of kilobytes per request). Here each window of the rate's period has one
    counter per address, counted as agencyrank/ratelimits.py counts: with the site's Redis
    cache, in the one round trip that also reads the cached answer. A burst across a window's
    turn may reach twice the rate; Retry-After says when the window ends.
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
        # The counter outlives its window a little, so that clock skew is harmless. With Redis,
        # the same round trip reads the cached answer (agencyrank/page_cache.py).
        count = api_request_count(request, f"{key}:{window}", self.duration + 60)
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.window_ends - self.now, 0.0)
