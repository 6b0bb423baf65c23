from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from agencies.migrations._operations import RunSQLOnPostgreSQL

# Every search on the site (the ranking's ?q=, the API's ?search=, the agency lookups) looks
# for the query inside the agency's name in any case, its normalised name key or its
# website's domain, the last two stored in lower case (agencies/matching.py search_lookups):
# LIKE '%acme%', which a B-tree cannot serve. Without these, each search read all 10,000
# agencies of the bench database, twice on the ranking (count and rows). Trigram indexes
# serve a query of three characters or more; shorter ones still read every agency. pg_trgm
# ships with PostgreSQL and is a trusted extension: the database's owner may create it.
INDEXES = [
    (
        "agency_name_trgm_idx",
        # As name__icontains compiles: UPPER("name"::text) LIKE UPPER(%s).
        "CREATE INDEX agency_name_trgm_idx ON agencies_agency "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)",
    ),
    (
        "agency_name_key_trgm_idx",
        "CREATE INDEX agency_name_key_trgm_idx ON agencies_agency "
        "USING gin (name_key gin_trgm_ops)",
    ),
    (
        "agency_domain_trgm_idx",
        "CREATE INDEX agency_domain_trgm_idx ON agencies_agency USING gin (domain gin_trgm_ops)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0012_listed_city_index"),
    ]

    operations = [
        TrigramExtension(),
        *(RunSQLOnPostgreSQL(create, reverse_sql=f"DROP INDEX {name}") for name, create in INDEXES),
    ]
