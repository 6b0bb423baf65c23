from django.db import migrations, models

from agencies.migrations._operations import RunSQLOnPostgreSQL, RunSQLOnSQLite

# Agency.specialty_codes follows the agency's links to specialties, whatever writes them: the
# admin, the services, imports, a merge or plain SQL. One trigger on the agency table writes
# the codes of the agency's links whenever the row is written with the column (so a save()
# of an agency read before its links changed cannot put stale codes back); the triggers on
# the link table and on a renamed specialty code only rewrite the column of the agencies
# concerned, which sets that one off. Before, the ranking and the API looked the codes up
# for each of a page's 50 agencies (0.3 to 0.4 ms a page on PostgreSQL). The agency row's
# update touches neither is_active nor merged_into_id, so the listed count's triggers (0009)
# do not run for it.

# Rewriting an agency's column, which the agency table's trigger fills in.
REWRITE = "UPDATE agencies_agency SET specialty_codes = specialty_codes"

POSTGRESQL = [
    """
    CREATE FUNCTION agencies_specialty_codes_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.specialty_codes := (
            SELECT COALESCE(STRING_AGG(specialty.code, ',' ORDER BY specialty.code), '')
            FROM agencies_agency_specialties link
            INNER JOIN agencies_specialty specialty ON specialty.id = link.specialty_id
            WHERE link.agency_id = NEW.id
        );
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_codes_kept
    BEFORE INSERT OR UPDATE OF specialty_codes ON agencies_agency
    FOR EACH ROW EXECUTE FUNCTION agencies_specialty_codes_kept()
    """,
    f"""
    CREATE FUNCTION agencies_specialty_codes_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            {REWRITE} WHERE id = OLD.agency_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {REWRITE} WHERE id = NEW.agency_id;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_codes_change
    AFTER INSERT OR DELETE OR UPDATE ON agencies_agency_specialties
    FOR EACH ROW EXECUTE FUNCTION agencies_specialty_codes_change()
    """,
    f"""
    CREATE FUNCTION agencies_specialty_codes_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {REWRITE} WHERE specialty_codes <> '';
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_codes_reset
    AFTER TRUNCATE ON agencies_agency_specialties
    FOR EACH STATEMENT EXECUTE FUNCTION agencies_specialty_codes_reset()
    """,
    f"""
    CREATE FUNCTION agencies_specialty_code_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {REWRITE} WHERE id IN (
            SELECT agency_id FROM agencies_agency_specialties WHERE specialty_id = NEW.id
        );
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_code_renamed
    AFTER UPDATE OF code ON agencies_specialty
    FOR EACH ROW EXECUTE FUNCTION agencies_specialty_code_renamed()
    """,
    REWRITE,
    # The country filter's index carries what the ranking shows of an agency (0010), now
    # with its codes, so that a country's page still reads the index alone.
    "DROP INDEX agency_listed_country_idx",
    """
    CREATE INDEX agency_listed_country_idx ON agencies_agency (country, id)
    INCLUDE (name, slug, city, specialty_codes) WHERE is_active AND merged_into_id IS NULL
    """,
]
POSTGRESQL_REVERSE = [
    "DROP INDEX agency_listed_country_idx",
    """
    CREATE INDEX agency_listed_country_idx ON agencies_agency (country, id)
    INCLUDE (name, slug, city) WHERE is_active AND merged_into_id IS NULL
    """,
    "DROP TRIGGER agencies_specialty_code_renamed ON agencies_specialty",
    "DROP FUNCTION agencies_specialty_code_renamed()",
    "DROP TRIGGER agencies_specialty_codes_reset ON agencies_agency_specialties",
    "DROP FUNCTION agencies_specialty_codes_reset()",
    "DROP TRIGGER agencies_specialty_codes_change ON agencies_agency_specialties",
    "DROP FUNCTION agencies_specialty_codes_change()",
    "DROP TRIGGER agencies_specialty_codes_kept ON agencies_agency",
    "DROP FUNCTION agencies_specialty_codes_kept()",
]

# SQLite cannot change a row in a BEFORE trigger and has no ordered aggregate: the row is
# written again after, unless it already holds its codes (which also ends the recursion),
# joined in the order of an ordered subquery.
SQLITE_CODES = """(
    SELECT COALESCE(GROUP_CONCAT(code, ','), '') FROM (
        SELECT specialty.code AS code FROM agencies_agency_specialties link
        INNER JOIN agencies_specialty specialty ON specialty.id = link.specialty_id
        WHERE link.agency_id = NEW.id ORDER BY specialty.code
    )
)"""
SQLITE_KEPT = (
    f"WHEN NEW.specialty_codes IS NOT {SQLITE_CODES} BEGIN UPDATE agencies_agency "
    f"SET specialty_codes = {SQLITE_CODES} WHERE id = NEW.id; END"
)

SQLITE = [
    "CREATE TRIGGER agencies_specialty_codes_kept_insert AFTER INSERT ON agencies_agency "
    + SQLITE_KEPT,
    "CREATE TRIGGER agencies_specialty_codes_kept_update "
    "AFTER UPDATE OF specialty_codes ON agencies_agency " + SQLITE_KEPT,
    "CREATE TRIGGER agencies_specialty_codes_insert AFTER INSERT ON agencies_agency_specialties "
    f"BEGIN {REWRITE} WHERE id = NEW.agency_id; END",
    "CREATE TRIGGER agencies_specialty_codes_delete AFTER DELETE ON agencies_agency_specialties "
    f"BEGIN {REWRITE} WHERE id = OLD.agency_id; END",
    "CREATE TRIGGER agencies_specialty_codes_update AFTER UPDATE ON agencies_agency_specialties "
    f"BEGIN {REWRITE} WHERE id IN (OLD.agency_id, NEW.agency_id); END",
    "CREATE TRIGGER agencies_specialty_code_renamed AFTER UPDATE OF code ON agencies_specialty "
    f"BEGIN {REWRITE} WHERE id IN ("
    "SELECT agency_id FROM agencies_agency_specialties WHERE specialty_id = NEW.id); END",
    REWRITE,
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {name}"
    for name in (
        "agencies_specialty_codes_kept_insert",
        "agencies_specialty_codes_kept_update",
        "agencies_specialty_codes_insert",
        "agencies_specialty_codes_delete",
        "agencies_specialty_codes_update",
        "agencies_specialty_code_renamed",
    )
]


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0014_score_engagements_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="specialty_codes",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="specialty codes"
            ),
        ),
        RunSQLOnPostgreSQL(POSTGRESQL, reverse_sql=POSTGRESQL_REVERSE),
        RunSQLOnSQLite(SQLITE, reverse_sql=SQLITE_REVERSE),
    ]
