"""Public agency pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from agencies.display import flag_badges, flag_rows, metric_rows, trend_chart
from agencies.forms import RankingSearchForm
from agencies.queries import (
    listed_agencies,
    public_agency,
    published_reviews,
    score_snapshots,
)

PAGE_SIZE = 50


@require_safe
def ranking(request):
    """Ranked agencies by the chosen order, then those without enough data, filtered."""
    form = RankingSearchForm(request.GET)
    form.is_valid()
    filters = form.filters()
    agencies = listed_agencies(**filters, sort=form.sort_key())
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The page's query string without its page number, for links to other pages.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/ranking.html",
        {
            "form": form,
            "page": page,
            "ranked": [agency for agency in rows if agency.is_ranked],
            "unranked": [agency for agency in rows if not agency.is_ranked],
            "flag_badges": flag_badges(),
            "query": query.urlencode(),
            "filtered": bool(filters),
        },
    )


@require_safe
def agency_detail(request, slug):
    """One agency: its score, metrics in plain words, flags and published reviews."""
    agency = public_agency(slug)
    if agency is None:
        raise Http404
    if agency.slug != slug:
        return redirect("agencies:detail", slug=agency.slug, permanent=True)
    score = getattr(agency, "score", None)
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "score": score,
            "ranked": score is not None and score.rank is not None,
            "metrics": metric_rows(score),
            "flags": flag_rows(score),
            "reviews": published_reviews(agency),
            "trend": trend_chart(score_snapshots(agency)),
        },
    )
