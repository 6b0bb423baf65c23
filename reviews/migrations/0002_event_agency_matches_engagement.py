"""An event's agency is always its engagement's agency, enforced by PostgreSQL.

Django cannot declare a composite foreign key, so it is added here. ON UPDATE CASCADE
carries events along when an engagement moves to another agency (a merge).
"""

from django.db import migrations

ADD = """
ALTER TABLE reviews_event ADD CONSTRAINT event_agency_matches_engagement
    FOREIGN KEY (engagement_id, agency_id) REFERENCES reviews_engagement (id, agency_id)
    ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
"""
DROP = "ALTER TABLE reviews_event DROP CONSTRAINT event_agency_matches_engagement"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
