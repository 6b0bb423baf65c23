"""How long importing a 10,000-row spreadsheet takes on PostgreSQL (validation and save).

Generates a file like a busy staff import: hundreds of engagements, dozens of agencies (most
known to the site, matched by website domain or by name, some new), notes, times and pay
questions. Then times, each on a fresh copy of the data: the check alone (a dry run, what
the web preview does), the full import (check, save, commit), and the same file again
(everything skipped). Recomputes asked for are counted, not run. Prints figures; never part
of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agencyrank_importbench \\
        .venv/bin/python bench/import.py [--rows 10000] [--engagements 500]

The database's name must contain "bench": it is created if missing and emptied first.
"""

import argparse
import csv
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KNOWN_AGENCIES = 36
NEW_AGENCIES = 12
TARGET_SECONDS = 60.0  # "well under a minute" for 10,000 rows
# A plausible timeline: what happens, in order, before an outcome ends it.
MIDDLE_KINDS = [
    "reply",
    "cv_requested",
    "cv_sent",
    "salary_asked",
    "submitted",
    "message",
    "reply",
    "interview",
    "feedback",
    "message",
    "follow_up",
]
OUTCOMES = ["rejected", "offer", "withdrew", "silence"]


def say(text: str = "") -> None:
    print(text, flush=True)


def ensure_database(url: str) -> None:
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(f'The database name must contain "bench" (it is emptied): {name!r}')
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def generate(rows: int, engagements: int, seed: int = 7) -> bytes:
    """A CSV of ``rows`` rows over ``engagements`` engagements, dated in the past year."""
    from reviews.importing.format import COLUMNS

    randomiser = random.Random(seed)
    today = datetime.date.today()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Every column the import knows but the staff-only ``candidate``.
    writer.writerow([column for column in COLUMNS if column != "candidate"])
    per_engagement = [rows // engagements] * engagements
    for index in range(rows % engagements):
        per_engagement[index] += 1
    for number, count in enumerate(per_engagement):
        agency = number % (KNOWN_AGENCIES + NEW_AGENCIES)
        if agency < KNOWN_AGENCIES:
            # Half the known agencies are named differently and found by their domain,
            # the other half are found by their normalised name.
            name = f"Known Agency {agency} Ltd" if agency % 2 else f"KNOWN agency {agency}"
            website = f"https://www.known{agency}.example/jobs" if agency % 2 else ""
            country = ""
        else:
            name = f"Fresh Agency {agency}"
            website = f"fresh{agency}.example"
            country = randomiser.choice(["GB", "ES", "IE", "FR", "DE"])
        day = today - datetime.timedelta(days=randomiser.randint(count * 2 + 5, 360))
        kinds = [*["applied", *(MIDDLE_KINDS * 4)][: count - 1], randomiser.choice(OUTCOMES)]
        for position, kind in enumerate(kinds):
            writer.writerow(
                [
                    name,
                    website,
                    country,
                    f"eng-{number:04d}",
                    f"Role {number}" if position == 0 else "",
                    "linkedin" if position == 0 else "",
                    day.isoformat(),
                    f"{randomiser.randint(8, 18):02d}:{randomiser.choice([0, 15, 30, 45]):02d}"
                    if randomiser.random() < 0.3
                    else "",
                    kind,
                    f"Step {position} of engagement {number}, with a comma"
                    if randomiser.random() < 0.5
                    else "",
                    randomiser.choice(["true", "false", ""]) if kind == "salary_asked" else "",
                ]
            )
            day += datetime.timedelta(days=randomiser.randint(0, 2))
    return buffer.getvalue().encode("utf-8")


def reset_data() -> None:
    """An empty bench database with the known agencies and one candidate."""
    from django.core.management import call_command

    from agencies.services import agency_create
    from tests.factories import make_user

    call_command("flush", interactive=False, verbosity=0)
    for agency in range(KNOWN_AGENCIES):
        agency_create(
            name=f"Known Agency {agency}",
            website=f"https://known{agency}.example",
            country="GB",
        )
    make_user(email="bench.candidate@example.com")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--engagements", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database whose name contains bench.")
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyrank.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    import agencies.tasks
    from accounts.models import User
    from agencies.models import Agency
    from reviews.importing import experiences_import
    from reviews.models import Engagement, Event

    requested: list[int] = []
    # Count the recomputes an import asks for; running them is the scoring bench's business.
    agencies.tasks.request_recompute = requested.append

    data = generate(args.rows, args.engagements)
    say(f"file: {args.rows:,} rows, {args.engagements} engagements, {len(data) / 1e6:.2f} MB")

    def timed(label: str, **options) -> float:
        candidate = User.objects.get(email="bench.candidate@example.com")
        start = time.perf_counter()
        plan = experiences_import(data=data, candidate=candidate, **options)
        seconds = time.perf_counter() - start
        if plan.problems:
            raise SystemExit("\n".join(str(problem) for problem in plan.problems[:20]))
        say(
            f"{label:38} {seconds:6.2f} s   {args.rows / seconds:9,.0f} rows/s   "
            f"(+{len(plan.agencies_to_create)} agencies, +{len(plan.engagements_to_create)} "
            f"engagements, +{plan.events_to_add} events, {len(plan.skipped_rows)} skipped)"
        )
        return seconds

    reset_data()
    timed("check only (dry run, web preview)", dry_run=True)
    reset_data()
    requested.clear()
    total = timed("import: check + save + commit")
    recomputes = len(requested)
    timed("same file again (all skipped)")
    say(
        f"database: {Agency.objects.count()} agencies, {Engagement.objects.count()} engagements, "
        f"{Event.objects.count():,} events; recomputes asked for: {recomputes} "
        f"(one per agency touched)"
    )
    verdict = "OK" if total < TARGET_SECONDS / 4 else "SLOW"
    say(f"{verdict}: {args.rows:,} rows imported in {total:.2f} s (target: well under a minute)")


if __name__ == "__main__":
    main()
