"""Public agency pages."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.queries import listed_agency_count


@require_safe
def ranking(request):
    """The ranking page; until scores exist it says how many agencies are being tracked."""
    return render(request, "agencies/ranking.html", {"agency_count": listed_agency_count()})
