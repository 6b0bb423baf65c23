"""Prepared statements: the public pages' fixed statements are planned once per connection."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.ranking import PAGE_SIZE, RankedAgencies
from agencyrank import prepared
from agencyrank.prepared import execute_prepared
from tests.factories import make_agency

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
    ),
]


def prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def run(sql, params):
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        return cursor.fetchall()


def test_a_statement_gives_the_same_rows_as_a_plain_query_and_is_prepared_once():
    sql = "SELECT %s::int + 1, %s::text || '%%' /* prepared-once */"
    assert run(sql, [1, "fifty"]) == [(2, "fifty%")]
    assert run(sql, [41, "ninety"]) == [(42, "ninety%")]
    texts = [text for text in prepared_texts() if "prepared-once" in text]
    assert len(texts) == 1
    assert "$1::int + 1, $2::text || '%'" in texts[0]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    sql = "SELECT %s::int * 2 /* after-reconnect */"
    assert run(sql, [4]) == [(8,)]
    connection.close()
    assert run(sql, [5]) == [(10,)]


def test_a_rolled_back_transaction_keeps_the_statement():
    sql = "SELECT %s::int - 1 /* after-rollback */"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert run(sql, [3]) == [(2,)]
        raise RuntimeError("roll back")
    assert run(sql, [10]) == [(9,)]


@pytest.mark.django_db(transaction=True)
def test_the_api_list_runs_one_query_whether_or_not_its_statement_was_prepared(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    for number in range(3):
        make_agency(name=f"Prepared Agency {number}")
    counts, bodies = [], []
    for _ in range(2):
        if not counts:
            connection.close()  # the first request on a fresh connection
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/agencies/")
        counts.append(len(queries))
        bodies.append(response.json())
    assert counts[0] == counts[1]
    assert [agency["name"] for agency in bodies[1]["results"]] == [
        "Prepared Agency 0",
        "Prepared Agency 1",
        "Prepared Agency 2",
    ]
    assert any("EXECUTE" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("query", "prepared"),
    [
        ("", ["count", "rows"]),
        ("?country=GB&specialty=technology", ["count", "rows"]),
        ("?country=GB&q=north", []),
    ],
)
def test_the_ranking_prepares_only_statements_whose_plan_suits_every_value(
    client, settings, query, prepared
):
    # A plan made once serves every page of the plain list, every filter's count and first
    # page; anything with a search is planned for its words.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    make_agency(name="Northwind Recruiting", country="GB", specialties=["technology"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/agencies/{query}")
    assert "Northwind Recruiting" in response.content.decode()
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 2
    executed = [kind for kind, sql in zip(["count", "rows"], statements, strict=True)
                if sql.startswith("EXECUTE")]  # fmt: skip
    assert executed == prepared


def test_a_filtered_list_past_its_first_page_is_planned_for_its_values():
    # Past the first page the best plan depends on how far in the page is.
    make_agency(name="Northwind Recruiting", country="GB", specialties=["technology"])
    agencies = RankedAgencies(country="GB", specialty="technology")
    with CaptureQueriesContext(connection) as queries:
        assert agencies[PAGE_SIZE : PAGE_SIZE * 2] == []
    count, rows = (query["sql"] for query in queries.captured_queries)
    assert count.startswith("EXECUTE")
    assert rows.startswith("SELECT")


def test_past_the_limit_the_least_recently_run_statement_makes_room(monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PREPARED", 3)
    with connection.cursor() as cursor:  # none prepared yet on this connection
        cursor.execute("DEALLOCATE ALL")
    connection.prepared_statements = None
    texts = [f"SELECT %s::int + {number} /* room-{number} */" for number in range(5)]
    assert run(texts[0], [1]) == [(1,)]
    assert run(texts[1], [1]) == [(2,)]
    assert run(texts[2], [1]) == [(3,)]
    assert run(texts[0], [2]) == [(2,)]  # run again: now the most recent
    assert run(texts[3], [1]) == [(4,)]  # gives up texts[1]
    assert run(texts[4], [1]) == [(5,)]  # gives up texts[2]
    kept = [text for text in prepared_texts() if "room-" in text]
    assert sorted(text.split("room-")[1][0] for text in kept) == ["0", "3", "4"]
    assert run(texts[1], [10]) == [(11,)]  # prepared again when asked for


def test_a_connection_opened_for_one_request_runs_the_statement_plainly(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    sql = "SELECT %s::int + 100 /* one-request-connection */"
    with CaptureQueriesContext(connection) as queries:
        assert run(sql, [1]) == [(101,)]
    assert queries.captured_queries[0]["sql"].startswith("SELECT")
    assert not [text for text in prepared_texts() if "one-request-connection" in text]


@pytest.mark.django_db(transaction=True)
def test_statements_dropped_behind_the_connections_back_are_prepared_again():
    sql = "SELECT %s::int * 3 /* dropped-behind */"
    assert run(sql, [2]) == [(6,)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert run(sql, [3]) == [(9,)]


@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_a_migration_while_the_site_runs_is_read_again():
    # As during a deploy: the web processes keep their connections while a migration
    # changes a column their prepared statements read.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (name varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES ('Northwind')")
    try:
        sql = "SELECT name FROM prepared_probe WHERE name <> %s"
        assert run(sql, [""]) == [("Northwind",)]
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN name TYPE varchar(40)")
            cursor.execute("UPDATE prepared_probe SET name = 'Northwind Recruiting Partners'")
        assert run(sql, [""]) == [("Northwind Recruiting Partners",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE prepared_probe")
