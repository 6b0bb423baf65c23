"""Server-side prepared statements for the public pages' fixed statements, on PostgreSQL.

A public page's statement is the same text on every request; only its values change. Sent as
text, PostgreSQL parses, analyses and plans it again each time: for the API's list page that
was about 0.6 ms of a 1.6 ms statement, a large share of a cold page. psycopg2 cannot prepare
statements itself, so a statement given to ``execute_prepared`` is prepared once on each
database connection (connections are kept, see DATABASE_CONN_MAX_AGE) and then executed by
name.

Only statements whose best plan does not depend on their values belong here: the connection
runs with ``plan_cache_mode=force_generic_plan`` (settings.py) so that the plan is made once,
from the statement alone. A statement filtered by a value whose selectivity varies (a
country, a search) should stay a plain query, planned for each value.

Preparing is per connection and survives rollbacks; it is done on the driver's own cursor,
like Django's own session set-up, so query counts and budgets see the statement once per
request whether or not this connection had prepared it before. SQLite has no prepared
statements across calls, and a connection opened for one request gains nothing from one:
there the statement simply runs.
"""

import itertools
import re
from collections.abc import Sequence

from django.db import DatabaseError
from django.db.backends.utils import CursorWrapper
from psycopg2 import errors

# Statements kept prepared on one connection at most, the least recently run given up first:
# the fixed statements are a few dozen, and the ranking's first page and count add one each
# per sort and set of filters that visitors use (five sorts, fifteen sets).
MAX_PREPARED = 100
# What the server says when it no longer runs a statement as it was prepared: a column it
# reads changed type ("cached plan must not change result type"), it was dropped, or a name
# is taken by one this process did not record (a PREPARE interrupted before recording it).
_FORGOTTEN = (
    errors.FeatureNotSupported,
    errors.InvalidSqlStatementName,
    errors.DuplicatePreparedStatement,
)
# psycopg2's placeholders, and its escaped percent sign, in a statement's text.
_PLACEHOLDER = re.compile(r"%([s%])")


def _numbered(sql: str) -> str:
    """``sql`` with psycopg2's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``..."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda match: "%" if match[1] == "%" else f"${next(numbers)}", sql)


def execute_prepared(cursor: CursorWrapper, sql: str, params: Sequence) -> None:
    """Run ``sql`` with ``params`` on ``cursor``; on PostgreSQL as a statement prepared once
    per connection. ``sql`` must be one of a fixed, small set of texts (see above)."""
    wrapper = cursor.db
    # A connection opened for one request (DATABASE_CONN_MAX_AGE=0) would prepare and then
    # execute: two round trips where a plain query takes one. (None keeps it for ever.)
    if wrapper.vendor != "postgresql" or wrapper.settings_dict.get("CONN_MAX_AGE", 0) == 0:
        cursor.execute(sql, params)
        return
    try:
        _execute_prepared(cursor, sql, params)
    except DatabaseError as error:
        if not isinstance(error.__cause__, _FORGOTTEN):
            raise
        # The server no longer runs the statements as this connection prepared them: a
        # migration changed a column one reads (during a deploy, before the processes
        # restart), or they were dropped. Start this connection's statements over.
        wrapper.prepared_statements = None
        if wrapper.in_atomic_block:  # the transaction is aborted; the next one starts over
            raise
        with wrapper.wrap_database_errors, wrapper.connection.cursor() as setup:
            setup.execute("DEALLOCATE ALL")
        _execute_prepared(cursor, sql, params)


def _execute_prepared(cursor: CursorWrapper, sql: str, params: Sequence) -> None:
    wrapper = cursor.db
    raw = wrapper.connection
    prepared = getattr(wrapper, "prepared_statements", None)
    if prepared is None or prepared[0] is not raw:  # a new connection knows none of them
        prepared = wrapper.prepared_statements = (raw, {}, itertools.count(1))
    _raw, names, numbers = prepared
    name = names.pop(sql, None)
    if name is None:
        name = f"agencyrank_{next(numbers)}"
        statements = f"PREPARE {name} AS {_numbered(sql)}"
        if len(names) >= MAX_PREPARED:  # the least recently run one makes room
            oldest = next(iter(names))
            statements = f"DEALLOCATE {names.pop(oldest)}; {statements}"
        # Django's error classes, as for any query; not counted as one (see above).
        with wrapper.wrap_database_errors, raw.cursor() as setup:
            setup.execute(statements)
    names[sql] = name  # the most recently run last
    placeholders = ", ".join(["%s"] * len(params))
    cursor.execute(f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}", params)
