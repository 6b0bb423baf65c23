from django.db import migrations, models

from agencies.migrations._operations import RunSQLOnPostgreSQL, RunSQLOnSQLite

# Agency.specialty_codes follows the agency's links to specialties, whatever writes them: the
# admin, the services, imports, a merge or plain SQL. A row-level trigger on the link table
# writes the codes of each agency whose links changed; one on the specialty table rewrites
# them for its holders if a code is renamed, and one on the agency table keeps any other
# write of the column to the codes of its links. Before, the ranking and the API looked the
# codes up for each of a page's 50 agencies (0.3 to 0.4 ms a page on PostgreSQL). The agency
# row's update touches neither is_active nor merged_into_id, so the listed count's triggers
# (0009) do not run for it.

POSTGRESQL = [
    """
    CREATE FUNCTION agencies_specialty_codes_of(agency bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT COALESCE(STRING_AGG(specialty.code, ',' ORDER BY specialty.code), '')
        FROM agencies_agency_specialties link
        INNER JOIN agencies_specialty specialty ON specialty.id = link.specialty_id
        WHERE link.agency_id = agency
    $$
    """,
    """
    CREATE FUNCTION agencies_specialty_codes_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE agencies_agency SET specialty_codes = agencies_specialty_codes_of(id)
            WHERE id = OLD.agency_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE agencies_agency SET specialty_codes = agencies_specialty_codes_of(id)
            WHERE id = NEW.agency_id;
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
    """
    CREATE FUNCTION agencies_specialty_codes_reset() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE agencies_agency SET specialty_codes = '' WHERE specialty_codes <> '';
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_codes_reset
    AFTER TRUNCATE ON agencies_agency_specialties
    FOR EACH STATEMENT EXECUTE FUNCTION agencies_specialty_codes_reset()
    """,
    """
    CREATE FUNCTION agencies_specialty_code_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE agencies_agency SET specialty_codes = agencies_specialty_codes_of(id)
        WHERE id IN (
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
    # Whatever else writes the column (a save() of an agency read before its links changed
    # writes back what it read) gets the codes of the agency's links.
    """
    CREATE FUNCTION agencies_specialty_codes_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.specialty_codes := agencies_specialty_codes_of(NEW.id);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER agencies_specialty_codes_kept
    BEFORE INSERT OR UPDATE OF specialty_codes ON agencies_agency
    FOR EACH ROW EXECUTE FUNCTION agencies_specialty_codes_kept()
    """,
    "UPDATE agencies_agency SET specialty_codes = agencies_specialty_codes_of(id)",
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
    "DROP TRIGGER agencies_specialty_codes_kept ON agencies_agency",
    "DROP FUNCTION agencies_specialty_codes_kept()",
    "DROP TRIGGER agencies_specialty_code_renamed ON agencies_specialty",
    "DROP FUNCTION agencies_specialty_code_renamed()",
    "DROP TRIGGER agencies_specialty_codes_reset ON agencies_agency_specialties",
    "DROP FUNCTION agencies_specialty_codes_reset()",
    "DROP TRIGGER agencies_specialty_codes_change ON agencies_agency_specialties",
    "DROP FUNCTION agencies_specialty_codes_change()",
    "DROP FUNCTION agencies_specialty_codes_of(bigint)",
]

# SQLite has neither functions nor ordered aggregates: each trigger writes the codes itself,
# joined in the order of an ordered subquery.
SQLITE_CODES_OF = """(
    SELECT COALESCE(GROUP_CONCAT(code, ','), '') FROM (
        SELECT specialty.code AS code FROM agencies_agency_specialties link
        INNER JOIN agencies_specialty specialty ON specialty.id = link.specialty_id
        WHERE link.agency_id = {agency} ORDER BY specialty.code
    )
)"""


def _sqlite_refresh(agency: str) -> str:
    codes = SQLITE_CODES_OF.format(agency=agency)
    return f"UPDATE agencies_agency SET specialty_codes = {codes} WHERE id = {agency};"


SQLITE = [
    "CREATE TRIGGER agencies_specialty_codes_insert AFTER INSERT ON agencies_agency_specialties "
    f"BEGIN {_sqlite_refresh('NEW.agency_id')} END",
    "CREATE TRIGGER agencies_specialty_codes_delete AFTER DELETE ON agencies_agency_specialties "
    f"BEGIN {_sqlite_refresh('OLD.agency_id')} END",
    "CREATE TRIGGER agencies_specialty_codes_update AFTER UPDATE ON agencies_agency_specialties "
    f"BEGIN {_sqlite_refresh('OLD.agency_id')} {_sqlite_refresh('NEW.agency_id')} END",
    "CREATE TRIGGER agencies_specialty_code_renamed AFTER UPDATE OF code ON agencies_specialty "
    "BEGIN UPDATE agencies_agency SET specialty_codes = "
    f"{SQLITE_CODES_OF.format(agency='agencies_agency.id')} WHERE id IN ("
    "SELECT agency_id FROM agencies_agency_specialties WHERE specialty_id = NEW.id); END",
    # SQLite cannot change a row in a BEFORE trigger: the row is written again after, unless
    # it already holds its codes (which also ends the recursion).
    "CREATE TRIGGER agencies_specialty_codes_kept_insert AFTER INSERT ON agencies_agency "
    f"WHEN NEW.specialty_codes IS NOT {SQLITE_CODES_OF.format(agency='NEW.id')} "
    f"BEGIN {_sqlite_refresh('NEW.id')} END",
    "CREATE TRIGGER agencies_specialty_codes_kept_update "
    "AFTER UPDATE OF specialty_codes ON agencies_agency "
    f"WHEN NEW.specialty_codes IS NOT {SQLITE_CODES_OF.format(agency='NEW.id')} "
    f"BEGIN {_sqlite_refresh('NEW.id')} END",
    "UPDATE agencies_agency SET specialty_codes = "
    f"{SQLITE_CODES_OF.format(agency='agencies_agency.id')}",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {name}"
    for name in (
        "agencies_specialty_codes_insert",
        "agencies_specialty_codes_delete",
        "agencies_specialty_codes_update",
        "agencies_specialty_code_renamed",
        "agencies_specialty_codes_kept_insert",
        "agencies_specialty_codes_kept_update",
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
