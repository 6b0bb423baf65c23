"""Risk signals on what candidates submit, for moderators to weigh (pure, no Django).

A signal is a hint, never a verdict: a moderator reads the review or the engagement and
decides. Detection therefore errs towards showing a signal; the patterns below say which
false alarms they accept and which they avoid. ``reviews.models.RiskSignal`` gives each
code its plain-words label, and ``reviews.screening`` gathers the facts from the database.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum


class Signal(StrEnum):
    NEW_ACCOUNT = "new_account"
    UNVERIFIED_EMAIL = "unverified_email"
    BURST = "burst"
    NEAR_DUPLICATE = "near_duplicate"
    AGENCY_DOMAIN = "agency_domain"
    EMAIL_ADDRESS = "email_address"
    PHONE_NUMBER = "phone_number"
    LINK = "link"


class Level(StrEnum):
    NONE = "none"
    LOW = "low"
    HIGH = "high"


# High: a brigade (a burst of new accounts), the agency writing about itself, a copied
# text, or someone's contact details about to be published. The rest (a new or unverified
# account, a link) is common among genuine candidates and only worth a look.
HIGH_SIGNALS = frozenset(
    {
        Signal.BURST,
        Signal.AGENCY_DOMAIN,
        Signal.NEAR_DUPLICATE,
        Signal.EMAIL_ADDRESS,
        Signal.PHONE_NUMBER,
    }
)
# What holds an engagement out of scores until a moderator looks: the signals that say the
# engagement itself may not be genuine (text signals belong to reviews).
HOLDING_SIGNALS = frozenset({Signal.BURST, Signal.AGENCY_DOMAIN})
ORDER = list(Signal)


def risk_level(signals: Iterable[str]) -> Level:
    """HIGH when any signal is high, LOW when there are only others, NONE without any."""
    found = set(signals)
    if found & HIGH_SIGNALS:
        return Level.HIGH
    return Level.LOW if found else Level.NONE


def holds_engagement(signals: Iterable[str]) -> bool:
    """True when an engagement with these signals waits for a moderator before it counts."""
    return bool(set(signals) & HOLDING_SIGNALS)


def in_order(signals: Iterable[str]) -> list[str]:
    """The distinct signal codes in one fixed order, as they are stored."""
    found = set(signals)
    return [str(signal) for signal in ORDER if signal in found]


# --- The account -----------------------------------------------------------------------------


def account_is_new(
    joined_at: datetime.datetime, *, now: datetime.datetime, new_account_days: int
) -> bool:
    """True when the account was opened less than ``new_account_days`` before ``now``."""
    return now - joined_at < datetime.timedelta(days=new_account_days)


def email_domain(email: str) -> str:
    """The lower-cased domain of an e-mail address; empty when there is none."""
    _, at, domain = email.strip().rpartition("@")
    return domain.lower().rstrip(".") if at else ""


def on_agency_domain(email: str, agency_domain: str) -> bool:
    """True when ``email`` is at the agency's domain or one of its subdomains."""
    domain, agency_domain = email_domain(email), agency_domain.lower().strip(".")
    if not domain or not agency_domain:
        return False
    return domain == agency_domain or domain.endswith(f".{agency_domain}")


# --- The text --------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# A scheme, "www.", or a domain followed by a path ("bit.ly/x"); a bare "acme.com" is not
# a link: reviews name agencies by their websites all the time.
_LINK = re.compile(
    r"\bhttps?://\S+|\bwww\.[\w-]+\.\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S+", re.IGNORECASE
)
# A run of digits with the separators phone numbers are written with (spaces, dots, dashes,
# brackets), optionally after "+": "+34 612 345 678", "(555) 123-4567", "0612345678".
# Slashes are left out so that dates ("01/05/2024") never join up into a number.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d \t\u00a0().\-]{6,}\d(?!\w)")
_DIGIT_GROUP = re.compile(r"\d+")
PHONE_MIN_DIGITS = 9  # the shortest national numbers without the country code
PHONE_MAX_DIGITS = 15  # E.164's longest number
_YEAR = re.compile(r"(19|20)\d\d")
# "42000 - 48000" is a range; phone numbers do not put spaces around their dashes.
_RANGE_DASH = re.compile(r"\s[-\u2013]\s?|\s?[-\u2013]\s")


def find_email_addresses(text: str) -> list[str]:
    """The e-mail addresses written in ``text``."""
    return _EMAIL.findall(text)


def find_links(text: str) -> list[str]:
    """The links written in ``text`` (not bare domain names)."""
    return _LINK.findall(_EMAIL.sub(" ", text))


def _looks_like_phone(candidate: str) -> bool:
    groups = _DIGIT_GROUP.findall(candidate)
    digits = sum(len(group) for group in groups)
    if not PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS:
        return False
    # "2019-2021 2022" is years, "30.000-35.000" is a salary range: not phone numbers.
    if len(groups) > 1 and all(_YEAR.fullmatch(group) for group in groups):
        return False
    return "000" not in groups


def find_phone_numbers(text: str) -> list[str]:
    """The phone numbers written in ``text``, in national or international formats.

    Runs of 9 to 15 digits count, except those that read as years or amounts; a nine-digit
    reference number is a false alarm this accepts (a moderator sees the text).
    """
    cleaned = _LINK.sub(" ", _EMAIL.sub(" ", text))
    return [
        part.strip()
        for match in _PHONE_CANDIDATE.finditer(cleaned)
        for part in _RANGE_DASH.split(match.group())
        if _looks_like_phone(part)
    ]


def text_signals(text: str) -> set[Signal]:
    """The signals found in a review's text: personal data and links."""
    found = set()
    if find_email_addresses(text):
        found.add(Signal.EMAIL_ADDRESS)
    if find_phone_numbers(text):
        found.add(Signal.PHONE_NUMBER)
    if find_links(text):
        found.add(Signal.LINK)
    return found


# --- Near-duplicate texts --------------------------------------------------------------------

SHINGLE_SIZE = 5
_NOT_WORD = re.compile(r"[\W_]+")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """The character ``size``-grams of ``text`` once case, accents and punctuation are gone.

    Characters rather than words: reviews are short, and a brigade's light edits (a word
    swapped, a typo) leave most character grams in place.
    """
    plain = _normalise(text)
    if len(plain) <= size:
        return frozenset({plain}) if plain else frozenset()
    return frozenset(plain[i : i + size] for i in range(len(plain) - size + 1))


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    """Shared shingles over all shingles of both; 0 when both are empty."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def is_near_duplicate(text: str, others: Iterable[str], *, threshold: float) -> bool:
    """True when ``text`` shares at least ``threshold`` of its shingles with one of ``others``."""
    mine = shingles(text)
    if not mine:
        return False
    return any(jaccard(mine, shingles(other)) >= threshold for other in others)
