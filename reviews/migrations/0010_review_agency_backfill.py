"""Fill in each existing review's agency from its engagement (SQLite and PostgreSQL alike)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_agency(apps, schema_editor):
    Engagement = apps.get_model("reviews", "Engagement")
    Review = apps.get_model("reviews", "Review")
    Review.objects.using(schema_editor.connection.alias).update(
        agency_id=Subquery(
            Engagement.objects.filter(pk=OuterRef("engagement_id")).values("agency_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0009_review_agency")]

    # Going back, 0009's reversal drops the column: nothing to undo here.
    operations = [migrations.RunPython(fill_agency, migrations.RunPython.noop)]
