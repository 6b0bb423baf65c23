"""A review's agency is required and always its engagement's agency, enforced by PostgreSQL.

As for events (0002): Django cannot declare a composite foreign key, so it is added here, and
ON UPDATE CASCADE carries reviews along when an engagement moves to another agency (a merge).
The partial index serves an agency page's latest published reviews.
"""

import django.db.models.deletion
from django.db import migrations, models

ADD = """
ALTER TABLE reviews_review ADD CONSTRAINT review_agency_matches_engagement
    FOREIGN KEY (engagement_id, agency_id) REFERENCES reviews_engagement (id, agency_id)
    ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
"""
DROP = "ALTER TABLE reviews_review DROP CONSTRAINT review_agency_matches_engagement"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0010_review_agency_backfill")]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="agency",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reviews",
                to="agencies.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["agency", "-published_at", "-id"],
                name="review_agency_published_idx",
            ),
        ),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
