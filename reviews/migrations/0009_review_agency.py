"""Each review carries its engagement's agency, like events: nullable until it is filled in.

Three migrations (add, fill, require) so that no migration alters the table after updating
its rows in the same transaction, which PostgreSQL refuses while deferred checks are pending.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0008_unlisted_agency_index"),
        ("reviews", "0008_agency_merged"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="agency",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reviews",
                to="agencies.agency",
                verbose_name="agency",
            ),
        ),
    ]
