"""The ranking's table rows, put together once per row in Python.

The ranking shows 50 agencies a page; formatting each cell through template filters and
per-row includes cost most of the page's time, so the numbers, names and labels are
formatted here and the rows' markup filled in. The cells read as the agency page's partials
render them (agencies/_score.html, agencies/_flags.html) and as Django's floatformat and
widthratio would.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_countries import countries

from agencies.display import flag_badges
from agencies.models import SpecialtyCode

NO_VALUE = "—"
# Score-row flag columns in the order the agency page lists its badges (AgencyScore.flags).
FLAG_FIELDS = (
    ("ghosting", "score__flag_ghosting"),
    ("cv_harvesting", "score__flag_cv_harvesting"),
    ("salary_fishing", "score__flag_salary_fishing"),
)
_WHOLE = Decimal(1)
_TENTH = Decimal("0.1")

# Country and specialty names per language: translating ~250 country names on every request
# was a large share of the page's time, and names only change with the language.
_country_names: dict[str, dict[str, str]] = {}
_specialty_names: dict[str, dict[str, str]] = {}
_flag_cells: dict[tuple[str, tuple[str, ...]], str] = {}


def country_names() -> dict[str, str]:
    """Country code → its name in the active language, in the order the filter lists them."""
    language = get_language() or ""
    names = _country_names.get(language)
    if names is None:
        names = _country_names[language] = {code: str(name) for code, name in countries}
    return names


def specialty_names() -> dict[str, str]:
    """Specialty code → its label in the active language."""
    language = get_language() or ""
    names = _specialty_names.get(language)
    if names is None:
        names = _specialty_names[language] = {
            code: str(label) for code, label in SpecialtyCode.choices
        }
    return names


def _whole(value: float) -> str:
    """``value|floatformat:0`` for scores (0 to 100): rounded half up, never grouped."""
    return str(Decimal(str(value)).quantize(_WHOLE, rounding=ROUND_HALF_UP))


def _tenths(value: float, decimal_separator: str) -> str:
    """``value|floatformat:1`` for ratings (1 to 5): one decimal, rounded half up."""
    rounded = Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", decimal_separator)


def _flags_cell(flags: tuple[str, ...]) -> str:
    """The agency page's flag badges (agencies/_flags.html) for ``flags``, once per language."""
    key = (get_language() or "", flags)
    html = _flag_cells.get(key)
    if html is None:
        context = {"score": {"flags": flags}, "flag_badges": flag_badges()}
        html = _flag_cells[key] = render_to_string("agencies/_flags.html", context)
    return html


# Each row's markup, filled with values escaped as Django's escape does (html.escape): printing
# some 700 values a page through the template engine cost more than the rest of the page. The
# cells are those of the table headers in templates/agencies/ranking.html.
_COMPARE_CELL = (
    '<td class="compare-pick"><input type="checkbox" name="agencies" value="{slug}"'
    ' form="compare-form" id="compare-{slug}"><label class="visually-hidden"'
    ' for="compare-{slug}">{compare}</label></td>'
)
_RANKED_ROW = (
    "<tr>" + _COMPARE_CELL + "<td>{rank}</td>"
    '<td><a href="{url}">{name}</a></td>'
    "<td>{location}</td><td>{specialties}</td><td>{score}</td><td>{engagements}</td>"
    "<td>{reply_rate}</td><td>{rating}</td><td>{flags}</td></tr>\n"
)
_UNRANKED_ROW = (
    "<tr>" + _COMPARE_CELL + '<td><a href="{url}">{name}</a></td>'
    "<td>{location}</td><td>{specialties}</td><td>{engagements}</td></tr>\n"
)


@dataclass(frozen=True)
class RankingRows:
    """The page's ranked and unranked rows, each group as the ``<tr>`` elements of its table."""

    ranked: SafeString
    unranked: SafeString


def ranking_rows(agencies: Iterable) -> RankingRows:
    """The table rows of ``RankedAgencies`` rows, in their order, ranked ones apart.

    Cells read as the agency page words them: score with its range, reply rate
    as a percentage, rating out of five, flags as badges, "—" where there is no value.
    """
    country_name = country_names()
    specialty_name = specialty_names()
    compare = gettext("Compare %(name)s")
    score_range = gettext("%(score)s (%(low)s–%(high)s)")  # noqa: RUF001 (en dash)
    not_enough_data = escape(gettext("Not enough data yet"))
    rating_out_of_five = gettext("%(rating)s / 5")
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    # Every agency's address differs only by its slug; reversing once keeps the URLconf's word.
    detail_url = reverse("agencies:detail", kwargs={"slug": "slug"})
    slug_at = detail_url.rindex("slug")
    url_start, url_end = detail_url[:slug_at], detail_url[slug_at + len("slug") :]
    ranked, unranked = [], []
    for agency in agencies:
        country = country_name.get(agency.country, "")
        cells = {
            "slug": escape(agency.slug),
            "name": escape(agency.name),
            "url": escape(f"{url_start}{agency.slug}{url_end}"),
            "compare": escape(compare % {"name": agency.name}),
            "location": escape(f"{agency.city}, {country}" if agency.city else country),
            "specialties": escape(
                ", ".join(
                    specialty_name.get(code, code)
                    for code in sorted((agency.specialty_codes or "").split(","))
                    if code
                )
                or NO_VALUE
            ),
        }
        if not agency.is_ranked:
            unranked.append(
                _UNRANKED_ROW.format(**cells, engagements=agency.score__engagements or 0)
            )
            continue
        score, rating, reply_rate = (
            agency.score__score,
            agency.score__rating,
            agency.score__reply_rate,
        )
        ranked.append(
            _RANKED_ROW.format(
                **cells,
                rank=agency.score__rank,
                engagements=agency.score__engagements,
                score=not_enough_data
                if score is None
                else escape(
                    score_range
                    % {
                        "score": _whole(score),
                        "low": _whole(agency.score__score_low),
                        "high": _whole(agency.score__score_high),
                    }
                ),
                reply_rate=NO_VALUE if reply_rate is None else f"{round(reply_rate * 100)}%",
                rating=NO_VALUE
                if rating is None
                else escape(rating_out_of_five % {"rating": _tenths(rating, decimal_separator)}),
                flags=_flags_cell(
                    tuple(flag for flag, field in FLAG_FIELDS if getattr(agency, field))
                ),
            )
        )
    # Every value above is escaped; the markup is this module's own.
    return RankingRows(
        ranked=mark_safe("".join(ranked)),  # noqa: S308
        unranked=mark_safe("".join(unranked)),  # noqa: S308
    )
