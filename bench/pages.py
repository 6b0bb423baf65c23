"""The public pages under load: requests per second and latency next to a trivial view.

Seeds a bench database (10,000 agencies and 1,000,000 events by default, with specialties,
scores, a year of monthly snapshots and published reviews with agency replies), serves it
with gunicorn on 127.0.0.1 as production does (bench/pages_settings.py adds
``/bench/trivial/`` and the bare 50-row reference page ``/bench/bare/`` to the site's URLs,
behind the same middleware), and loads each public page with wrk: once with the public page
cache off (cold) and once with it on (warm). Prints requests per second, p50 and p99 latency
and each page's ratio to the trivial view of the same run, with met/missed against the
targets (the bare page is a reference, not judged). Never part of the test run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agencyrank_pagebench \\
        .venv/bin/python bench/pages.py [--skip-seed] [--repeat 3] [--workers sync:3]

Each page runs between two runs of the trivial view and is compared with them, so other
work on the machine shifts both sides of the ratio; ``--repeat`` keeps each page's best
round. Before each run the bench waits (``--quiet-load``) for the machine to calm down.

The database's name must contain "bench": its tables are emptied before seeding. The cache
is the Redis database of ``--redis-url`` (default /11), flushed before each run. ``--profile``
then times each page in this process, cache off, and shows where its time goes.
"""

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))

import scoring  # noqa: E402  (bench/scoring.py: database set-up and the shared seed)
import scoring_seed  # noqa: E402

WRK = "/usr/bin/wrk"
TRIVIAL = "/bench/trivial/"
# The reference: a bare page with one indexed query and a 50-row template, which
# reaches about 16% of the trivial view here. Measured in each run, not judged.
BARE = "/bench/bare/"
# A page must serve at least this share of the trivial view's requests per second.
TARGET_WARM = 0.50
TARGET_COLD = 0.12
TARGET_P99_MS = 100.0
SNAPSHOT_MONTHS = 12
SPECIALTIES_PER_AGENCY = (1, 3)
REPLY_SHARE = 3  # one published review in this many has an agency reply
# The API's anonymous throttle still runs (as in production) but never refuses the bench.
API_ANON_RATE = "1000000/second"
WARMUP_REQUESTS = 5
# Beyond this change of the trivial view's figure within one run, the run was disturbed.
MAX_TRIVIAL_DRIFT = 0.15
FILTERED_QUERY = "country=GB&specialty=technology&sort=reply_rate"


def say(text: str = "") -> None:
    print(text, flush=True)


# --- Data -----------------------------------------------------------------------------------


@contextlib.contextmanager
def model_defaults_in_database(params: dict):
    """While seeding, give each required column that bench/scoring_seed.py does not fill (a
    field added since it was written) its model default in the database, then remove it."""
    from django.apps import apps
    from django.db import connection as django_connection

    models = {model._meta.db_table: model for model in apps.get_models()}
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    added: list[tuple[str, str]] = []
    try:
        with connection.cursor() as cursor:
            for table, listed in scoring_seed.COLUMNS.items():
                known = {name.strip().strip('"') for name in listed.split(",")}
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
                    [table],
                )
                for (column,) in cursor.fetchall():
                    if column in known:
                        continue
                    field = next(
                        f for f in models[table]._meta.concrete_fields if f.column == column
                    )
                    if not field.has_default():
                        raise SystemExit(f"{table}.{column} has no default the seed could use.")
                    value = field.get_db_prep_save(field.get_default(), django_connection)
                    cursor.execute(
                        sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
                            sql.Identifier(table), sql.Identifier(column), sql.Literal(value)
                        )
                    )
                    added.append((table, column))
        if added:
            say(f"  model defaults for columns the seed does not fill: {added}")
        yield
    finally:
        with connection.cursor() as cursor:
            for table, column in added:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                        sql.Identifier(table), sql.Identifier(column)
                    )
                )
        connection.close()


