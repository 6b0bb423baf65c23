"""Seed a bench database for bench/scoring.py: users, agencies, engagements, events, reviews.

Plain psycopg2 and COPY, no ORM, so a million events load in well under a minute. Sizes are
uneven like real life: a Zipf head of a few agencies with tens of thousands of events each
and a lognormal body with a median near 50 events per agency (at 10,000 agencies and a
million events). Every row respects the schema's constraints; the event table's indexes
and foreign keys are dropped for the load and re-created (so re-validated) afterwards.
"""

import datetime as dt
import io
import random
import time
from collections.abc import Iterable, Iterator

from agencies.matching import domain_from_website, normalise_name
from reviews.event_kinds import Kind

HISTORY_DAYS = 730  # events are spread over about two years before today
COPY_CHUNK_ROWS = 200_000
ZIPF_HEAD = 10  # the largest agencies: the r-th holds 4% / r of all events
ZIPF_TOP_SHARE = 0.04
BODY_SIGMA = 1.0  # lognormal spread of the other agencies' sizes

# Tables written here, emptied (with everything that references them) before a seed.
SEEDED_TABLES = (
    "accounts_user",
    "account_emailaddress",
    "agencies_agency",
    "reviews_engagement",
    "reviews_event",
    "reviews_review",
)
CLEARED_TABLES = (
    *SEEDED_TABLES,
    "agencies_agencyscore",
    "agencies_staleagency",
    "agencies_scoresnapshot",
    "agencies_platformrates",
)
COUNTRIES = ("GB", "ES", "FR", "DE", "IE", "NL", "US", "PT", "IT", "BE")
CITIES = ("London", "Madrid", "Paris", "Berlin", "Dublin", "Amsterdam", "Leeds", "Lyon", "")
SOURCES = ("linkedin", "email", "phone", "job_board", "referral", "application")
ROLES = ("Backend developer", "Accountant", "Nurse", "Sales manager", "Data analyst", "")
NAME_WORDS = (
    "Talent",
    "People",
    "Search",
    "Recruitment",
    "Staffing",
    "Partners",
    "Careers",
    "Selection",
)
LEGAL_FORMS = ("Ltd", "S.L.", "GmbH", "SAS", "Inc", "")


