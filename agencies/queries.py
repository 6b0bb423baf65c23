"""Reads about agencies."""

from django.db.models import Count, Prefetch, Q, QuerySet

from agencies.models import Agency, Specialty


def listed_agencies(*, search: str = "") -> QuerySet[Agency]:
    """Listed agencies by name, each with its specialties and logged engagement count.

    Two queries whatever the page size: the agencies (with the count) and their specialties.
    """
    agencies = Agency.objects.listed()
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(domain__icontains=search))
    return (
        agencies.annotate(engagement_count=Count("engagements"))
        .prefetch_related(Prefetch("specialties", queryset=Specialty.objects.order_by("code")))
        .order_by("name", "pk")
    )
