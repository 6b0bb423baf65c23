"""The moderators' tool to merge a duplicate agency into another (agencies/merging.py).

One page, /moderation/agencies/<id>/merge/: without ``into`` it searches for the agency to
keep; with ``into`` it shows what the merge would move and asks for confirmation; a POST
merges. Access as for every moderation page (``moderator_required``).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from agencies.merging import NOTE_MAX_LENGTH, agencies_merge, merge_refusal, merge_summary
from agencies.models import Agency
from agencies.queries import agency_search
from reviews.moderation_views import moderator_required

SEARCH_RESULTS = 10
SEARCH_MAX_LENGTH = 200
AGENCY_FIELDS = ("id", "name", "slug", "domain", "is_active", "merged_into_id")


class AgencyMergeForm(forms.Form):
    """The agency to keep, and an optional note for the moderation log."""

    into = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the moderation log with the merge."),
    )


def _agency(pk: int) -> Agency:
    return get_object_or_404(
        Agency.objects.select_related("merged_into").only(
            *AGENCY_FIELDS, "merged_into__id", "merged_into__name"
        ),
        pk=pk,
    )


def _confirmation(request: HttpRequest, source: Agency, target: Agency, form) -> HttpResponse:
    refusal = merge_refusal(source=source, target=target)
    return render(
        request,
        "reviews/moderation/agency_merge.html",
        {
            "source": source,
            "target": target,
            "refusal": None if refusal is None else refusal.messages[0],
            "summary": None if refusal else merge_summary(source=source, target=target),
            "form": form,
        },
    )


def _search(request: HttpRequest, source: Agency, query: str) -> HttpResponse:
    results = []
    if query:
        found = agency_search(query, limit=SEARCH_RESULTS + 1)
        results = [agency for agency in found if agency.pk != source.pk][:SEARCH_RESULTS]
    return render(
        request,
        "reviews/moderation/agency_merge.html",
        {"source": source, "query": query, "results": results, "searched": bool(query)},
    )


def _merge(request: HttpRequest, source: Agency) -> HttpResponse:
    form = AgencyMergeForm(request.POST)
    if not form.is_valid():
        if "into" in form.errors:
            raise Http404  # not a page's form: a target that does not exist
        return _confirmation(request, source, _agency(form.cleaned_data["into"]), form)
    target = _agency(form.cleaned_data["into"])
    try:
        summary = agencies_merge(
            source=source, target=target, actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('moderation:agency_merge', args=[source.pk])}?into={target.pk}")
    messages.success(
        request,
        ngettext(
            "%(source)s is merged into %(target)s: %(count)d engagement moved, and the old "
            "agency page now leads to this agency's.",
            "%(source)s is merged into %(target)s: %(count)d engagements moved, and the old "
            "agency page now leads to this agency's.",
            summary.engagements,
        )
        % {"source": source.name, "target": target.name, "count": summary.engagements},
    )
    return redirect("moderation:agency", pk=target.pk)


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def agency_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Find the agency to keep, confirm what moves, and merge the duplicate into it."""
    source = _agency(pk)
    if request.method == "POST":
        return _merge(request, source)
    if "into" not in request.GET:
        query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
        return _search(request, source, query)
    try:
        target_pk = forms.IntegerField(min_value=1).clean(request.GET["into"])
    except ValidationError:
        raise Http404 from None
    form = AgencyMergeForm(initial={"into": target_pk})
    return _confirmation(request, source, _agency(target_pk), form)