def agency_sizes(agencies: int, events: int, rng: random.Random) -> list[int]:
    """Events per agency, summing to ``events``: a Zipf head and a lognormal body."""
    head_count = min(ZIPF_HEAD, agencies // 100)
    head = [int(events * ZIPF_TOP_SHARE / rank) for rank in range(1, head_count + 1)]
    body_total = events - sum(head)
    body_count = agencies - head_count
    weights = [rng.lognormvariate(0.0, BODY_SIGMA) for _ in range(body_count)]
    scale = body_total / sum(weights)
    body = [max(1, round(weight * scale)) for weight in weights]
    # Rounding leaves a few events over or short: the largest body agency absorbs them.
    largest = max(range(body_count), key=body.__getitem__)
    body[largest] += body_total - sum(body)
    sizes = head + body
    rng.shuffle(sizes)
    return sizes


class _Timeline:
    """One engagement's events as (day ordinal, kind, disclosed), built in date order."""

    __slots__ = ("day", "events", "rng", "today")

    def __init__(self, rng: random.Random, start: int, today: int) -> None:
        self.rng = rng
        self.day = start
        self.today = today
        self.events: list[tuple[int, str, bool | None]] = []

    def wait(self, mean_days: float) -> bool:
        """Let some days pass; False once past today (the engagement stops there)."""
        self.day += int(self.rng.expovariate(1.0 / mean_days))
        return self.day <= self.today

    def add(self, kind: str, disclosed: bool | None = None) -> None:
        self.events.append((self.day, kind, disclosed))


def engagement_events(
    rng: random.Random, start: int, today: int, answers: float, speed: float
) -> list[tuple[int, str, bool | None]]:
    """A plausible timeline: an agency that answers an awaiting point with ``answers``
    probability, after ``speed`` days on average."""
    line = _Timeline(rng, start, today)
    if rng.random() < 0.35:
        line.add(Kind.CONTACTED)
        roll = rng.random()
        if roll < 0.25 or not line.wait(2):
            return line.events  # the candidate never answered: nobody waits for the agency
        line.add(Kind.MESSAGE if roll < 0.6 else Kind.CV_SENT)
        cv_sent = roll >= 0.6
    else:
        line.add(Kind.APPLIED)
        cv_sent = False
    stages = [Kind.CV_REQUESTED, Kind.SUBMITTED, Kind.INTERVIEW, Kind.INTERVIEW, "outcome"]
    if cv_sent:
        stages.pop(0)
    if rng.random() < 0.4:
        stages.remove(Kind.INTERVIEW)
    nudges = 0
    while stages:
        # The candidate is waiting: the agency answers, or goes quiet.
        if rng.random() >= answers:
            roll = rng.random()
            if roll < 0.35 and nudges < 2:
                nudges += 1
                if not line.wait(9):
                    break
                line.add(Kind.MESSAGE)
                continue
            if roll < 0.65 and line.wait(25):
                line.add(Kind.SILENCE)
                if rng.random() < 0.15 and line.wait(20):
                    line.add(Kind.REPLY)  # a late answer reopens nothing more here
            elif roll < 0.72 and line.wait(15):
                line.add(Kind.WITHDREW)
            break
        if not line.wait(speed):
            break
        if line.events[-1][1] == Kind.MESSAGE and rng.random() < 0.6:
            line.add(Kind.REPLY)
            if not line.wait(speed):
                break
        stage = stages.pop(0)
        if stage == Kind.CV_REQUESTED:
            line.add(Kind.CV_REQUESTED)
            if rng.random() < 0.3:
                roll = rng.random()
                line.add(Kind.SALARY_ASKED, True if roll < 0.4 else False if roll < 0.75 else None)
            if rng.random() < 0.04:
                if line.wait(10):
                    line.add(Kind.ROLE_NOT_REAL)
                break
            if not line.wait(1):
                break
            line.add(Kind.CV_SENT)
        elif stage == Kind.SUBMITTED:
            line.add(Kind.SUBMITTED)
            if not line.wait(6):
                break
            line.add(Kind.MESSAGE)  # asking for news of the client
        elif stage == Kind.INTERVIEW:
            line.add(Kind.INTERVIEW)
            if rng.random() < 0.3 and line.wait(speed):
                line.add(Kind.FEEDBACK)
        else:
            roll = rng.random()
            if roll < 0.68:
                line.add(Kind.REJECTED)
                if rng.random() < 0.2 + 0.4 * answers and line.wait(25):
                    line.add(Kind.FEEDBACK if rng.random() < 0.5 else Kind.FOLLOW_UP)
            elif roll < 0.85:
                line.add(Kind.OFFER)
            else:
                line.add(Kind.WITHDREW)
    return line.events


class Seed:
    """The planned rows of one bench data set, as COPY text lines per table."""

    def __init__(self, agencies: int, events: int, seed: int = 20261125) -> None:
        self.agencies = agencies
        self.events = events
        self.users = max(1000, events // 30)
        self.rng = random.Random(seed)
        self.today = dt.date.today()
        self.now = dt.datetime.now(dt.UTC).isoformat()
        first = self.today.toordinal() - HISTORY_DAYS - 200
        # Accounts opened before their first event: past the new-account probation, so that
        # every engagement of a verified, unsuspended, unexcluded candidate counts.
        self.joined = dt.datetime.combine(
            dt.date.fromordinal(first - 1), dt.time(), tzinfo=dt.UTC
        ).isoformat()
        self.iso = {
            day: dt.date.fromordinal(day).isoformat()
            for day in range(first, self.today.toordinal() + 1)
        }

    def user_lines(self) -> Iterator[str]:
        rng, joined = self.rng, self.joined
        for user in range(1, self.users + 1):
            suspended = "t" if rng.random() < 0.005 else "f"
            excluded = "t" if rng.random() < 0.005 else "f"
            yield (
                f"{user}\t!\t\\N\tf\t\t\tf\tt\t{joined}\tuser{user}@bench.example\t"
                f"{suspended}\t{excluded}\n"
            )

    def email_lines(self) -> Iterator[str]:
        """About 95% verified, 3% unverified, 2% without an address row."""
        rng = self.rng
        row = 0
        for user in range(1, self.users + 1):
            roll = rng.random()
            if roll < 0.02:
                continue
            row += 1
            verified = "t" if roll >= 0.05 else "f"
            yield f"{row}\tuser{user}@bench.example\t{verified}\tt\t{user}\n"

    def agency_lines(self) -> Iterator[str]:
        rng, now = self.rng, self.now
        for agency in range(1, self.agencies + 1):
            words = rng.sample(NAME_WORDS, 2)
            name = f"Bench {words[0]} {words[1]} {agency} {rng.choice(LEGAL_FORMS)}".strip()
            website = f"https://www.bench-agency-{agency}.example/"
            active = "f" if rng.random() < 0.01 else "t"
            yield (
                f"{agency}\t{name}\tbench-agency-{agency}\t{website}\t"
                f"{domain_from_website(website)}\t{normalise_name(name)}\t"
                f"{rng.choice(COUNTRIES)}\t{rng.choice(CITIES)}\t{active}\t{now}\t{now}\t\\N\n"
            )

    def candidate(self) -> int:
        """A candidate id, skewed: some people log many engagements."""
        return 1 + int(self.rng.random() ** 2.2 * self.users)

    def engagement_and_event_lines(self) -> tuple[list[str], list[str], list[str]]:
        """(engagement lines, event lines, review lines), exactly ``events`` events."""
        rng, now, iso = self.rng, self.now, self.iso
        today = self.today.toordinal()
        engagements: list[str] = []
        events: list[str] = []
        reviews: list[str] = []
        engagement_id = event_id = 0
        for agency, budget in enumerate(agency_sizes(self.agencies, self.events, rng), start=1):
            answers = min(0.97, max(0.2, rng.betavariate(5, 2)))
            speed = 1.0 + (1.0 - answers) * 10
            while budget > 0:
                start = today - int(rng.random() * HISTORY_DAYS)
                timeline = engagement_events(rng, start, today, answers, speed)[:budget]
                budget -= len(timeline)
                engagement_id += 1
                excluded = "t" if rng.random() < 0.01 else "f"
                engagements.append(
                    f"{engagement_id}\t{rng.choice(ROLES)}\t\t{rng.choice(SOURCES)}\t"
                    f"{iso[timeline[0][0]]}\t{excluded}\t{now}\t{now}\t{agency}\t"
                    f"{self.candidate()}\t{NO_RISK}\n"
                )
                previous_day = -1
                previous_seconds = -1
                for day, kind, disclosed in timeline:
                    # Times, when given, keep the logged order within a day.
                    if day != previous_day:
                        seconds = rng.randrange(8 * 3600, 19 * 3600) if rng.random() < 0.3 else -1
                    elif previous_seconds >= 0:
                        seconds = min(86_399, previous_seconds + rng.randrange(60, 7200))
                    else:
                        seconds = -1
                    previous_day, previous_seconds = day, seconds
                    clock = (
                        "\\N"
                        if seconds < 0
                        else f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"
                    )
                    shown = "\\N" if disclosed is None else ("t" if disclosed else "f")
                    event_id += 1
                    events.append(
                        f"{event_id}\t{kind}\t{iso[day]}\t{clock}\t\t{shown}\t{now}\t{now}\t"
                        f"{agency}\t{engagement_id}\n"
                    )
                if len(timeline) > 2 and rng.random() < 0.08:
                    reviews.append(self.review_line(len(reviews) + 1, engagement_id, agency))
        self.engagements = engagement_id
        return engagements, events, reviews

    def review_line(self, review_id: int, engagement_id: int, agency: int) -> str:
        rng, now = self.rng, self.now
        roll = rng.random()
        status = "published" if roll < 0.8 else "pending" if roll < 0.9 else "rejected"
        published = now if status == "published" else "\\N"
        ratings = "\t".join(str(rng.randint(1, 5)) for _ in range(4))
        return (
            f"{review_id}\t{engagement_id}\t{ratings}\tBench review text.\t{status}\t"
            f"{now}\t{published}\t{now}\t{REVIEW_NO_RISK}\t{agency}\n"
        )


# Seeded rows went through no risk check: not held, no signal.
NO_RISK = "f\t[]\tnone"
REVIEW_NO_RISK = "[]\tnone"

COLUMNS = {
    "accounts_user": "id, password, last_login, is_superuser, first_name, last_name, "
    "is_staff, is_active, date_joined, email, is_suspended, excluded_from_scores",
    "account_emailaddress": 'id, email, verified, "primary", user_id',
    "agencies_agency": "id, name, slug, website, domain, name_key, country, city, is_active, "
    "created_at, updated_at, merged_into_id",
    "reviews_engagement": "id, role_title, reference, source, started_on, "
    "excluded_from_scores, created_at, updated_at, agency_id, candidate_id, "
    "held_for_review, risk_signals, risk_level",
    "reviews_event": "id, kind, occurred_on, occurred_at, note, role_details_disclosed, "
    "created_at, updated_at, agency_id, engagement_id",
    "reviews_review": "id, engagement_id, rating_communication, rating_honesty, "
    "rating_feedback, rating_respect, text, status, submitted_at, published_at, updated_at, "
    "risk_signals, risk_level, agency_id",
}


def check_columns(cursor) -> None:
    """Stop with a clear message if the schema grew a required column this seed omits."""
    for table, listed in COLUMNS.items():
        known = {name.strip().strip('"') for name in listed.split(",")}
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        missing = sorted({name for (name,) in cursor.fetchall()} - known)
        if missing:
            raise SystemExit(
                f"{table} has required columns bench/scoring_seed.py does not fill: "
                f"{', '.join(missing)}; add them to COLUMNS and to the rows."
            )


def copy_lines(cursor, table: str, lines: Iterable[str]) -> int:
    """COPY text-format lines into ``table`` in chunks; returns the rows copied."""
    statement = f"COPY {table} ({COLUMNS[table]}) FROM STDIN"
    total = 0
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == COPY_CHUNK_ROWS:
            cursor.copy_expert(statement, io.StringIO("".join(chunk)))
            total += len(chunk)
            chunk = []
    if chunk:
        cursor.copy_expert(statement, io.StringIO("".join(chunk)))
        total += len(chunk)
    return total


def _secondary_structures(cursor, table: str) -> tuple[list[str], list[str], list[str]]:
    """(drop statements, create statements, names) of a table's foreign keys and plain
    indexes: the ones a bulk load is faster without. Primary and unique keys stay."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique "
        "ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    drops = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _ in foreign_keys]
    drops += [f'DROP INDEX "{name}"' for name, _ in indexes]
    creates = [definition for _, definition in indexes]
    creates += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in foreign_keys
    ]
    return drops, creates, [name for name, _ in foreign_keys + indexes]


def seed(connection, agencies: int, events: int, say=print) -> dict[str, float]:
    """Empty the bench tables and load a fresh data set in one transaction; returns timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        check_columns(cursor)
    connection.rollback()
    plan = Seed(agencies, events)
    engagement_lines, event_lines, review_lines = plan.engagement_and_event_lines()
    timings["generate engagements and events"] = time.perf_counter() - started
    say(
        f"  planned {plan.users:,} users, {agencies:,} agencies, {plan.engagements:,} "
        f"engagements, {len(event_lines):,} events, {len(review_lines):,} reviews "
        f"in {timings['generate engagements and events']:.1f} s"
    )
    with connection, connection.cursor() as cursor:
        step = time.perf_counter()
        cursor.execute(f"TRUNCATE {', '.join(CLEARED_TABLES)} RESTART IDENTITY CASCADE")
        loads = [
            ("accounts_user", plan.user_lines()),
            ("account_emailaddress", plan.email_lines()),
            ("agencies_agency", plan.agency_lines()),
            ("reviews_engagement", engagement_lines),
            ("reviews_event", event_lines),
            ("reviews_review", review_lines),
        ]
        rebuilt: list[str] = []
        for table, lines in loads:
            drops, creates, names = _secondary_structures(cursor, table)
            for statement in drops:
                cursor.execute(statement)
            step = time.perf_counter()
            copied = copy_lines(cursor, table, lines)
            timings[f"COPY {table}"] = time.perf_counter() - step
            step = time.perf_counter()
            for statement in creates:
                cursor.execute(statement)
            timings[f"index+FK {table}"] = time.perf_counter() - step
            rebuilt += names
            say(
                f"  {table:22} {copied:>9,} rows: COPY {timings[f'COPY {table}']:5.1f} s, "
                f"{len(names)} indexes/foreign keys rebuilt in "
                f"{timings[f'index+FK {table}']:5.1f} s"
            )
        for table in SEEDED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        step = time.perf_counter()
    timings["commit"] = time.perf_counter() - step
    step = time.perf_counter()
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in CLEARED_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    connection.autocommit = False
    timings["vacuum analyze"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return timings