def seed_extras(params: dict) -> None:
    """What the page bench needs beyond bench/scoring_seed.py's rows: specialties, spread
    review dates and agency replies (scores and snapshots follow through the services)."""
    rng = random.Random(20261126)
    connection = psycopg2.connect(**params)
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM agencies_specialty ORDER BY id")
        specialty_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM agencies_agency ORDER BY id")
        lines = []
        for (agency_id,) in cursor.fetchall():
            for specialty_id in rng.sample(specialty_ids, rng.randint(*SPECIALTIES_PER_AGENCY)):
                lines.append(f"{agency_id}\t{specialty_id}\n")
        cursor.execute("TRUNCATE agencies_agency_specialties RESTART IDENTITY")
        cursor.copy_expert(
            "COPY agencies_agency_specialties (agency_id, specialty_id) FROM STDIN",
            io.StringIO("".join(lines)),
        )
        # The seed writes every review at the same instant; spread them over two years so
        # that the agency page orders real dates (published two days after submission).
        cursor.execute(
            "UPDATE reviews_review SET "
            "submitted_at = submitted_at - (id % 730 + 2) * interval '1 day', "
            "published_at = CASE WHEN status = 'published' "
            "THEN submitted_at - (id % 730) * interval '1 day' END"
        )
        cursor.execute(
            "INSERT INTO reviews_agencyreply (review_id, author_id, text, created_at, updated_at) "
            "SELECT id, NULL, 'Bench reply text: thank you for the feedback.', now(), now() "
            "FROM reviews_review WHERE status = 'published' AND id %% %s = 0",
            [REPLY_SHARE],
        )
    say(f"  {len(lines):,} agency specialties; published reviews spread; agency replies added")
    connection.close()


def seed_scores_and_snapshots(params: dict) -> None:
    """Score every agency in this process, then a year of monthly snapshots for the trend:
    this month's through the service, earlier months derived from it with a drift."""
    from django.core.management import call_command
    from django.utils import timezone

    from agencies.scores import snapshots_take

    started = time.perf_counter()
    call_command("recompute_scores", sync=True, verbosity=0, stdout=io.StringIO())
    say(f"  scores recomputed in {time.perf_counter() - started:.1f} s")
    month = timezone.localdate().replace(day=1)
    taken = snapshots_take(month=month)
    connection = psycopg2.connect(**params)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO agencies_scoresnapshot
                (agency_id, month, score, score_low, score_high, engagements, metrics, created_at)
            SELECT s.agency_id, (s.month - make_interval(months => k))::date,
                   least(100, greatest(0, s.score + k * ((s.agency_id %% 7) - 3) * 0.7)),
                   least(100, greatest(0, s.score_low + k * ((s.agency_id %% 7) - 3) * 0.7)),
                   least(100, greatest(0, s.score_high + k * ((s.agency_id %% 7) - 3) * 0.7)),
                   greatest(0, s.engagements - k * s.engagements / 24), s.metrics, now()
            FROM agencies_scoresnapshot s CROSS JOIN generate_series(1, %s) AS k
            WHERE s.month = %s
            ON CONFLICT (agency_id, month) DO NOTHING
            """,
            [SNAPSHOT_MONTHS - 1, month],
        )
        derived = cursor.rowcount
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in (
            "agencies_agency_specialties",
            "agencies_agencyscore",
            "agencies_scoresnapshot",
            "reviews_review",
            "reviews_agencyreply",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    connection.close()
    say(f"  {taken:,} snapshots of {month:%Y-%m}; {derived:,} derived for the months before")


def check_extras(params: dict) -> dict[str, int]:
    """Row counts of what seed_extras and seed_scores_and_snapshots write; stops if any is 0."""
    tables = (
        "agencies_agency_specialties",
        "agencies_agencyscore",
        "agencies_scoresnapshot",
        "reviews_agencyreply",
    )
    found = {}
    with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            found[table] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reviews_review WHERE status = 'published'")
        found["published reviews"] = cursor.fetchone()[0]
    connection.close()
    if not all(found.values()):
        raise SystemExit(f"--skip-seed: the page data is incomplete ({found}); run without it.")
    return found


def pick_agencies(params: dict) -> list[str]:
    """Slugs of the three ranked, listed agencies with the most counted engagements that
    have published reviews: the heaviest agency pages."""
    with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.slug FROM agencies_agency a
            JOIN agencies_agencyscore s ON s.agency_id = a.id
            WHERE a.is_active AND a.merged_into_id IS NULL AND s.rank IS NOT NULL
              AND s.rating_count > 0
            ORDER BY s.engagements DESC, a.id LIMIT 3
            """
        )
        slugs = [row[0] for row in cursor.fetchall()]
    connection.close()
    if len(slugs) < 3:
        raise SystemExit("Fewer than three ranked agencies with reviews; seed again.")
    return slugs


