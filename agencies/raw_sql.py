"""What the public pages' written-out statements share: names from the models' metadata and
the value conversions the ORM would have made.

The ranking (ranking.py), the API list (api_queries.py) and the agency page
(queries/agency_page.py) build their SQL once per process instead of through the ORM on each
request; they name tables and columns as the ORM does, so its compiled conditions fit in.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Field

from agencies.models import Agency, AgencyScore


def agency_field(name: str) -> Field:
    """The field at ``name`` from an agency: "pk", one of its own fields, or "score__<field>"
    of its score row."""
    if name.startswith("score__"):
        return AgencyScore._meta.get_field(name.removeprefix("score__"))
    return Agency._meta.pk if name == "pk" else Agency._meta.get_field(name)


def qualified(field: Field) -> str:
    """``field``'s column, qualified by its table's name, quoted for the current backend."""
    quote = connection.ops.quote_name
    return f"{quote(field.model._meta.db_table)}.{quote(field.column)}"


def converted(expressions: Iterable) -> tuple[tuple[int, object], ...]:
    """(position, expression) of the selected ``expressions`` whose values the backend
    converts: on PostgreSQL only JSON, whose driver gives dates, numbers and booleans as
    they are; on SQLite dates and booleans too."""
    return tuple(
        (index, expression)
        for index, expression in enumerate(expressions)
        if connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    )


def convert_rows(rows: list[tuple], columns: Iterable[tuple[int, object]]) -> None:
    """Convert, in place, the values at ``columns`` (from ``converted``) of ``rows``, as the
    ORM converts what it reads."""
    for index, expression in columns:
        converters = connection.ops.get_db_converters(expression)
        converters += expression.get_db_converters(connection)
        for number, row in enumerate(rows):
            value = row[index]
            for converter in converters:
                value = converter(value, expression, connection)
            rows[number] = (*row[:index], value, *row[index + 1 :])
