"""The public API's throttle, apart from agencies/api.py: DRF imports it while starting up."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Per-address throttling whose rate is read at request time, so settings can change it."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
