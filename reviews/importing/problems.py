"""What is wrong with an import, row by row and column by column."""

from dataclasses import dataclass

from django.utils.translation import gettext

from reviews.importing.format import COLUMNS


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a file cannot be imported.

    ``row`` is numbered as in the file, the header being row 1 (None: the whole file);
    ``column`` is a column name (None: the whole row or file).
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return gettext("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return gettext("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    @property
    def sort_key(self) -> tuple[int, int, str]:
        position = COLUMNS.index(self.column) if self.column in COLUMNS else len(COLUMNS)
        return (self.row or 0, position, self.column or "")
