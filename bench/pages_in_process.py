"""The public pages' cost in process, page cache off: wall time, time in SQL, queries, bytes.

Requests each page through Django's test client against the page-bench database (seeded by
bench/pages.py) and prints medians, with the time spent inside the database driver's
``execute`` apart, so that a change to a page can be measured in seconds without starting
gunicorn and wrk. Never part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agencyrank_pagebench \\
        .venv/bin/python bench/pages_in_process.py [--requests 60] [URL ...]

Without URLs: the trivial view, the bare reference page and the pages bench/pages.py loads.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", help="paths to request (default: the bench's pages)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per URL")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("DATABASE_URL must name the page-bench database (its name has 'bench').")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    os.environ["DEBUG"] = "false"
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ["API_ANON_RATE"] = "1000000/second"  # as bench/pages.py: never refused
    os.environ.pop("AGENCYRANK_PRODUCTION", None)

    import django

    django.setup()
    import pages
    import scoring
    from django.db import connection
    from django.test import Client

    urls = args.urls
    if not urls:
        slugs = pages.pick_agencies(scoring.connect_params(url))
        urls = [pages.TRIVIAL, pages.BARE, "/agencies/", f"/agencies/?{pages.FILTERED_QUERY}"]
        urls += [f"/agencies/{slugs[0]}/", f"/compare/?agencies={','.join(slugs)}"]
        urls += ["/api/agencies/"]

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'url':<62} {'wall':>8} {'python':>8} {'sql':>8} queries   bytes")
    for path in urls:
        for _ in range(5):  # connections, templates and translations warm
            client.get(path)
        walls, sqls = [], []
        for _ in range(args.requests):
            timer = pages.QueryTimer()  # the queries and their time, as bench/pages.py counts
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.get(path)
                walls.append(time.perf_counter() - started)
            sqls.append(timer.seconds)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
        print(
            f"{path[:62]:<62} {wall:6.2f} ms {wall - sql:5.2f} ms {sql:5.2f} ms"
            f" {timer.count:>7} {len(response.content):>7}"
        )


if __name__ == "__main__":
    main()
