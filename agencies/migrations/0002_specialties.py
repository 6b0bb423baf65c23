from django.db import migrations

CODES = [
    "technology", "finance", "engineering", "healthcare", "sales", "marketing", "legal",
    "human_resources", "executive", "hospitality", "logistics", "education", "construction",
    "creative", "administration",
]


def create_specialties(apps, schema_editor):
    Specialty = apps.get_model("agencies", "Specialty")
    for code in CODES:
        Specialty.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(create_specialties, migrations.RunPython.noop)]
