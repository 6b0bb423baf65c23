"""Reads about agencies."""

from agencies.models import Agency


def listed_agency_count() -> int:
    """How many agencies the public can see (active, not merged)."""
    return Agency.objects.listed().count()