# --- Server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerConfig:
    """A gunicorn worker set-up, written ``sync:3`` or ``gthread:2x4`` (workers x threads)."""

    kind: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> "WorkerConfig":
        found = re.fullmatch(r"(sync|gthread):(\d+)(?:x(\d+))?", text)
        if not found or (found[1] == "sync" and found[3]):
            raise argparse.ArgumentTypeError(f"expected sync:N or gthread:NxT, got {text!r}")
        return cls(found[1], int(found[2]), int(found[3] or 1))

    def __str__(self) -> str:
        if self.kind == "sync":
            return f"sync:{self.workers}"
        return f"gthread:{self.workers}x{self.threads}"

    def arguments(self) -> list[str]:
        if self.kind == "sync":
            return [f"--workers={self.workers}"]
        return [f"--workers={self.workers}", "--worker-class=gthread", f"--threads={self.threads}"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str, timeout: float = 30) -> int:
    """The HTTP status of a GET, redirects not followed; 0 when nothing answered."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


class Server:
    """gunicorn serving the site with bench/pages_settings.py, started and stopped here."""

    def __init__(self, config: WorkerConfig, env: dict[str, str], log: Path) -> None:
        self.config = config
        self.env = env
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        # The production command (docker-compose.yml), bound to the loopback.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "agencyrank.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            *self.config.arguments(),
            "--access-logfile=-",
            "--forwarded-allow-ips=*",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while status_of(self.base + TRIVIAL, timeout=2) != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"gunicorn did not start; see {self.log}")
            time.sleep(0.2)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # The master is the leader of its own session; its workers share its group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_env(url: str, redis_url: str, cold: bool) -> dict[str, str]:
    """The server's environment: DEBUG off without the production posture (which wants
    HTTPS), persistent connections, the bench's Redis cache, a throttle that never refuses."""
    env = dict(os.environ)
    for name in ("AGENCYRANK_PRODUCTION", "PUBLIC_PAGE_CACHE_SECONDS", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "API_ANON_RATE": API_ANON_RATE,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if cold:
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    return env


def flush_cache(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


# --- Load -----------------------------------------------------------------------------------

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class Measure:
    """One URL's figures from one wrk run (or why there are none)."""

    name: str
    path: str
    status: int = 0
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    bad_responses: int = 0
    socket_errors: str = ""
    note: str = ""
    ratio: float | None = None
    verdict: str = ""
    extra: dict = field(default_factory=dict)


def latency_ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not found:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(found[1]) * UNIT_MS[found[2]]


def parse_wrk(output: str) -> dict:
    """Requests/sec, the 50% and 99% latency lines, and any errors, from wrk --latency."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"unreadable wrk output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s+(.+)", output)
    return {
        "rps": float(rps[1]),
        "p50_ms": latency_ms(p50[1]),
        "p99_ms": latency_ms(p99[1]),
        "requests": int(total[1]),
        "bad_responses": int(bad[1]) if bad else 0,
        "socket_errors": errors[1].strip() if errors else "",
    }


def load(base: str, name: str, path: str, args: argparse.Namespace) -> Measure:
    """Check the URL answers 200, warm it, then load it with wrk."""
    measure = Measure(name=name, path=path)
    url = base + path
    measure.status = status_of(url)
    if measure.status != 200:
        measure.note = (
            "not available yet"
            if measure.status == 404 and path.startswith("/compare/")
            else f"HTTP {measure.status or 'no answer'}"
        )
        say(f"  {name:<18} {measure.note}: not loaded")
        return measure
    for _ in range(args.warmup):
        status_of(url)
    command = [
        WRK,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        # Well above any page's latency, so that slow requests count in the percentiles
        # instead of disappearing as timeouts.
        "--timeout=10s",
        "--latency",
        url,
    ]
    output = subprocess.run(  # noqa: S603 - wrk from Debian
        command, capture_output=True, text=True, check=True, timeout=args.duration + 60
    ).stdout
    for key, value in parse_wrk(output).items():
        setattr(measure, key, value)
    if measure.bad_responses:
        measure.note = f"{measure.bad_responses} non-2xx/3xx responses"
    say(
        f"  {name:<18} {measure.rps:9,.0f} req/s  p50 {measure.p50_ms:7.2f} ms  "
        f"p99 {measure.p99_ms:7.2f} ms  {measure.note}"
    )
    return measure


def run(
    config: WorkerConfig,
    cold: bool,
    urls: list[tuple[str, str]],
    args: argparse.Namespace,
    logdir: Path,
) -> dict:
    """One server, one cache state: the trivial view before every page and after the last,
    ``--repeat`` times; each page keeps its best round.

    Each page is compared with the trivial runs just before and just after it, so other
    work on the machine that comes and goes shifts both sides of a ratio; with several
    rounds, the best page figure is compared with the best of its neighbours in any round.
    """
    label = "cold (page cache off)" if cold else "warm (page cache on)"
    wait_for_quiet(args.quiet_load, args.quiet_wait)
    say(f"\n== {config}, {label}; load average {load_average()} ==")
    flush_cache(args.redis_url)
    server = Server(
        config,
        server_env(args.url, args.redis_url, cold),
        logdir / f"gunicorn-{config}-{'cold' if cold else 'warm'}.log",
    )
    server.start()
    trivials: list[Measure] = []
    rounds: list[list[Measure]] = []
    try:
        for round_number in range(1, args.repeat + 1):
            if args.repeat > 1:
                say(f"  round {round_number} of {args.repeat}; load average {load_average()}")
            trivials.append(load(server.base, "trivial view", TRIVIAL, args))
            pages = []
            for name, path in urls:
                pages.append(load(server.base, name, path, args))
                if pages[-1].rps is not None:
                    trivials.append(load(server.base, "trivial view", TRIVIAL, args))
                pages[-1].extra["trivial_rps"] = max(m.rps or 0.0 for m in trivials[-2:])
            rounds.append(pages)
    finally:
        server.stop()
    pages = []
    for candidates in zip(*rounds, strict=True):
        measured = [m for m in candidates if m.rps is not None]
        if not measured:
            pages.append(candidates[0])
            continue
        best = max(measured, key=lambda m: m.rps)
        best.extra["trivial_rps"] = max(m.extra["trivial_rps"] for m in measured)
        best.extra["rounds_rps"] = [m.rps for m in measured]
        pages.append(best)
    figures = [m.rps or 0.0 for m in trivials]
    drift = (max(figures) - min(figures)) / max(figures) if max(figures) else 1.0
    target = TARGET_COLD if cold else TARGET_WARM
    for page in pages:
        if page.rps is None:
            page.verdict = page.note
            continue
        if page.path == BARE:
            page.ratio = page.rps / page.extra["trivial_rps"] if page.extra["trivial_rps"] else None
            page.verdict = "reference, not a target"
            continue
        ceiling = page.extra["trivial_rps"]
        page.ratio = page.rps / ceiling if ceiling else None
        missed = []
        if page.ratio is None or page.ratio < target:
            missed.append(f"req/s < {target:.0%} of trivial")
        if page.p99_ms >= TARGET_P99_MS:
            missed.append(f"p99 >= {TARGET_P99_MS:.0f} ms")
        if page.bad_responses:
            missed.append("non-2xx responses")
        page.verdict = "met" if not missed else "MISSED: " + ", ".join(missed)
    return {
        "config": str(config),
        "cold": cold,
        "trivial_drift": drift,
        "trivial": [asdict(m) for m in trivials],
        "pages": [asdict(page) for page in pages],
        "load_average_after": load_average(),
    }


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def wait_for_quiet(threshold: float, patience: float) -> None:
    """Wait until the 1-minute load average is under ``threshold`` (other work on the machine
    takes CPU from the server and from wrk alike), for ``patience`` seconds at most."""
    deadline = time.monotonic() + patience
    if os.getloadavg()[0] >= threshold:
        say(f"  waiting for the load average to drop under {threshold} (now {load_average()})")
    while os.getloadavg()[0] >= threshold:
        if time.monotonic() > deadline:
            say(f"  still busy after {patience:.0f} s (load {load_average()}); measuring anyway")
            return
        time.sleep(5)


def describe(result: dict) -> None:
    """The table of one run: each page's figures, its ratio to the trivial view, a verdict."""
    target = TARGET_COLD if result["cold"] else TARGET_WARM
    label = "cold (page cache off)" if result["cold"] else "warm (page cache on)"
    trivial = [m["rps"] for m in result["trivial"]]
    say(
        f"\n-- {result['config']}, {label}: target >= {target:.0%} of the trivial view's "
        f"req/s and p99 < {TARGET_P99_MS:.0f} ms; trivial view "
        f"{min(trivial):,.0f}-{max(trivial):,.0f} req/s --"
    )
    header = ("page", "req/s", "trivial", "ratio", "p50 ms", "p99 ms", "verdict")
    rows = [header]
    for page in result["pages"]:
        if page["rps"] is None:
            rows.append((page["name"], "-", "-", "-", "-", "-", page["verdict"]))
            continue
        rows.append(
            (
                page["name"],
                f"{page['rps']:,.0f}",
                f"{page['extra']['trivial_rps']:,.0f}",
                f"{page['ratio']:.1%}",
                f"{page['p50_ms']:.1f}",
                f"{page['p99_ms']:.1f}",
                page["verdict"],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if result["trivial_drift"] > MAX_TRIVIAL_DRIFT:
        say(
            f"  warning: the trivial view moved {result['trivial_drift']:.0%} within the run: "
            "other work used the CPU; the ratios still compare neighbours"
        )


# --- Profile (in process, cache off) --------------------------------------------------------


class QueryTimer:
    """An execute wrapper counting a connection's queries and the time spent in them."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def profile(urls: list[tuple[str, str]], rounds: int) -> list[dict]:
    """Each page in this process through the full middleware stack, page cache off: mean
    time, queries and their time, and the functions where the time goes (cProfile)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    found = []
    overrides = {"ROOT_URLCONF": "bench.pages_urls", "PUBLIC_PAGE_CACHE_SECONDS": 0}
    with override_settings(**overrides):
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] = API_ANON_RATE
        client = Client()
        for name, path in [("trivial view", TRIVIAL), *urls]:
            status = client.get(path).status_code
            if status != 200:
                say(f"{name:<18} HTTP {status}: not profiled")
                continue
            for _ in range(3):
                client.get(path)
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                # CPU time as well as wall time: on a busy machine the wall time also
                # counts the waits for a CPU, the CPU time hardly.
                started, cpu_started = time.perf_counter(), time.process_time()
                for _ in range(rounds):
                    client.get(path)
                wall = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(rounds):
                client.get(path)
            profiler.disable()
            profiled = time.perf_counter() - started
            found.append(
                {
                    "name": name,
                    "path": path,
                    "mean_ms": wall * 1000 / rounds,
                    "cpu_ms": cpu * 1000 / rounds,
                    "queries": timer.count / rounds,
                    "query_ms": timer.seconds * 1000 / rounds,
                    "parts": profile_parts(profiler, profiled),
                    "top": profile_top(profiler),
                }
            )
    return found


# Where a page's time goes: the cumulative time of a few entry points. Each part takes its
# outermost entry (the largest cumulative time), so nested calls are not counted twice.
PROFILE_PARTS = {
    "SQL": [("django/db/backends/utils.py", "execute"), ("~", "fetchmany"), ("~", "fetchall")],
    "templates": [("django/template/backends/django.py", "render")],
    "form widgets": [("django/forms/boundfield.py", "as_widget")],
    "country names": [("django_countries/__init__.py", "__iter__")],
    "DRF serializer": [("rest_framework/serializers.py", "data")],
    "API throttle": [("rest_framework/throttling.py", "allow_request")],
}


def profile_parts(profiler: cProfile.Profile, profiled: float) -> dict[str, float]:
    """The share of the profiled time spent under each PROFILE_PARTS entry point (cProfile
    slows Python more than waiting on the database, so shares lean towards Python)."""
    stats = pstats.Stats(profiler).stats
    parts = {}
    for label, targets in PROFILE_PARTS.items():
        total = 0.0
        for suffix, name in targets:
            matches = [
                cumulative
                for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in (
                    stats.items()
                )
                if filename.endswith(suffix)
                and (function == name or function.startswith(f"<method '{name}' of 'psycopg2"))
            ]
            total += max(matches, default=0.0)
        parts[label] = total / profiled
    return parts


def profile_top(profiler: cProfile.Profile, count: int = 12) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:])


def describe_profile(found: list[dict], rounds: int, show_top: bool) -> None:
    say(f"\n== where the time goes, cache off, in process ({rounds} requests each) ==")
    for entry in found:
        parts = ", ".join(f"{k} {v:.0%}" for k, v in entry["parts"].items() if v >= 0.005)
        say(
            f"{entry['name']:<18} {entry['mean_ms']:6.1f} ms/request ({entry['cpu_ms']:.1f} ms "
            f"CPU here), {entry['queries']:g} queries taking {entry['query_ms']:.1f} ms; "
            f"share of the profiled time: {parts}"
        )
        if show_top:
            say(entry["top"])


# --- Main -----------------------------------------------------------------------------------


def _stop_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds per run; each page keeps its best"
    )
    parser.add_argument("--warmup", type=int, default=WARMUP_REQUESTS, help="requests per URL")
    parser.add_argument(
        "--workers",
        type=WorkerConfig.parse,
        nargs="+",
        default=[WorkerConfig("sync", 3)],
        help="gunicorn set-ups to run, e.g. sync:3 gthread:2x4 (default: production's sync:3)",
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=1.5,
        help="before each run, wait for the 1-minute load average to drop under this",
    )
    parser.add_argument("--quiet-wait", type=float, default=300, help="seconds to wait at most")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--only", choices=["cold", "warm"], help="run one cache state only")
    parser.add_argument("--profile", action="store_true", help="profile the pages, cache off")
    parser.add_argument("--profile-only", action="store_true", help="profile without loading")
    parser.add_argument("--profile-rounds", type=int, default=50)
    parser.add_argument("--profile-top", action="store_true", help="print cProfile's top lines")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_signal)

    args.url = os.environ.get("DATABASE_URL", "")
    if not args.url.startswith("postgres") or "bench" not in args.url.rsplit("/", 1)[-1]:
        raise SystemExit("DATABASE_URL must name a PostgreSQL database whose name has 'bench'.")
    if not re.fullmatch(r"redis://[^/]+/([1-9]|1[0-5])", args.redis_url):
        raise SystemExit("--redis-url must name a Redis database 1-15 (it is flushed).")
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyrank.settings")
    os.environ["DEBUG"] = "false"
    os.environ.pop("AGENCYRANK_PRODUCTION", None)
    os.environ["REDIS_URL"] = args.redis_url
    bench_started = time.perf_counter()

    import django

    django.setup()
    say(f"load average at start: {load_average()} ({os.cpu_count()} CPUs)")
    say(f"\n== data: {args.agencies:,} agencies, {args.events:,} events ==")
    params = scoring.connect_params(args.url)
    if args.skip_seed:
        scoring.prepare(args.url, args.agencies, args.events, skip_seed=True)
    else:
        scoring.ensure_database(params)
        scoring.use_database(params["dbname"])
        scoring.migrate()
        with model_defaults_in_database(params):
            scoring.prepare(args.url, args.agencies, args.events, skip_seed=False)
    if not args.skip_seed:
        seed_extras(params)
        seed_scores_and_snapshots(params)
    say(f"  {check_extras(params)}")
    slugs = pick_agencies(params)
    urls = [
        ("bare 50-row page", BARE),
        ("/agencies/", "/agencies/"),
        ("filtered ranking", f"/agencies/?{FILTERED_QUERY}"),
        ("agency page", f"/agencies/{slugs[0]}/"),
        ("comparison", f"/compare/?agencies={','.join(slugs)}"),
        ("/api/agencies/", "/api/agencies/"),
    ]
    for name, path in urls:
        say(f"  {name:<18} {path}")

    results: list[dict] = []
    if not args.profile_only:
        logdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        say(f"gunicorn logs: {logdir}")
        states = [True, False] if args.only is None else [args.only == "cold"]
        for config in args.workers:
            for cold in states:
                results.append(run(config, cold, urls, args, logdir))
        say(
            f"\n== summary: {args.agencies:,} agencies, {args.events:,} events; wrk "
            f"-t{args.threads} -c{args.connections} -d{args.duration}s --latency =="
        )
        for result in results:
            describe(result)
    profiled: list[dict] = []
    if args.profile or args.profile_only:
        profiled = profile(urls, args.profile_rounds)
        describe_profile(profiled, args.profile_rounds, args.profile_top)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "date": dt.date.today().isoformat(),
                    "agencies": args.agencies,
                    "events": args.events,
                    "urls": urls,
                    "runs": results,
                    "profile": [{k: v for k, v in p.items() if k != "top"} for p in profiled],
                },
                indent=2,
            )
        )
    say(
        f"\nbench wall time: {time.perf_counter() - bench_started:.0f} s; "
        f"load average at the end: {load_average()}"
    )


if __name__ == "__main__":
    main()
