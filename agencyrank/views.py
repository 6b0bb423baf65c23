"""Site-wide pages: the home page, how scores work, robots.txt and the health endpoint."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agencyrank.documents import rendered_document
from agencyrank.health import broker_status, database_status
from agencyrank.page_cache import cached_public_page
from agencyrank.seo import absolute_url

SCORING_DOCUMENT = settings.BASE_DIR / "docs" / "scoring.md"
# The language the documents in docs/ are written in.
DOCUMENTS_LANGUAGE = "en"
# Pages that only make sense to their signed-in owner, to representatives, or to staff.
PRIVATE_PATHS = (
    "/accounts/",
    "/experiences/",
    "/admin/",
    "/my-agencies/",
    "/moderation/",
    "/representatives/",
    "/reports/",
)


@cached_public_page
@require_safe
def home(request):
    return render(request, "home.html")


@cached_public_page
@require_safe
def how_scores_work(request):
    """docs/scoring.md, the exact rules, in the site's layout with a table of contents."""
    return render(
        request,
        "how_scores_work.html",
        {
            "document": rendered_document(SCORING_DOCUMENT),
            "document_language": DOCUMENTS_LANGUAGE,
            "in_document_language": get_language() == DOCUMENTS_LANGUAGE,
        },
    )


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages; the sitemap lists them."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in PRIVATE_PATHS),
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers; 503 when it does not.

    A broker outage is reported but does not fail the check: pages still serve, and
    changes made meanwhile are kept for scoring, so taking web processes out of rotation
    would only turn a degraded site into a dead one.
    """
    checks = {"database": database_status(), "broker": broker_status()}
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["broker"] == "unreachable":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )
