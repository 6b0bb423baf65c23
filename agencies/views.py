"""Public agency pages."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.forms import RankingSearchForm
from agencies.queries import listed_agencies

PAGE_SIZE = 50


@require_safe
def ranking(request):
    """The agencies AgencyRank tracks; ranks appear once the scoring jobs have run."""
    form = RankingSearchForm(request.GET)
    search = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(listed_agencies(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agencies/ranking.html", {"page": page, "search": search})
