"""What a new PostgreSQL connection costs next to a query on a kept one.

The reason DATABASE_CONN_MAX_AGE defaults to persistent connections. Prints figures;
never part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agencyrank \\
        .venv/bin/python bench/db_connection.py [--rounds 500]
"""

import argparse
import os
import statistics
import time

import dj_database_url
import psycopg2


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500, help="samples per measurement")
    args = parser.parse_args()
    config = dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    params = {
        "dbname": config["NAME"],
        "user": config["USER"],
        "password": config["PASSWORD"],
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
    }

    connect_ms = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        connection = psycopg2.connect(**params)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        connect_ms.append((time.perf_counter() - start) * 1000)
        connection.close()

    query_ms = []
    connection = psycopg2.connect(**params)
    with connection.cursor() as cursor:
        for _ in range(args.rounds):
            start = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            query_ms.append((time.perf_counter() - start) * 1000)
    connection.close()

    print(f"rounds: {args.rounds}")
    for label, samples in (
        ("new connection + SELECT 1", connect_ms),
        ("SELECT 1 on a kept connection", query_ms),
    ):
        print(
            f"{label:32} median {statistics.median(samples):6.3f} ms   "
            f"p95 {percentile(samples, 0.95):6.3f} ms"
        )


if __name__ == "__main__":
    main()
