"""Agencies side by side: which agencies a comparison asks for, and its rows with the best
values marked.

Pure on purpose: no Django and no database, so the rules (which value is best, what a tie
is, what the URL holds) are unit-tested in milliseconds. The view reads the agencies and
turns these rows into words.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MIN_AGENCIES = 2
MAX_AGENCIES = 4
# Slugs read from one URL: enough for a few typos beside four agencies, and a bound on the
# query that resolves them whatever someone pastes into the address bar.
MAX_SLUGS_READ = 20
MAX_SLUG_LENGTH = 220  # Agency.slug's max_length


@dataclass(frozen=True, slots=True)
class SlugRequest:
    """The slugs a comparison URL asks for, in order and without repeats."""

    slugs: tuple[str, ...]
    ignored: int  # slugs beyond MAX_SLUGS_READ, never looked up


def requested_slugs(values: Iterable[str]) -> SlugRequest:
    """The slugs in ``values`` (each one slug or several separated by commas), deduplicated.

    Blank entries are skipped and surrounding spaces dropped, so that
    ``?agencies=acme, blue-fox,`` works.
    """
    seen: dict[str, None] = {}
    ignored = 0
    for value in values:
        for part in value.split(","):
            slug = part.strip()[:MAX_SLUG_LENGTH]
            if not slug or slug in seen:
                continue
            if len(seen) >= MAX_SLUGS_READ:
                ignored += 1
                continue
            seen[slug] = None
    return SlugRequest(tuple(seen), ignored)


def comparison_query(slugs: Sequence[str]) -> str:
    """The canonical value of ``?agencies=`` for ``slugs``: comma-separated, in order."""
    return ",".join(dict.fromkeys(slugs))


def with_slug(slugs: Sequence[str], slug: str) -> tuple[str, ...]:
    """``slugs`` with ``slug`` added at the end (once)."""
    return tuple(dict.fromkeys([*slugs, slug]))


def without_slug(slugs: Sequence[str], slug: str) -> tuple[str, ...]:
    """``slugs`` without ``slug``."""
    return tuple(s for s in slugs if s != slug)


@dataclass(frozen=True, slots=True)
class AgencyFacts:
    """What the comparison shows of one agency. Rates go from 0 to 1; None means no value.

    ``ranked`` is False for an agency without enough data: it has no score or rank, and its
    other values are shown but never marked best (one lucky engagement is not evidence).
    """

    slug: str
    name: str
    ranked: bool
    score: float | None = None
    score_low: float | None = None
    score_high: float | None = None
    rank: int | None = None
    engagements: int = 0
    reply_rate: float | None = None
    median_reply_days: float | None = None
    ghosting_rate: float | None = None
    feedback_rate: float | None = None
    follow_up_rate: float | None = None
    cv_harvest_rate: float | None = None
    salary_fishing_rate: float | None = None
    rating: float | None = None
    flags: tuple[str, ...] = ()
    city: str = ""
    country: str = ""
    specialties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measure:
    """A compared metric: which way is better, and the precision at which it is shown.

    Values are compared as shown, so two agencies that both show 71% tie even when their
    stored rates differ in the fourth decimal.
    """

    key: str
    higher_is_better: bool
    scale: float = 1
    digits: int = 0


# The rows with a best value, in the order the page shows them. Experiences counted, flags,
# location and specialties are context rather than quality, so they have no best.
MEASURES = (
    Measure("score", higher_is_better=True),
    Measure("rank", higher_is_better=False),
    Measure("reply_rate", higher_is_better=True, scale=100),
    Measure("median_reply_days", higher_is_better=False, digits=1),
    Measure("ghosting_rate", higher_is_better=False, scale=100),
    Measure("feedback_rate", higher_is_better=True, scale=100),
    Measure("follow_up_rate", higher_is_better=True, scale=100),
    Measure("cv_harvest_rate", higher_is_better=False, scale=100),
    Measure("salary_fishing_rate", higher_is_better=False, scale=100),
    Measure("rating", higher_is_better=True, digits=1),
)
MEASURE_OF = {measure.key: measure for measure in MEASURES}


def shown_value(value: float | None, measure: Measure) -> Decimal | None:
    """``value`` as the page shows it: scaled (rates as percentages) and rounded half up."""
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-measure.digits)
    return (Decimal(str(value)) * Decimal(str(measure.scale))).quantize(
        exponent, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True, slots=True)
class Cell:
    """One agency's value in one row: as shown (None for no value) and whether it is best."""

    shown: Decimal | None
    best: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One compared metric across the agencies, in the agencies' order."""

    key: str
    cells: tuple[Cell, ...]

    @property
    def has_best(self) -> bool:
        return any(cell.best for cell in self.cells)


def _value(agency: AgencyFacts, key: str) -> float | None:
    # Without enough data an agency has no score and no rank, whatever the row holds.
    if key in ("score", "rank") and not agency.ranked:
        return None
    return getattr(agency, key)


def best_positions(values: Sequence[Decimal | None], *, higher_is_better: bool) -> set[int]:
    """Positions of the best of ``values`` (every one on a tie); empty when none has a value.

    A single value is the best of its row: the others have nothing to show.
    """
    present = [value for value in values if value is not None]
    if not present:
        return set()
    best = max(present) if higher_is_better else min(present)
    return {index for index, value in enumerate(values) if value == best}


def comparison_rows(agencies: Sequence[AgencyFacts]) -> list[Row]:
    """One row per measure, each agency's value as shown, the best ones marked.

    Only agencies with enough data compete for best; the others show their values unmarked.
    """
    rows = []
    for measure in MEASURES:
        shown = [shown_value(_value(agency, measure.key), measure) for agency in agencies]
        competing = [
            value if agency.ranked else None for agency, value in zip(agencies, shown, strict=True)
        ]
        best = best_positions(competing, higher_is_better=measure.higher_is_better)
        rows.append(
            Row(
                measure.key,
                tuple(Cell(value, index in best) for index, value in enumerate(shown)),
            )
        )
    return rows
