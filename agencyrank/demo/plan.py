"""Plan the whole demo data set in memory: ``plan_demo(seed, today)`` returns a ``Plan``.

About 150 agencies in ten countries, each with a hidden behaviour profile; 300 candidates;
some 3,000 engagements whose timelines follow their agency's behaviour at the time; and
reviews of finished engagements (mostly published, a few pending, a handful with a public
agency reply). Everything is drawn from one ``random.Random(seed)`` in a fixed order and
anchored on ``today``, so the same seed and today always give the same plan. Pure: no
Django models, no clock, no database; ``agencyrank.demo.load`` saves the plan.
"""

import datetime as dt
import sys
from dataclasses import dataclass, field
from random import Random

from django.utils.text import slugify
from tqdm import tqdm

from agencyrank.demo.review_writing import review_ratings, review_text, story_facts, tone_of
from agencyrank.demo.stories import (
    PROFILE_WEIGHTS,
    PROFILES,
    Behaviour,
    PlannedEvent,
    Timeline,
    blend,
    jittered,
    set_times,
    write_story,
)
from agencyrank.demo.vocabulary import (
    AGENCY_COUNTS,
    AGENCY_REPLIES,
    CITIES,
    ENGLISH_NAMES,
    LEGAL_FORMS,
    LOCAL_KINDS,
    LOCAL_STEMS,
    ROLE_TITLES,
    SOURCE_WEIGHTS,
    SPANISH_NAMES,
    SPANISH_ROLE_TITLES,
    SPANISH_SPEAKING,
    SPECIALTY_WEIGHTS,
)

DEMO_EMAIL_DOMAIN = "demo.agencyrank.example"
# Reserved by RFC 2606: a real agency's website can never be on it.
DEMO_TLD = ".example"
CANDIDATE_COUNT = 300
ENGAGEMENT_COUNT = 3000
# Two years of history: enough for monthly trends and for improvers to show it.
HISTORY_DAYS = 730
# reviews.models.ReviewStatus values, spelled out so that planning needs no models.
PUBLISHED = "published"
PENDING = "pending"

# --- The plan --------------------------------------------------------------------------------


@dataclass
class AgencyPlan:
    """One demo agency as it will be saved, plus its hidden behaviour."""

    name: str
    slug: str
    website: str
    country: str
    city: str
    specialties: list[str]
    profile: str
    early: Behaviour
    late: Behaviour
    size: float  # relative share of the engagements

    def behaviour_on(self, day: dt.date, today: dt.date) -> Behaviour:
        """How the agency behaved in an engagement that started on ``day``."""
        if self.early == self.late:
            return self.early
        progress = 1 - (today - day).days / HISTORY_DAYS
        t = min(1.0, max(0.0, (progress - 0.35) / 0.4))
        return blend(self.early, self.late, t * t * (3 - 2 * t))

    @property
    def domain(self) -> str:
        """The website's host without "www."."""
        return self.website.split("://", 1)[1].removeprefix("www.")

    @property
    def language(self) -> str:
        """The language most of its candidates write reviews in."""
        return "es" if self.country in SPANISH_SPEAKING else "en"


@dataclass
class CandidatePlan:
    """One demo candidate account."""

    email: str
    country: str
    activity: float  # relative share of the engagements
    joined: dt.datetime | None = None


@dataclass
class EngagementPlan:
    """One planned engagement, its timeline, and whether its story is over by today."""

    agency: int
    candidate: int
    role_title: str
    source: str
    started_on: dt.date
    events: list[PlannedEvent]
    finished: bool


@dataclass
class ReviewPlan:
    """One planned review, with its agency reply if it gets one."""

    engagement: int
    ratings: tuple[int, int, int, int]
    text: str
    language: str
    status: str
    submitted_at: dt.datetime
    published_at: dt.datetime | None
    facts: frozenset[str] = frozenset()
    reply_text: str = ""
    reply_at: dt.datetime | None = None


@dataclass
class Plan:
    """The whole demo data set, before it touches the database."""

    agencies: list[AgencyPlan] = field(default_factory=list)
    candidates: list[CandidatePlan] = field(default_factory=list)
    engagements: list[EngagementPlan] = field(default_factory=list)
    reviews: list[ReviewPlan] = field(default_factory=list)

    @property
    def representatives(self) -> list[int]:
        """Indexes of the agencies whose representative replies to a review."""
        agencies = {self.engagements[r.engagement].agency for r in self.reviews if r.reply_text}
        return sorted(agencies)


def weighted(rng: Random, weights: dict) -> object:
    """One key of ``weights`` drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def agency_name(rng: Random, country: str) -> tuple[str, str]:
    """An invented agency name for ``country``: (name without legal form, legal form)."""
    if country in SPANISH_SPEAKING and rng.random() < 0.7:
        kind, gender = rng.choice(SPANISH_NAMES["kinds"]).split("/")
        masculine, feminine = rng.choice(SPANISH_NAMES[country]).split("/")
        base = f"{kind} {feminine if gender == 'f' else masculine}"
        if rng.random() < 0.2:
            base = f"{base} {rng.choice(('Recruitment', 'Partners'))}"
    elif country in LOCAL_STEMS and rng.random() < 0.65:
        base = f"{rng.choice(LOCAL_STEMS[country])} {rng.choice(LOCAL_KINDS[country])}"
        if country == "FR" and rng.random() < 0.3:
            base = f"Cabinet {base}"
    else:
        stems = ENGLISH_NAMES["irish" if country == "IE" and rng.random() < 0.5 else "stems"]
        base = f"{rng.choice(stems)} {rng.choice(ENGLISH_NAMES['kinds'])}"
    legal_form = rng.choice(LEGAL_FORMS[country]) if rng.random() < 0.35 else ""
    return base, legal_form


def plan_agencies(rng: Random) -> list[AgencyPlan]:
    """About 150 agencies with unique names, slugs and websites, and a hidden profile each."""
    agencies: list[AgencyPlan] = []
    slugs: set[str] = set()
    for country, count in AGENCY_COUNTS.items():
        for _ in range(count):
            base, legal_form = agency_name(rng, country)
            while slugify(base) in slugs:
                base, legal_form = agency_name(rng, country)
            slug = slugify(base)
            slugs.add(slug)
            host = f"{slug}{DEMO_TLD}"
            website = f"https://www.{host}" if rng.random() < 0.3 else f"https://{host}"
            specialties = pick_specialties(rng, base)
            profile = str(weighted(rng, PROFILE_WEIGHTS))
            if profile == "improving":
                early = jittered(PROFILES["ghoster"], rng)
                late = jittered(PROFILES["responsive"], rng)
            else:
                early = late = jittered(PROFILES[profile], rng)
            agencies.append(
                AgencyPlan(
                    name=f"{base} {legal_form}".strip(),
                    slug=slug,
                    website=website,
                    country=country,
                    city=rng.choice(CITIES[country]),
                    specialties=specialties,
                    profile=profile,
                    early=early,
                    late=late,
                    size=rng.lognormvariate(0, 0.75),
                )
            )
    return agencies


def pick_specialties(rng: Random, name: str) -> list[str]:
    """One to three specialty codes; executive search firms always do executive search."""
    codes: list[str] = []
    if "Executive" in name or "Ejecutiva" in name:
        codes.append("executive")
    wanted = rng.choice((1, 1, 2, 2, 2, 3))
    while len(codes) < wanted:
        code = str(weighted(rng, SPECIALTY_WEIGHTS))
        if code not in codes:
            codes.append(code)
    return codes


def plan_candidates(rng: Random) -> list[CandidatePlan]:
    """Candidates spread over the countries in proportion to their agencies."""
    return [
        CandidatePlan(
            email=f"candidate{number:03d}@{DEMO_EMAIL_DOMAIN}",
            country=str(weighted(rng, AGENCY_COUNTS)),
            activity=0.3 + rng.expovariate(1.0),
        )
        for number in range(1, CANDIDATE_COUNT + 1)
    ]


def plan_engagements(
    rng: Random, plan: Plan, today: dt.date, progress: bool
) -> list[EngagementPlan]:
    """About 3,000 engagements: candidates mostly deal with agencies in their own country."""
    agency_weights = [a.size for a in plan.agencies]
    by_country: dict[str, list[int]] = {}
    for index, candidate in enumerate(plan.candidates):
        by_country.setdefault(candidate.country, []).append(index)
    all_candidates = list(range(len(plan.candidates)))
    engagements = []
    for _ in tqdm(
        range(ENGAGEMENT_COUNT),
        desc="Planning engagements",
        unit="engagement",
        disable=not progress,
        file=sys.stderr,
    ):
        agency_index = rng.choices(range(len(plan.agencies)), weights=agency_weights)[0]
        agency = plan.agencies[agency_index]
        pool = by_country.get(agency.country, all_candidates)
        if rng.random() < 0.2:
            pool = all_candidates
        candidate_index = rng.choices(pool, weights=[plan.candidates[i].activity for i in pool])[0]
        # Skewed towards recent months: more people use the site now, and some processes
        # are still running.
        started_on = today - dt.timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.25))
        source = str(weighted(rng, SOURCE_WEIGHTS))
        specialty = rng.choice(agency.specialties)
        titles = ROLE_TITLES[specialty]
        if agency.country in SPANISH_SPEAKING and rng.random() < 0.5:
            titles = SPANISH_ROLE_TITLES[specialty]
        role_title = rng.choice(titles)
        tl = Timeline(rng, started_on, agency.behaviour_on(started_on, today))
        write_story(tl, source)
        events = [e for e in tl.events if e.day <= today]
        set_times(rng, events)
        engagements.append(
            EngagementPlan(
                agency=agency_index,
                candidate=candidate_index,
                role_title=role_title,
                source=source,
                started_on=started_on,
                events=events,
                finished=len(events) == len(tl.events),
            )
        )
    return engagements


def at(rng: Random, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """An aware datetime in ``tz`` during the waking hours of ``day``."""
    moment = dt.time(rng.randint(7, 22), rng.randint(0, 59))
    return dt.datetime.combine(day, moment, tzinfo=tz)


def plan_reviews(rng: Random, plan: Plan, today: dt.date, tz: dt.tzinfo) -> list[ReviewPlan]:
    """Published reviews for about 30% of engagements, a few pending, a handful answered."""
    reviews = []
    for index, engagement in enumerate(plan.engagements):
        if not engagement.finished:
            continue
        last_day = engagement.events[-1].day
        days_since = (today - last_day).days
        if days_since >= 5 and rng.random() < 0.34:
            status = PUBLISHED
            submitted_on = last_day + dt.timedelta(days=rng.randint(1, min(days_since - 3, 40)))
        elif 1 <= days_since <= 60 and rng.random() < 0.06:
            status = PENDING
            submitted_on = today - dt.timedelta(days=rng.randint(1, min(days_since, 6)))
        else:
            continue
        agency = plan.agencies[engagement.agency]
        behaviour = agency.behaviour_on(engagement.started_on, today)
        facts = story_facts(engagement.events)
        ratings = review_ratings(rng, behaviour.quality, facts)
        language = "es" if agency.language == "es" and rng.random() < 0.6 else "en"
        submitted_at = at(rng, submitted_on, tz)
        published_at = None
        if status == PUBLISHED:
            published_at = submitted_at + dt.timedelta(hours=rng.randint(3, 60))
        reviews.append(
            ReviewPlan(
                engagement=index,
                ratings=ratings,
                text=review_text(rng, language, tone_of(ratings), facts),
                language=language,
                status=status,
                submitted_at=submitted_at,
                published_at=published_at,
                facts=frozenset(facts),
            )
        )
    plan_agency_replies(rng, plan, reviews, today, tz)
    return reviews


def plan_agency_replies(
    rng: Random, plan: Plan, reviews: list[ReviewPlan], today: dt.date, tz: dt.tzinfo
) -> None:
    """A handful of well-run agencies answer some reviews, the critical ones first."""
    published: dict[int, list[ReviewPlan]] = {}
    for review in reviews:
        if review.status == PUBLISHED:
            agency = plan.engagements[review.engagement].agency
            published.setdefault(agency, []).append(review)
    yesterday = today - dt.timedelta(days=1)
    # Only reviews published at least two days ago, so a reply can follow them before today.
    for agency_reviews in published.values():
        agency_reviews[:] = [r for r in agency_reviews if r.published_at.date() < yesterday]
    eligible = [
        index
        for index, agency in enumerate(plan.agencies)
        if agency.profile in ("responsive", "improving", "average")
        and len(published.get(index, ())) >= 3
    ]
    for index in rng.sample(eligible, min(8, len(eligible))):
        answered = sorted(published[index], key=lambda r: (sum(r.ratings), r.engagement))
        for review in answered[: rng.randint(1, 3)]:
            if tone_of(review.ratings) == "good":
                situation = "thanks"
            else:
                situation = "ghosted" if "ghosted" in review.facts else "sorry"
            review.reply_text = rng.choice(AGENCY_REPLIES[f"{review.language} {situation}"])
            # A day or more after publication, never later than yesterday.
            published_on = review.published_at.date()
            reply_on = published_on + dt.timedelta(days=rng.randint(1, 8))
            reply_on = max(published_on + dt.timedelta(days=1), min(reply_on, yesterday))
            review.reply_at = at(rng, reply_on, tz)


def plan_demo(seed: int, today: dt.date, progress: bool = False, *, tz: dt.tzinfo = dt.UTC) -> Plan:
    """The demo data set for ``seed`` and ``today`` (times in ``tz``): same inputs, same plan.

    With ``progress``, a bar on stderr follows the engagements as they are planned.
    """
    # Reproducible on purpose: this is demo data, not a secret.
    rng = Random(seed)
    plan = Plan()
    plan.agencies = plan_agencies(rng)
    plan.candidates = plan_candidates(rng)
    plan.engagements = plan_engagements(rng, plan, today, progress)
    plan.reviews = plan_reviews(rng, plan, today, tz)
    first_start: dict[int, dt.date] = {}
    for engagement in plan.engagements:
        current = first_start.get(engagement.candidate, engagement.started_on)
        first_start[engagement.candidate] = min(current, engagement.started_on)
    for index, candidate in enumerate(plan.candidates):
        first = first_start.get(index, today - dt.timedelta(days=1))
        joined_on = first - dt.timedelta(days=rng.randint(0, 20))
        candidate.joined = at(rng, joined_on, tz)
    return plan
