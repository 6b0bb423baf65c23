"""From one row's cells to typed values, each bad cell reported with its column."""

import datetime
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django_countries import countries

from agencies.matching import domain_from_website, normalise_name
from reviews.event_kinds import Kind
from reviews.importing.format import STARTED, column_key
from reviews.importing.problems import Problem
from reviews.importing.reading import RawRow
from reviews.models import Engagement, Event, Source

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
TRUE_WORDS = frozenset({"true", "yes"})
FALSE_WORDS = frozenset({"false", "no"})
# The lengths of the fields the values end up in, so no value is cut or refused on save.
AGENCY_NAME_MAX = 200
WEBSITE_MAX = 300
DOMAIN_MAX = 253
REFERENCE_MAX = Engagement._meta.get_field("reference").max_length
ROLE_MAX = Engagement._meta.get_field("role_title").max_length
NOTE_MAX = Event._meta.get_field("note").max_length
EMAIL_MAX = 254
SOURCE_ALIASES = {"e_mail": Source.EMAIL, "jobboard": Source.JOB_BOARD}
_website_validator = URLValidator(schemes=["http", "https"])


@dataclass(slots=True)
class RowValues:
    """A row's values once read; a value is empty (or None) when its cell was bad."""

    number: int
    candidate: str  # e-mail in lower case; empty: the import's default candidate
    agency_name: str
    website: str
    domain: str
    name_key: str
    country: str
    reference: str
    role: str
    source: str
    day: datetime.date | None
    time: datetime.time | None
    kind: str  # an event kind, or STARTED
    note: str
    disclosed: bool | None
    groupable: bool  # agency, engagement and candidate read well: the row has its engagement
    usable: bool  # and its date and event too: the row can be an event


@functools.cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in countries)


def read_values(raw: RawRow, problems: list[Problem], *, today: datetime.date) -> RowValues:
    """The values of one row; every bad cell adds a problem naming its column."""
    cells = raw.cells
    found: list[Problem] = []

    def bad(column: str, message: str) -> None:
        found.append(Problem(raw.number, column, message))

    required = gettext("Required.")
    too_long = gettext("At most %(limit)s characters.")

    agency_name = cells.get("agency", "")
    name_key = normalise_name(agency_name)
    if "agency" in cells and not agency_name:
        bad("agency", required)
    elif len(agency_name) > AGENCY_NAME_MAX:
        bad("agency", too_long % {"limit": AGENCY_NAME_MAX})
    elif agency_name and not name_key:
        bad("agency", gettext("An agency name needs at least one letter or digit."))

    website, domain = _website(cells.get("agency_website", ""), bad)
    country = _country(cells.get("country", ""), bad)

    reference = cells.get("engagement", "")
    if "engagement" in cells and not reference:
        bad("engagement", required)
    elif len(reference) > REFERENCE_MAX:
        bad("engagement", too_long % {"limit": REFERENCE_MAX})

    role = cells.get("role", "")
    if len(role) > ROLE_MAX:
        bad("role", too_long % {"limit": ROLE_MAX})
        role = ""
    source = _source(cells.get("source", ""), bad)
    day = _date(cells.get("date", ""), "date" in cells, bad, today=today)
    time = _time(cells.get("time", ""), bad)
    kind = _kind(cells.get("event", ""), "event" in cells, bad)

    note = cells.get("note", "").replace("\r\n", "\n")
    if len(note) > NOTE_MAX:
        bad("note", too_long % {"limit": NOTE_MAX})
    disclosed = _disclosed(cells.get("role_details_disclosed", ""), kind, bad)
    if kind == STARTED:
        for column, value in (("time", time), ("note", note)):
            if value:
                bad(column, gettext("A “started” row records a date only; leave this empty."))

    candidate = _candidate(cells.get("candidate", ""), bad)
    problems.extend(found)
    columns = {problem.column for problem in found}
    groupable = bool(agency_name and name_key and reference) and not columns & {
        "agency",
        "agency_website",
        "engagement",
        "candidate",
    }
    return RowValues(
        number=raw.number,
        candidate=candidate,
        agency_name=agency_name,
        website=website,
        domain=domain,
        name_key=name_key,
        country=country,
        reference=reference,
        role=role,
        source=source,
        day=day,
        time=time,
        kind=kind,
        note=note,
        disclosed=disclosed,
        groupable=groupable,
        usable=groupable and bool(day and kind),
    )


