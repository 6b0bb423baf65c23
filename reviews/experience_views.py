"""Log an experience, step one and two: find or add the agency, then the engagement.

Without JavaScript the finder is a plain GET form with a results list; with htmx it suggests
as one types, and this view answers such requests with the results alone.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies.queries import agency_duplicates, agency_search, listed_agency_or_target
from agencies.services import agency_create
from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund, too_many_requests
from reviews.access import candidate_required
from reviews.forms import AgencyForm, AgencySearchForm, EngagementForm, add_service_errors
from reviews.services import engagement_create


@candidate_required
@require_safe
def experience_new(request):
    """Find the agency by name or website; htmx asks for the results alone as one types."""
    form = AgencySearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = {"query": query, "agencies": agency_search(query) if query else []}
    if request.headers.get("HX-Request") == "true":
        response = render(request, "reviews/_agency_results.html", context)
    else:
        response = render(request, "reviews/experience_new.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@candidate_required
@require_http_methods(["GET", "POST"])
def agency_new(request):
    """Add an agency that is not listed, after showing any that it would duplicate."""
    duplicates = None
    if request.method == "POST":
        form = AgencyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            duplicates = agency_duplicates(name=data["name"], website=data["website"])
            # A shared website is the same agency; a shared name may not be: the candidate
            # is shown the namesakes and can say "it is a different one" (not_a_duplicate).
            if not duplicates.same_domain and (
                not duplicates.same_name or request.POST.get("not_a_duplicate") == "1"
            ):
                if not rate_limit_consume(user=request.user, action="agency_create"):
                    return too_many_requests(request)
                try:
                    agency = agency_create(
                        name=data["name"],
                        website=data["website"],
                        country=data["country"],
                        city=data["city"],
                        specialties=data["specialties"],
                    )
                except ValidationError as error:
                    rate_limit_refund(user=request.user, action="agency_create")
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("%(agency)s added.") % {"agency": agency.name})
                    return redirect("reviews:engagement_new", slug=agency.slug)
    else:
        search = AgencySearchForm(request.GET)
        name = search.cleaned_data["q"].strip() if search.is_valid() else ""
        form = AgencyForm(initial={"name": name})
    return render(request, "reviews/agency_new.html", {"form": form, "duplicates": duplicates})


@candidate_required
@require_http_methods(["GET", "POST"])
def engagement_new(request, slug: str):
    """The engagement with a chosen agency: role, how it started, when."""
    agency = listed_agency_or_target(slug)
    if agency is None:
        raise Http404
    if agency.slug != slug:  # merged: log it with the agency it became
        return redirect("reviews:engagement_new", slug=agency.slug)
    if request.method == "POST":
        form = EngagementForm(request.POST)
        if form.is_valid():
            if not rate_limit_consume(user=request.user, action="engagement_create"):
                return too_many_requests(request)
            try:
                engagement = engagement_create(
                    candidate=request.user, agency=agency, **form.cleaned_data
                )
            except ValidationError as error:
                rate_limit_refund(user=request.user, action="engagement_create")
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Experience logged. Now add what happened, event by event.")
                )
                return redirect("reviews:timeline", pk=engagement.pk)
    else:
        form = EngagementForm(initial={"started_on": timezone.localdate()})
    return render(request, "reviews/engagement_new.html", {"agency": agency, "form": form})
