"""The ranking's table rows, put together once per row in Python.

The ranking shows 50 agencies a page; formatting each cell through template filters and
per-row includes cost most of the page's time, so the numbers, names and labels are
formatted here and the rows' markup filled in. The cells read as the agency page's partials
render them (agencies/_score.html, agencies/_flags.html) and as Django's floatformat and
widthratio would.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from itertools import product

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_countries import countries

from agencies.display import flag_badges, whole_number
from agencies.models import SCORE_FLAGS, SpecialtyCode

NO_VALUE = "—"
# Score-row flags in the order the agency page lists its badges (AgencyScore.flags).
FLAGS = tuple(name for name, _field in SCORE_FLAGS)
_TENTH = Decimal("0.1")

# Country and specialty names, and the rows' words, are looked up once per language and
# process (functools.cache keyed by the language, as agencies/display does): translating ~250
# country names on every request was a large share of the page's time.


def country_names() -> dict[str, str]:
    """Country code → its name in the active language, in the order the filter lists them."""
    return _country_names(get_language())


@functools.cache
def _country_names(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}


def specialty_names() -> dict[str, str]:
    """Specialty code → its label in the active language."""
    return _specialty_names(get_language())


@functools.cache
def _specialty_names(language: str | None) -> dict[str, str]:
    return {code: str(label) for code, label in SpecialtyCode.choices}


def _escape(text: str) -> str:
    """``text`` escaped as Django's escape does (html.escape), or as it is if nothing in it
    needs escaping, which is most names and places, for less than half the time."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def _tenths(value: float, decimal_separator: str) -> str:
    """``value|floatformat:1`` for ratings (1 to 5): one decimal, rounded half up."""
    rounded = Decimal(str(value)).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return str(rounded).replace(".", decimal_separator)


@dataclass(frozen=True)
class _Words:
    """The rows' fixed words in one language, escaped for HTML once."""

    countries: dict[str, str]  # code → name
    specialties: dict[str, str]  # code → label
    compare: str  # "Compare %(name)s"
    score_range: str  # "%(score)s (%(low)s to %(high)s)", with an en dash
    not_enough_data: str
    rating: str  # "%(rating)s / 5"
    decimal_separator: str
    flags: dict[tuple[bool, bool, bool], str]  # (ghosting, cv, salary) → the flags cell


def _words_of_language() -> _Words:
    # They depend only on the code and the language, and looking up and escaping them cell by
    # cell cost about a third of the rows' time.
    return _words(get_language())


@functools.cache
def _words(language: str | None) -> _Words:
    return _Words(
        countries={code: escape(name) for code, name in country_names().items()},
        specialties={code: escape(label) for code, label in specialty_names().items()},
        compare=escape(gettext("Compare %(name)s")),
        score_range=escape(gettext("%(score)s (%(low)s–%(high)s)")),  # noqa: RUF001
        not_enough_data=escape(gettext("Not enough data yet")),
        rating=escape(gettext("%(rating)s / 5")),
        decimal_separator=escape(get_format("DECIMAL_SEPARATOR")),
        flags={raised: _flags_cell(raised) for raised in product((False, True), repeat=3)},
    )


def _flags_cell(raised: tuple[bool, ...]) -> str:
    """The agency page's flag badges (agencies/_flags.html) for the ``raised`` FLAGS."""
    flags = tuple(flag for flag, is_raised in zip(FLAGS, raised, strict=True) if is_raised)
    context = {"score": {"flags": flags}, "flag_badges": flag_badges()}
    return render_to_string("agencies/_flags.html", context)


@dataclass(frozen=True)
class RankingRows:
    """The page's ranked and unranked rows, each group as the ``<tr>`` elements of its table."""

    ranked: SafeString
    unranked: SafeString


def ranking_rows(agencies: Iterable) -> RankingRows:
    """The table rows of ``RankedAgencies`` rows, in their order, ranked ones apart.

    Cells read as the agency page words them: score with its range, reply rate
    as a percentage, rating out of five, flags as badges, "—" where there is no value.
    Each agency's text is escaped once, as Django's escape does (html.escape); numbers and
    the words above need none. The cells are those of the table headers in
    templates/agencies/ranking.html.
    """
    words = _words_of_language()
    country_name, specialty_name = words.countries, words.specialties
    # Every agency's address differs only by its slug; reversing once keeps the URLconf's word.
    detail_url = reverse("agencies:detail", kwargs={"slug": "slug"})
    slug_at = detail_url.rindex("slug")
    url_start, url_end = escape(detail_url[:slug_at]), escape(detail_url[slug_at + len("slug") :])
    ranked, unranked = [], []
    specialties_of: dict[str | None, str] = {}  # this page's agencies share a few sets
    for agency in agencies:
        slug, name = _escape(agency.slug), _escape(agency.name)
        country = country_name.get(agency.country, "")
        location = f"{_escape(agency.city)}, {country}" if agency.city else country
        codes = agency.specialty_codes
        specialties = specialties_of.get(codes)
        if specialties is None:
            specialties = specialties_of[codes] = (
                ", ".join(
                    specialty_name.get(code) or _escape(code)
                    for code in sorted((codes or "").split(","))
                    if code
                )
                or NO_VALUE
            )
        start = (
            f'<tr><td class="compare-pick"><input type="checkbox" name="agencies" value="{slug}"'
            f' form="compare-form" id="compare-{slug}"><label class="visually-hidden"'
            f' for="compare-{slug}">{words.compare % {"name": name}}</label></td>'
        )
        agency_cells = (
            f'<td><a href="{url_start}{slug}{url_end}">{name}</a></td>'
            f"<td>{location}</td><td>{specialties}</td>"
        )
        if not agency.is_ranked:
            engagements = agency.score__engagements or 0
            unranked.append(f"{start}{agency_cells}<td>{engagements}</td></tr>\n")
            continue
        score, rating, reply_rate = (
            agency.score__score,
            agency.score__rating,
            agency.score__reply_rate,
        )
        if score is None:
            score_cell = words.not_enough_data
        else:
            score_cell = words.score_range % {
                "score": whole_number(score),
                "low": whole_number(agency.score__score_low),
                "high": whole_number(agency.score__score_high),
            }
        if rating is None:
            rating_cell = NO_VALUE
        else:
            rating_cell = words.rating % {"rating": _tenths(rating, words.decimal_separator)}
        flags = words.flags[
            bool(agency.score__flag_ghosting),
            bool(agency.score__flag_cv_harvesting),
            bool(agency.score__flag_salary_fishing),
        ]
        ranked.append(
            f"{start}<td>{agency.score__rank}</td>{agency_cells}<td>{score_cell}</td>"
            f"<td>{agency.score__engagements}</td>"
            f"<td>{NO_VALUE if reply_rate is None else f'{round(reply_rate * 100)}%'}</td>"
            f"<td>{rating_cell}</td><td>{flags}</td></tr>\n"
        )
    # Every value above is escaped; the markup is this module's own.
    return RankingRows(
        ranked=mark_safe("".join(ranked)),  # noqa: S308
        unranked=mark_safe("".join(unranked)),  # noqa: S308
    )
