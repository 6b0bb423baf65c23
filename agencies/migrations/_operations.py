"""Migration operations for one database backend, shared by the migrations that need one."""

from django.db import migrations


class RunSQLOn(migrations.RunSQL):
    """RunSQL on the ``vendor`` backend only ("postgresql", "sqlite"), skipped on others."""

    vendor = ""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RunSQLOnPostgreSQL(RunSQLOn):
    """RunSQL on PostgreSQL alone: SQLite (the local default) has no INCLUDE or GIN indexes,
    and reads a development site's few agencies as fast without them."""

    vendor = "postgresql"


class RunSQLOnSQLite(RunSQLOn):
    """RunSQL on SQLite alone, for what PostgreSQL does in its own dialect."""

    vendor = "sqlite"
