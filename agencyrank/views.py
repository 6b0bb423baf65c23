"""Site-wide pages: the home page and the health endpoint."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from agencyrank.health import broker_status, database_status


@require_safe
def home(request):
    return render(request, "home.html")


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
