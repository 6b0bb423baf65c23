"""What the public pages' written-out statements share: names from the models' metadata, the
agencies' specialty codes, and the value conversions the ORM would have made.

The ranking (ranking.py), the API list (api_queries.py) and the agency page
(queries/agency_page.py) build their SQL once per process instead of through the ORM on each
request; they name tables and columns as the ORM does, so its compiled conditions fit in.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Field

from agencies.models import Agency, AgencyScore, Specialty


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


def specialty_codes_of(agency_key: str, *, ordered: bool) -> str:
    """A scalar subquery: the specialty codes of the agency whose id is ``agency_key`` (SQL),
    joined by commas, in code order if ``ordered`` and the database can order an aggregate
    (else in no set order: sort them in Python); None without any."""
    through = Agency.specialties.through._meta
    code = qualified(Specialty._meta.get_field("code"))
    if ordered and connection.features.supports_aggregate_order_by_clause:
        codes = f"STRING_AGG({code}, ',' ORDER BY {code})"
    elif connection.vendor == "postgresql":
        codes = f"STRING_AGG({code}, ',')"
    else:
        codes = f"GROUP_CONCAT({code}, ',')"
    return (
        f"SELECT {codes} FROM {connection.ops.quote_name(through.db_table)} "  # noqa: S608
        f"INNER JOIN {connection.ops.quote_name(Specialty._meta.db_table)} "
        f"ON {qualified(through.get_field('specialty'))} = {qualified(Specialty._meta.pk)} "
        f"WHERE {qualified(through.get_field('agency'))} = {agency_key}"
    )


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
