"""Two to four agencies side by side. The URL is the whole state, so a comparison is shared
by copying its address, and the page is the same for everyone who opens it."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from agencies.compare import (
    MAX_AGENCIES,
    MEASURE_OF,
    MIN_AGENCIES,
    AgencyFacts,
    Row,
    comparison_query,
    comparison_rows,
    requested_slugs,
    shown_value,
    with_slug,
    without_slug,
)
from agencies.display import flag_badges
from agencies.forms import CompareSearchForm
from agencies.models import Agency
from agencies.queries import agencies_for_comparison, agency_search
from agencyrank.page_cache import cached_public_page
from agencyrank.seo import absolute_url

# What a slug can be (Agency.slug is a plain SlugField); anything else is reported unknown
# without being looked up, so no stray byte in a URL ever reaches the database.
SLUG_SHAPE = re.compile(r"[-a-zA-Z0-9_]+")

# Every row of the comparison, in the page's order.
ROW_LABELS = {
    "score": gettext_lazy("Score (range)"),
    "rank": gettext_lazy("Rank"),
    "engagements": gettext_lazy("Experiences counted"),
    "reply_rate": gettext_lazy("Reply rate"),
    "median_reply_days": gettext_lazy("Median reply time"),
    "ghosting_rate": gettext_lazy("Ghosting rate"),
    "feedback_rate": gettext_lazy("Feedback rate"),
    "follow_up_rate": gettext_lazy("Follow-up rate"),
    "cv_harvest_rate": gettext_lazy("CV-harvest rate"),
    "salary_fishing_rate": gettext_lazy("Salary-fishing rate"),
    "rating": gettext_lazy("Rating"),
    "flags": gettext_lazy("Flags"),
    "location": gettext_lazy("Location"),
    "specialties": gettext_lazy("Specialties"),
}
NO_VALUE = "—"


@dataclass(frozen=True)
class DisplayCell:
    text: str
    best: bool = False
    badges: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DisplayRow:
    key: str
    label: str
    cells: list[DisplayCell]
    has_best: bool = False


@dataclass(frozen=True)
class Column:
    agency: Agency
    facts: AgencyFacts
    remove_url: str


def compare_url(slugs: Sequence[str]) -> str:
    """The comparison of ``slugs``, with the commas left readable in the address."""
    base = reverse("compare")
    if not slugs:
        return base
    return f"{base}?agencies={quote(comparison_query(slugs), safe=',')}"


def facts_of(agency: Agency) -> AgencyFacts:
    """What the comparison shows of ``agency`` (read with its score row and specialties)."""
    score = getattr(agency, "score", None)
    location = {
        "slug": agency.slug,
        "name": agency.name,
        "city": agency.city,
        "country": str(agency.country.name or ""),
        "specialties": tuple(str(specialty) for specialty in agency.specialties.all()),
    }
    if score is None:
        return AgencyFacts(ranked=False, **location)
    return AgencyFacts(
        ranked=score.rank is not None and score.score is not None,
        score=score.score,
        score_low=score.score_low,
        score_high=score.score_high,
        rank=score.rank,
        engagements=score.engagements,
        reply_rate=score.reply_rate,
        median_reply_days=score.median_reply_days,
        ghosting_rate=score.ghosting_rate,
        feedback_rate=score.feedback_rate,
        follow_up_rate=score.follow_up_rate,
        cv_harvest_rate=score.cv_harvest_rate,
        salary_fishing_rate=score.salary_fishing_rate,
        rating=score.rating,
        flags=tuple(score.flags),
        **location,
    )


def _number(value: Decimal) -> str:
    return f"{value:f}"


def _measured_text(key: str, shown: Decimal | None, facts: AgencyFacts) -> str:
    if shown is None:
        return _("Not enough data yet") if key == "score" else NO_VALUE
    if key == "score":
        low = shown_value(facts.score_low, MEASURE_OF["score"])
        high = shown_value(facts.score_high, MEASURE_OF["score"])
        if low is None or high is None:
            return _number(shown)
        return _("%(score)s (%(low)s–%(high)s)") % {  # noqa: RUF001 (the range's en dash)
            "score": _number(shown),
            "low": _number(low),
            "high": _number(high),
        }
    if key == "rank":
        return _number(shown)
    if key == "median_reply_days":
        if shown == shown.to_integral_value():
            days = int(shown)
            return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
        # A fractional number of days (2.5) takes the plural form.
        return ngettext("%(days)s day", "%(days)s days", 2) % {"days": _number(shown)}
    if key == "rating":
        return _("%(rating)s / 5") % {"rating": _number(shown)}
    return f"{_number(shown)}%"


def _measured_row(row: Row, columns: Sequence[Column]) -> DisplayRow:
    cells = [
        DisplayCell(_measured_text(row.key, cell.shown, column.facts), cell.best)
        for cell, column in zip(row.cells, columns, strict=True)
    ]
    return DisplayRow(row.key, str(ROW_LABELS[row.key]), cells, row.has_best)


def display_rows(columns: Sequence[Column]) -> list[DisplayRow]:
    """The comparison's rows in words, in the page's order, best values marked."""
    measured = {
        row.key: _measured_row(row, columns)
        for row in comparison_rows([column.facts for column in columns])
    }
    badges = flag_badges()
    facts = [column.facts for column in columns]
    context_rows = {
        "engagements": [DisplayCell(str(f.engagements)) for f in facts],
        "flags": [
            DisplayCell("" if f.flags else _("None"), badges=[badges[code] for code in f.flags])
            for f in facts
        ],
        "location": [
            DisplayCell(", ".join(part for part in (f.city, f.country) if part) or NO_VALUE)
            for f in facts
        ],
        "specialties": [DisplayCell(", ".join(f.specialties) or NO_VALUE) for f in facts],
    }
    return [
        measured[key]
        if key in measured
        else DisplayRow(key, str(ROW_LABELS[key]), context_rows[key])
        for key in ROW_LABELS  # in the page's order
    ]


def _chosen_agencies(slugs: Sequence[str]) -> tuple[list[Agency], list[str]]:
    """The distinct listed agencies ``slugs`` name, in order, and the slugs that name none."""
    found = agencies_for_comparison([slug for slug in slugs if SLUG_SHAPE.fullmatch(slug)])
    agencies: list[Agency] = []
    unknown: list[str] = []
    for slug in slugs:
        agency = found.get(slug)
        if agency is None:
            unknown.append(slug)
        elif all(agency.pk != chosen.pk for chosen in agencies):
            agencies.append(agency)
    return agencies, unknown


@cached_public_page
@require_safe
def compare(request):
    """The agencies of ``?agencies=a,b,c`` side by side, or how to choose them."""
    values = request.GET.getlist("agencies")
    if len(values) > 1:
        # A form of checkboxes sends one parameter per agency; the address to share is the
        # comma form.
        return redirect(compare_url(requested_slugs(values).slugs))
    wanted = requested_slugs(values)
    agencies, unknown = _chosen_agencies(wanted.slugs)
    too_many = len(agencies) > MAX_AGENCIES or wanted.ignored > 0
    agencies = agencies[:MAX_AGENCIES]
    slugs = [agency.slug for agency in agencies]
    columns = [
        Column(agency, facts_of(agency), compare_url(without_slug(slugs, agency.slug)))
        for agency in agencies
    ]
    search = CompareSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    results = []
    if query and len(agencies) < MAX_AGENCIES:
        results = [
            (agency, compare_url(with_slug(slugs, agency.slug)))
            for agency in agency_search(query)
            if agency.slug not in slugs
        ]
    return render(
        request,
        "agencies/compare.html",
        {
            "columns": columns,
            "rows": display_rows(columns) if len(columns) >= MIN_AGENCIES else [],
            "unknown": unknown,
            "too_many": too_many,
            "max_agencies": MAX_AGENCIES,
            "can_add": len(agencies) < MAX_AGENCIES,
            "search": search,
            "query": query,
            "results": results,
            "current": comparison_query(slugs),
            # Every way of writing the same comparison points search engines at one address.
            "canonical_url": absolute_url(compare_url(slugs)),
        },
    )
