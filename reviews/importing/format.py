"""The CSV format of experiences, shared by the import and the export (docs/import-format.md)."""

import re

# Every column the import knows, in the order the export writes them. ``candidate`` is for
# staff imports through the command only; the export never writes it.
COLUMNS = (
    "candidate",
    "agency",
    "agency_website",
    "country",
    "engagement",
    "role",
    "source",
    "date",
    "time",
    "event",
    "note",
    "role_details_disclosed",
)
REQUIRED_COLUMNS = ("agency", "engagement", "date", "event")
EXPORT_COLUMNS = tuple(column for column in COLUMNS if column != "candidate")

# Not an event: a row that records when an engagement began. The export writes one for an
# engagement that began before its first event (or has none), so nothing is lost on the way
# back in.
STARTED = "started"

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

# Engagements logged on the site have no reference of their own; the export labels them with
# their id under this prefix, and the import finds them again by it. Generating the label
# keeps the export read-only, and the prefix keeps it apart from labels people choose.
GENERATED_REFERENCE = re.compile(r"^agencyrank-(\d{1,18})$")

# A cell a spreadsheet would run as a formula (CSV injection). The export prefixes it with an
# apostrophe, which spreadsheets show as text, and the import removes that apostrophe again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def generated_reference(engagement_id: int) -> str:
    """The label the export gives an engagement that has no reference."""
    return f"agencyrank-{engagement_id}"


def escape_cell(value: str) -> str:
    """A cell as the export writes it: formulas neutralised."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    """A cell as the export's ``escape_cell`` received it."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def column_key(name: str) -> str:
    """A header cell as a column name: "Agency Website" is ``agency_website``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
