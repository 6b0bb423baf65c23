"""Helpers for tests that check what the database itself refuses."""

from django.db import IntegrityError, connection, transaction


def rejected_by_database(write) -> bool:
    """True when ``write`` raises IntegrityError inside its own savepoint.

    Deferred constraints (the event's composite foreign key) are checked at once rather than
    at a commit that a test transaction never reaches.
    """
    try:
        with transaction.atomic():
            write()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except IntegrityError:
        return True
    return False
