"""Reads about engagements, events and reviews."""

from django.db.models import Count, QuerySet

from reviews.models import Engagement


def engagements_of(candidate) -> QuerySet[Engagement]:
    """A candidate's own engagements, newest first, with their agency and event count."""
    return (
        Engagement.objects.filter(candidate=candidate)
        .select_related("agency")
        .annotate(event_count=Count("events"))
        .order_by("-started_on", "-pk")
    )
