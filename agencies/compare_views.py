"""Two to four agencies side by side. The URL is the whole state, so a comparison is shared
by copying its address, and the page is the same for everyone who opens it."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from django_countries import countries

from agencies.compare import (
    MAX_AGENCIES,
    MEASURE_OF,
    MIN_AGENCIES,
    AgencyFacts,
    comparison_query,
    comparison_rows,
    requested_slugs,
    shown_value,
    with_slug,
    without_slug,
)
from agencies.display import flag_badges
from agencies.forms import CompareSearchForm
from agencies.models import SCORE_FLAGS, SpecialtyCode
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
# Each flag's score field in an agencies_for_comparison row, in the order the page lists
# the badges.
FLAG_FIELDS = tuple((name, f"score__{field}") for name, field in SCORE_FLAGS)


@dataclass(frozen=True, slots=True)
class Column:
    """One compared agency: its name, its page, and the comparison without it."""

    facts: AgencyFacts
    url: str
    remove_url: str
    remove_label: str


@dataclass(frozen=True, slots=True)
class DisplayRow:
    """One row of the comparison: its label and its cells' markup, one ``<td>`` per agency."""

    key: str
    label: str
    cells: SafeString


def compare_url(slugs: Sequence[str]) -> str:
    """The comparison of ``slugs``, with the commas left readable in the address."""
    base = reverse("compare")
    if not slugs:
        return base
    return f"{base}?agencies={quote(comparison_query(slugs), safe=',')}"


def facts_of(agency: dict) -> AgencyFacts:
    """What the comparison shows of ``agency`` (a row of ``agencies_for_comparison``)."""
    location = {
        "slug": agency["slug"],
        "name": agency["name"],
        "city": agency["city"],
        "country": str(countries.name(agency["country"]) or ""),
        "specialties": tuple(str(SpecialtyCode(code).label) for code in agency["specialty_codes"]),
    }
    # engagements is never null on a score row: None means the agency has none yet.
    if agency["score__engagements"] is None:
        return AgencyFacts(ranked=False, **location)
    rank = agency["score__rank"]
    score = agency["score__score"]
    return AgencyFacts(
        ranked=rank is not None and score is not None,
        score=score,
        score_low=agency["score__score_low"],
        score_high=agency["score__score_high"],
        rank=rank,
        engagements=agency["score__engagements"],
        reply_rate=agency["score__reply_rate"],
        median_reply_days=agency["score__median_reply_days"],
        ghosting_rate=agency["score__ghosting_rate"],
        feedback_rate=agency["score__feedback_rate"],
        follow_up_rate=agency["score__follow_up_rate"],
        cv_harvest_rate=agency["score__cv_harvest_rate"],
        salary_fishing_rate=agency["score__salary_fishing_rate"],
        rating=agency["score__rating"],
        flags=tuple(flag for flag, field in FLAG_FIELDS if agency[field]),
        **location,
    )


def _number(value: Decimal) -> str:
    return f"{value:f}"


def _days(shown: Decimal) -> str:
    if shown == shown.to_integral_value():
        days = int(shown)
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
    # A fractional number of days (2.5) takes the plural form.
    return ngettext("%(days)s day", "%(days)s days", 2) % {"days": _number(shown)}


def _score_text(shown: Decimal, facts: AgencyFacts, score_range: str) -> str:
    low = shown_value(facts.score_low, MEASURE_OF["score"])
    high = shown_value(facts.score_high, MEASURE_OF["score"])
    if low is None or high is None:
        return _number(shown)
    return score_range % {"score": _number(shown), "low": _number(low), "high": _number(high)}


def _cell(
    text: str, *, best: bool = False, badges: Sequence[str] = (), best_badge: str = ""
) -> str:
    """One ``<td>``: flag badges, the text, and the "Best" badge; every value escaped."""
    flags = "".join(f'<span class="badge badge-flag">{escape(badge)}</span> ' for badge in badges)
    if best:
        return f'<td class="best">{flags}{escape(text)} {best_badge}</td>'
    return f"<td>{flags}{escape(text)}</td>"


def display_rows(columns: Sequence[Column]) -> list[DisplayRow]:
    """The comparison's rows in words, in the page's order, best values marked."""
    facts = [column.facts for column in columns]
    best = escape(_("Best"))  # outside the f-string, where makemessages finds it
    best_badge = f'<span class="badge badge-best">{best}</span>'
    not_enough = _("Not enough data yet")
    score_range = _("%(score)s (%(low)s–%(high)s)")  # noqa: RUF001 (the range's en dash)
    rating = _("%(rating)s / 5")

    def measured(key: str, shown: Decimal | None, agency: AgencyFacts) -> str:
        if shown is None:
            return not_enough if key == "score" else NO_VALUE
        if key == "score":
            return _score_text(shown, agency, score_range)
        if key == "rank":
            return _number(shown)
        if key == "median_reply_days":
            return _days(shown)
        if key == "rating":
            return rating % {"rating": _number(shown)}
        return f"{_number(shown)}%"

    cells = {
        row.key: [
            _cell(measured(row.key, cell.shown, agency), best=cell.best, best_badge=best_badge)
            for cell, agency in zip(row.cells, facts, strict=True)
        ]
        for row in comparison_rows(facts)
    }
    badges = flag_badges()
    none = _("None")
    cells["engagements"] = [_cell(str(f.engagements)) for f in facts]
    cells["flags"] = [
        _cell("" if f.flags else none, badges=[badges[code] for code in f.flags]) for f in facts
    ]
    cells["location"] = [
        _cell(", ".join(part for part in (f.city, f.country) if part) or NO_VALUE) for f in facts
    ]
    cells["specialties"] = [_cell(", ".join(f.specialties) or NO_VALUE) for f in facts]
    return [
        DisplayRow(key, str(label), mark_safe("".join(cells[key])))  # noqa: S308 (escaped above)
        for key, label in ROW_LABELS.items()  # in the page's order
    ]


def _chosen_agencies(slugs: Sequence[str]) -> tuple[list[dict], list[str]]:
    """The distinct listed agencies ``slugs`` name, in order, and the slugs that name none."""
    found = agencies_for_comparison([slug for slug in slugs if SLUG_SHAPE.fullmatch(slug)])
    agencies: dict[int, dict] = {}
    unknown: list[str] = []
    for slug in slugs:
        agency = found.get(slug)
        if agency is None:
            unknown.append(slug)
        else:
            agencies.setdefault(agency["pk"], agency)
    return list(agencies.values()), unknown


def _column(agency: dict, slugs: Sequence[str], remove_label: str) -> Column:
    return Column(
        facts_of(agency),
        reverse("agencies:detail", kwargs={"slug": agency["slug"]}),
        compare_url(without_slug(slugs, agency["slug"])),
        remove_label % {"name": agency["name"]},
    )


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
    slugs = [agency["slug"] for agency in agencies]
    remove_label = _("Remove %(name)s from the comparison")
    columns = [_column(agency, slugs, remove_label) for agency in agencies]
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