def _website(value: str, bad) -> tuple[str, str]:
    if not value:
        return "", ""
    website = value if "://" in value else f"https://{value}"
    try:
        _website_validator(website)
    except ValidationError:
        bad("agency_website", gettext("Enter a website address such as https://acme.example."))
        return "", ""
    domain = domain_from_website(website)
    if len(website) > WEBSITE_MAX or len(domain) > DOMAIN_MAX:
        bad("agency_website", gettext("At most %(limit)s characters.") % {"limit": WEBSITE_MAX})
        return "", ""
    return website, domain


def _country(value: str, bad) -> str:
    if not value:
        return ""
    code = value.upper()
    if len(code) == 2 and code in country_codes():
        return code
    suggestion = countries.by_name(value) or countries.alpha2(value)
    if suggestion:
        bad(
            "country",
            gettext("Use the two-letter country code: %(code)s.") % {"code": suggestion},
        )
    else:
        bad(
            "country",
            gettext("Unknown country: use a two-letter ISO 3166 code such as GB or ES."),
        )
    return ""


def _source(value: str, bad) -> str:
    if not value:
        return ""
    key = column_key(value)
    key = SOURCE_ALIASES.get(key, key)
    if key in Source.values:
        return key
    bad(
        "source",
        gettext("Unknown source: use %(values)s.")
        % {"values": get_text_list(list(Source.values), gettext("or"))},
    )
    return ""


def _date(value: str, present: bool, bad, *, today: datetime.date) -> datetime.date | None:
    if not value:
        if present:
            bad("date", gettext("Required."))
        return None
    if not ISO_DATE.match(value):
        bad("date", gettext("Write the date as YYYY-MM-DD, such as 2026-01-05."))
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        bad("date", gettext("This date does not exist."))
        return None
    if day > today:
        bad("date", gettext("The date cannot be in the future."))
        return None
    return day


def _time(value: str, bad) -> datetime.time | None:
    if not value:
        return None
    match = CLOCK_TIME.match(value)
    try:
        if match is None:
            raise ValueError(value)
        hour, minute, second = (int(part or 0) for part in match.groups())
        return datetime.time(hour, minute, second)
    except ValueError:
        bad("time", gettext("Write the time as HH:MM on a 24-hour clock, such as 14:30."))
        return None


def _kind(value: str, present: bool, bad) -> str:
    if not value:
        if present:
            bad("event", gettext("Required."))
        return ""
    key = column_key(value)
    if key in Kind or key == STARTED:
        return key
    bad(
        "event",
        gettext("Unknown event: use %(kinds)s (or “started”).")
        % {"kinds": get_text_list([str(kind) for kind in Kind], gettext("or"))},
    )
    return ""


def _disclosed(value: str, kind: str, bad) -> bool | None:
    if not value:
        return None
    word = value.lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        bad("role_details_disclosed", gettext("Write true, false, or leave it empty."))
        return None
    if kind and kind != Kind.SALARY_ASKED:
        # The same rule as the logbook's form: disclosure describes a pay question only.
        bad(
            "role_details_disclosed",
            gettext("Disclosure is recorded only on salary_asked rows; leave it empty here."),
        )
        return None
    return word in TRUE_WORDS


def _candidate(value: str, bad) -> str:
    if not value:
        return ""
    try:
        if len(value) > EMAIL_MAX:
            raise ValidationError(value)
        validate_email(value)
    except ValidationError:
        bad("candidate", gettext("Enter a valid e-mail address."))
        return ""
    return value.lower()
