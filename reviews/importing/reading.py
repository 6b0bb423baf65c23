"""From the bytes of an uploaded file to its header and rows of cells, or clear problems."""

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext

from reviews.importing.format import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    column_key,
    unescape_cell,
)
from reviews.importing.problems import Problem

# Magic numbers of the files people upload by mistake, with the advice for each.
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One non-blank data row: its number in the file and its cells by column name."""

    number: int
    cells: dict[str, str]


@dataclass(slots=True)
class ReadFile:
    """A file split into rows; ``problems`` about the file itself, its header or its shape.

    ``complete`` is False when reading stopped early (not UTF-8 text, too many rows, broken
    quoting): the rows read then are not worth checking further.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True


def read_rows(data: bytes) -> ReadFile:
    """Decode ``data`` as UTF-8 CSV and split it into rows (problems instead of exceptions)."""
    text, problem = _decode(data)
    if problem is not None:
        return ReadFile(problems=[problem], complete=False)
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to a language that writes decimal commas save CSV with semicolons.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    result = ReadFile()
    last_number = 0
    try:
        header = next(reader, None)
        last_number = 1
        if header is None or not any(cell.strip() for cell in header):
            result.problems.append(
                Problem(1, None, gettext("The first row must be the header of column names."))
            )
            result.complete = False
            return result
        positions = _read_header(header, result)
        for number, record in enumerate(reader, start=2):
            last_number = number
            if not any(cell.strip() for cell in record):
                continue  # blank rows (often at the end of a spreadsheet) carry nothing
            if len(result.rows) == MAX_ROWS:
                result.problems.append(
                    Problem(
                        None,
                        None,
                        gettext(
                            "The file has more than %(limit)s rows; split it into smaller files."
                        )
                        % {"limit": f"{MAX_ROWS:,}"},
                    )
                )
                result.complete = False
                return result
            result.rows.append(_read_row(number, record, header, positions, result.problems))
    except csv.Error as error:
        result.complete = False
        result.problems.append(
            Problem(
                last_number + 1,
                None,
                gettext("The file could not be read as CSV here (%(error)s).") % {"error": error},
            )
        )
    return result


def _decode(data: bytes) -> tuple[str, Problem | None]:
    """The text of ``data``, or the problem that prevents reading it."""
    save_as = gettext('Save it from your spreadsheet as "CSV UTF-8" and try again.')
    if len(data) > MAX_BYTES:
        message = gettext("The file is larger than %(limit)s; split it into smaller files.")
        return "", Problem(None, None, message % {"limit": filesizeformat(MAX_BYTES)})
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Problem(None, None, gettext("The file is in UTF-16.") + " " + save_as)
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        message = gettext("This is a spreadsheet (such as .xlsx or .xls), not a CSV file.")
        return "", Problem(None, None, f"{message} {save_as}")
    if b"\x00" in data:
        message = gettext("This is not a text file.")
        return "", Problem(None, None, f"{message} {save_as}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = gettext(
            "The file is not UTF-8 text (the first bad character is on line %(line)s)."
        )
        return "", Problem(None, None, f"{message % {'line': line}} {save_as}")
    if not text.strip():
        return "", Problem(None, None, gettext("The file is empty."))
    return text, None


def _read_header(header: list[str], result: ReadFile) -> dict[str, int]:
    """Column positions by name; unknown, repeated and missing columns become problems."""
    positions: dict[str, int] = {}
    known = get_text_list(list(COLUMNS), gettext("and"))
    for index, cell in enumerate(header):
        name = column_key(cell)
        if not name:
            result.problems.append(
                Problem(1, None, gettext("Column %(number)s has no name.") % {"number": index + 1})
            )
        elif name in positions:
            result.problems.append(Problem(1, name, gettext("This column appears more than once.")))
        elif name not in COLUMNS:
            message = gettext("Unknown column. The columns are %(columns)s.") % {"columns": known}
            result.problems.append(Problem(1, cell.strip()[:100], message))
        else:
            positions[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            result.problems.append(Problem(1, name, gettext("This required column is missing.")))
    result.columns = list(positions)
    return positions


def _read_row(
    number: int,
    record: list[str],
    header: list[str],
    positions: dict[str, int],
    problems: list[Problem],
) -> RawRow:
    """One row's cells by column; extra cells that hold something are a problem."""
    extra = [cell for cell in record[len(header) :] if cell.strip()]
    if extra:
        problems.append(
            Problem(
                number,
                None,
                gettext("This row has %(cells)s cells but the header has %(columns)s columns.")
                % {"cells": len(record), "columns": len(header)},
            )
        )
    # Rows shorter than the header (hand-written files) have empty trailing cells.
    cells = {
        name: unescape_cell(record[index].strip()) if index < len(record) else ""
        for name, index in positions.items()
    }
    return RawRow(number=number, cells=cells)
