"""A person's own lists of agencies ("professional" or "avoid", with private notes).

Everything here reads and writes the signed-in account's marks only: marks are always
fetched through the user, so someone else's list is never reachable, not even by guessing.
"""

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies.compare import MEASURE_OF, shown_value
from agencies.forms import AgencyMarkForm, MyAgenciesFilterForm
from agencies.models import Agency, AgencyMark, MarkVerdict
from agencies.queries import MarkedAgency, agency_mark_for, agency_marks, listed_agency_or_target
from agencies.services import agency_mark_remove, agency_mark_set
from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund, too_many_requests
from reviews.importing.format import escape_cell

NOT_COMPARABLE = "—"
MINUS = "\N{MINUS SIGN}"
EXPORT_COLUMNS = (
    "agency",
    "url",
    "verdict",
    "note",
    "marked_on",
    "score_when_marked",
    "score_now",
    "change",
)


def _initial(mark: AgencyMark | None) -> dict:
    return {} if mark is None else {"verdict": mark.verdict, "note": mark.note}


def mark_panel_context(user, agency: Agency) -> dict:
    """What the agency page's "your list" panel needs for a signed-in ``user``."""
    mark = agency_mark_for(user, agency)
    return {"mark": mark, "mark_form": AgencyMarkForm(initial=_initial(mark))}


def _mark_page(request, agency: Agency, mark: AgencyMark | None, form: AgencyMarkForm):
    return render(
        request, "agencies/mark.html", {"agency": agency, "mark": mark, "mark_form": form}
    )


def _back_to_agency(agency: Agency):
    return redirect(reverse("agencies:detail", kwargs={"slug": agency.slug}) + "#your-list")


@login_required
@require_http_methods(["GET", "POST"])
def agency_mark(request, slug):
    """Set, change or remove the signed-in person's verdict on an agency."""
    agency = listed_agency_or_target(slug)
    if agency is None:
        raise Http404
    mark = agency_mark_for(request.user, agency)
    if request.method == "GET":
        return _mark_page(request, agency, mark, AgencyMarkForm(initial=_initial(mark)))
    if request.POST.get("action") == "remove":
        if not rate_limit_consume(user=request.user, action="agency_mark"):
            return too_many_requests(request)
        if agency_mark_remove(user=request.user, agency=agency):
            messages.success(request, _("%(agency)s is off your lists.") % {"agency": agency.name})
        return _back_to_agency(agency)
    form = AgencyMarkForm(request.POST)
    if form.is_valid():
        if not rate_limit_consume(user=request.user, action="agency_mark"):
            return too_many_requests(request)
        try:
            saved = agency_mark_set(user=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            rate_limit_refund(user=request.user, action="agency_mark")
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            done = {
                MarkVerdict.PROFESSIONAL: _("%(agency)s is on your list of professional agencies."),
                MarkVerdict.AVOID: _("%(agency)s is on your list of agencies to avoid."),
            }[saved.verdict]
            messages.success(request, done % {"agency": agency.name})
            return _back_to_agency(agency)
    return _mark_page(request, agency, mark, form)


def _rounded_score(value: float | None) -> int | None:
    shown = shown_value(value, MEASURE_OF["score"])
    return None if shown is None else int(shown)


def score_change(before: float | None, now: float | None) -> int | None:
    """How far the score moved, in the whole points the page shows; None if not comparable."""
    before_shown, now_shown = _rounded_score(before), _rounded_score(now)
    if before_shown is None or now_shown is None:
        return None
    return now_shown - before_shown


def change_text(change: int | None) -> str:
    """A change as the page shows it: "+4", a minus sign and 7, "0", or a dash if unknown."""
    if change is None:
        return NOT_COMPARABLE
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"{MINUS}{-change}"
    return "0"


@dataclass(frozen=True)
class ListRow:
    """One row of "My agencies"."""

    marked: MarkedAgency
    score_then: int | None
    score_now: int | None
    change: int | None

    @property
    def change_text(self) -> str:
        return change_text(self.change)


def _list_rows(request) -> tuple[MyAgenciesFilterForm, list[ListRow]]:
    form = MyAgenciesFilterForm(request.GET)
    form.is_valid()
    rows = []
    for marked in agency_marks(request.user, form.verdict_filter() or None):
        rows.append(
            ListRow(
                marked=marked,
                score_then=_rounded_score(marked.mark.score_when_marked),
                score_now=_rounded_score(marked.score_now),
                change=score_change(marked.mark.score_when_marked, marked.score_now),
            )
        )
    return form, rows


def _private(response: HttpResponse) -> HttpResponse:
    # A person's own list: never kept by a shared cache or the browser's.
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def my_agencies(request):
    """The signed-in person's marked agencies, with how each score moved since the verdict."""
    form, rows = _list_rows(request)
    export_url = reverse("my_agencies_export")
    if form.verdict_filter():
        export_url += f"?verdict={form.verdict_filter()}"
    return _private(
        render(
            request,
            "agencies/my_agencies.html",
            {"form": form, "rows": rows, "export_url": export_url},
        )
    )


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


@login_required
@require_safe
def my_agencies_export(request):
    """The same list as a spreadsheet.

    Text cells (names, notes, addresses) that a spreadsheet would run as a formula are
    prefixed with an apostrophe. Numbers are written by us, never taken from input, so they
    stay numbers: a score drop is ``-7``, which a spreadsheet can sort and sum.
    """
    _form, rows = _list_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        mark, agency = row.marked.mark, row.marked.agency
        url = request.build_absolute_uri(reverse("agencies:detail", kwargs={"slug": agency.slug}))
        writer.writerow(
            [
                escape_cell(agency.name),
                escape_cell(url),
                mark.verdict,
                escape_cell(mark.note),
                timezone.localdate(mark.marked_at).isoformat(),
                _number(row.score_then),
                _number(row.score_now),
                _number(row.change),
            ]
        )
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="agencyrank-my-agencies-{today}.csv"'
    return _private(response)
