"""Public agency pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agencies.display import (
    flag_rows,
    metric_rows,
    reply_time_chart,
    review_articles,
    score_words,
    specialty_list,
    trend_chart,
)
from agencies.forms import SORT_CHOICES, RankingSearchForm
from agencies.list_views import mark_panel_context
from agencies.queries import (
    listed_agency_or_target,
    listed_agency_page,
    published_reviews,
    score_snapshots,
)
from agencies.ranking import PAGE_SIZE, RankedAgencies
from agencies.ranking_rows import ranking_rows
from agencyrank.page_cache import cached_public_page
from agencyrank.seo import absolute_url

DEFAULT_SORT = SORT_CHOICES[0][0]


def ranking_canonical_url(form: RankingSearchForm, page_number: int) -> str:
    """The ranking's address with only the filters it applied, always in the same order.

    Blank and invalid values, the default sort and page 1 are left out, so every spelling of
    one listing has one address.
    """
    filters = form.filters()
    sort = form.sort_key()
    return absolute_url(
        reverse("agencies:ranking"),
        [
            ("q", filters.get("search")),
            ("country", filters.get("country")),
            ("city", filters.get("city")),
            ("specialty", filters.get("specialty")),
            ("min_evidence", filters.get("min_evidence") or None),
            ("sort", None if sort == DEFAULT_SORT else sort),
            ("page", page_number if page_number > 1 else None),
        ],
    )


@cached_public_page
@require_safe
def ranking(request):
    """Ranked agencies by the chosen order, then those without enough data, filtered."""
    form = RankingSearchForm(request.GET)
    form.is_valid()
    filters = form.filters()
    agencies = RankedAgencies(**filters, sort=form.sort_key())
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    table = ranking_rows(page.object_list)
    # The page's query string without its page number, for links to other pages.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agencies/ranking.html",
        {
            "form": form,
            "page": page,
            "ranked": table.ranked,
            "unranked": table.unranked,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "canonical_url": ranking_canonical_url(form, page.number),
        },
    )


@cached_public_page
@require_safe
def agency_detail(request, slug):
    """One agency: its score, metrics in plain words, flags and published reviews."""
    agency = listed_agency_page(slug)
    if agency is None:
        # A merged agency's address leads to the agency it now is; anything else is unknown.
        target = listed_agency_or_target(slug)
        if target is None:
            raise Http404
        return redirect("agencies:detail", slug=target.slug, permanent=True)
    score = getattr(agency, "score", None)
    # The private-list panel is the one per-person part of the page; visitors all get the same.
    mark_panel = mark_panel_context(request.user, agency) if request.user.is_authenticated else {}
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "score": score,
            "ranked": score is not None and score.rank is not None,
            "score_words": score_words(score),
            "metrics": metric_rows(score),
            "flags": flag_rows(score),
            "specialties": specialty_list(agency.specialty_code_list),
            "reviews": review_articles(published_reviews(agency)),
            "trend": trend_chart(score_snapshots(agency)),
            "reply_times": reply_time_chart(score.evidence if score else None),
            **mark_panel,
        },
    )
