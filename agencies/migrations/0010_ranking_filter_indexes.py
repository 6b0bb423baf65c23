from django.db import migrations

from agencies.migrations._operations import RunSQLOnPostgreSQL


# The ranking filtered by country and specialty, read from indexes alone. Its count read a
# thousand agency rows and as many specialty links from the tables (a country's agencies are
# spread over hundreds of pages) to keep a hundred, and its page read the same rows again.
# Links by specialty now carry their agency, and listed agencies by country what the ranking
# shows of them (agencies/ranking.py RANKING_FIELDS: name, slug, city): a column added to
# the ranking's rows belongs in the INCLUDE too. On the bench database (10,000 agencies) a
# country and specialty page's count went from 1.2 to 0.7 ms, its rows from 2.1 to 1.6 ms.
#
# Written out: the link table is the one Django makes for Agency.specialties, which has no
# Meta to declare an index in, and both indexes are PostgreSQL's alone.
INDEXES = [
    (
        "agency_specialty_holders_idx",
        "CREATE INDEX agency_specialty_holders_idx "
        "ON agencies_agency_specialties (specialty_id, agency_id)",
    ),
    (
        "agency_listed_country_idx",
        "CREATE INDEX agency_listed_country_idx ON agencies_agency (country, id) "
        "INCLUDE (name, slug, city) WHERE is_active AND merged_into_id IS NULL",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0009_listed_agency_count"),
    ]

    operations = [
        RunSQLOnPostgreSQL(create, reverse_sql=f"DROP INDEX {name}") for name, create in INDEXES
    ]
