"""The demo data set: believable, deterministic, safe to load twice, and only ever itself."""

import datetime as dt
import hashlib
from collections import defaultdict
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef

from accounts.models import User
from agencies.models import Agency, AgencyScore, ScoreSnapshot
from agencies.services import agency_create
from agencyrank.demo.plan import plan_demo
from reviews.event_kinds import Kind
from reviews.models import (
    AgencyReply,
    Engagement,
    Event,
    Review,
    ReviewStatus,
    ReviewStatusChange,
    Source,
)

TODAY = dt.date(2026, 6, 30)
DEMO_CANDIDATES = {"email__endswith": "@demo.agencyrank.example"}

pytestmark = pytest.mark.django_db


def seed(*args: str, **options) -> str:
    """Run seed_demo quietly with the fixed anchor date; return what it printed."""
    out = StringIO()
    call_command("seed_demo", *args, today=TODAY.isoformat(), verbosity=0, stdout=out, **options)
    return out.getvalue()


def rows(queryset, *fields: str) -> list[tuple[str, ...]]:
    """The queryset's rows as sorted tuples of strings (None and dates compare as text)."""
    return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*fields))


def snapshot() -> dict[str, list[tuple[str, ...]]]:
    """Everything the demo data set consists of, keyed by natural keys instead of ids."""
    engagement = (
        "engagement__agency__slug",
        "engagement__candidate__email",
        "engagement__started_on",
        "engagement__role_title",
    )
    return {
        "agencies": rows(
            Agency.objects.all(), "slug", "name", "website", "domain", "name_key", "country", "city"
        ),
        "specialties": rows(
            Agency.specialties.through.objects.all(), "agency__slug", "specialty__code"
        ),
        "users": rows(User.objects.all(), "email", "date_joined", "is_active"),
        "engagements": rows(
            Engagement.objects.all(),
            "agency__slug",
            "candidate__email",
            "started_on",
            "role_title",
            "source",
        ),
        "events": rows(
            Event.objects.all(),
            *engagement,
            "agency__slug",
            "kind",
            "occurred_on",
            "occurred_at",
            "note",
            "role_details_disclosed",
        ),
        "reviews": rows(
            Review.objects.all(),
            *engagement,
            "rating_communication",
            "rating_honesty",
            "rating_feedback",
            "rating_respect",
            "text",
            "status",
            "submitted_at",
            "published_at",
        ),
        "history": rows(
            ReviewStatusChange.objects.all(),
            "review__engagement__agency__slug",
            "review__submitted_at",
            "from_status",
            "to_status",
            "created_at",
        ),
        "replies": rows(
            AgencyReply.objects.all(), "review__submitted_at", "author__email", "text", "created_at"
        ),
    }


def checksum(data: dict[str, list[tuple[str, ...]]]) -> str:
    """A short fingerprint of a snapshot."""
    return hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()


def test_another_seed_plans_another_data_set():
    timelines = [
        [
            (e.started_on, [ev.kind for ev in e.events])
            for e in plan_demo(seed, TODAY, False).engagements
        ]
        for seed in (2026, 7)
    ]

    assert timelines[0] != timelines[1]


@pytest.fixture(scope="class")
def demo_data_set(django_db_setup, django_db_blocker):
    """Seed once for a whole class, inside a transaction that is rolled back at its end.

    Each test runs in a savepoint of that transaction, so tests that write (a second run, a
    reset) leave the shared data set as they found it; seeding once keeps the file fast.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        # The deferred composite foreign key (event agency = engagement agency) is checked
        # here rather than at a commit that never comes, and immediately from now on.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo_data_set")
class TestSeedDemo:
    def test_seeding_creates_about_150_agencies_across_ten_countries(self):
        agencies = Agency.objects.all()
        assert 140 <= agencies.count() <= 160
        assert agencies.values("country").distinct().count() == 10
        assert not agencies.filter(city="").exists()
        assert all(agency.domain.endswith(".example") for agency in agencies)
        assert all(agency.website.startswith("https://") for agency in agencies)
        assert len({agency.name_key for agency in agencies}) == agencies.count()
        specialty_counts = agencies.annotate(n=Count("specialties")).values_list("n", flat=True)
        assert set(specialty_counts) <= {1, 2, 3}

    def test_seeding_creates_hundreds_of_candidates_thousands_of_engagements_and_every_kind(self):
        assert User.objects.filter(**DEMO_CANDIDATES).count() == 300
        assert 2500 <= Engagement.objects.count() <= 3500
        assert set(Event.objects.values_list("kind", flat=True).distinct()) == set(Kind)
        assert set(Engagement.objects.values_list("source", flat=True).distinct()) == set(Source)
        # Disclosure is recorded on pay questions only, with all three answers represented.
        assert (
            not Event.objects.exclude(kind=Kind.SALARY_ASKED)
            .filter(role_details_disclosed__isnull=False)
            .exists()
        )
        disclosures = Event.objects.filter(kind=Kind.SALARY_ASKED).values_list(
            "role_details_disclosed", flat=True
        )
        assert set(disclosures) == {True, False, None}
        # Scores are the background jobs' work.
        assert not AgencyScore.objects.exists()
        assert not ScoreSnapshot.objects.exists()

    def test_about_a_third_of_engagements_have_a_published_review_and_a_few_agencies_reply(self):
        engagements = Engagement.objects.count()
        published = Review.objects.filter(status=ReviewStatus.PUBLISHED)
        assert 0.2 * engagements <= published.count() <= 0.4 * engagements
        assert Review.objects.filter(status=ReviewStatus.PENDING).exists()
        history = ReviewStatusChange.objects.filter(
            from_status="", to_status=ReviewStatus.PUBLISHED
        )
        assert history.count() == published.count()
        assert published.filter(text__contains=" que ").exists()  # some are in Spanish
        replies = AgencyReply.objects.select_related("author", "review__engagement__agency")
        assert 1 <= replies.values("review__engagement__agency").distinct().count() <= 10
        for reply in replies:
            assert reply.author.email == f"rep@{reply.review.engagement.agency.domain}"
            assert reply.review.status == ReviewStatus.PUBLISHED
            assert reply.created_at > reply.review.published_at

    def test_every_event_falls_between_its_engagement_start_and_today_in_order(self):
        events = Event.objects.values_list("engagement_id", "engagement__started_on", "occurred_on")
        last_date: dict[int, dt.date] = {}
        for engagement_id, started_on, occurred_on in events.order_by("engagement_id", "pk"):
            assert started_on <= occurred_on <= TODAY
            assert occurred_on >= last_date.get(engagement_id, started_on)
            last_date[engagement_id] = occurred_on
        # Every engagement has a timeline, and some are recent enough to be still running.
        assert len(last_date) == Engagement.objects.count()
        recent = Engagement.objects.filter(started_on__gte=TODAY - dt.timedelta(days=21))
        assert recent.count() > 50

    def test_behaviour_varies_widely_between_agencies(self):
        answered = Event.objects.filter(
            engagement=OuterRef("pk"), kind__in=[Kind.REPLY, Kind.FEEDBACK]
        )
        engagements = Engagement.objects.annotate(answered=Exists(answered))
        outcomes: dict[int, list[bool]] = defaultdict(list)
        for agency_id, was_answered in engagements.values_list("agency_id", "answered"):
            outcomes[agency_id].append(was_answered)
        shares = [sum(o) / len(o) for o in outcomes.values() if len(o) >= 10]

        assert len(shares) >= 50
        assert sum(share > 0.7 for share in shares) >= 3
        assert sum(share < 0.3 for share in shares) >= 3

    def test_all_demo_candidates_have_a_verified_primary_email_address(self):
        candidates = User.objects.filter(**DEMO_CANDIDATES)
        verified = EmailAddress.objects.filter(
            user=OuterRef("pk"), email=OuterRef("email"), verified=True, primary=True
        )
        assert candidates.count() == 300
        assert not candidates.exclude(Exists(verified)).exists()
        assert not any(user.has_usable_password() for user in candidates)

    def test_running_it_twice_changes_nothing(self):
        before = snapshot()

        message = seed()

        assert checksum(snapshot()) == checksum(before)
        agencies, engagements = len(before["agencies"]), len(before["engagements"])
        assert message.strip() == (
            f"Demo data already loaded: {agencies} agencies, {engagements} engagements; "
            "nothing to do."
        )

    def test_two_data_sets_seeded_with_the_same_seed_and_today_are_identical(self):
        first = snapshot()

        seed(reset=True)

        second = snapshot()
        assert checksum(second) == checksum(first)
        assert second == first

    def test_reset_deletes_only_demo_data(self):
        real_agency = agency_create(name="Acme Staffing", country="GB", website="https://acme.com")
        real_user = User.objects.create_user("jo@example.com")
        demo_agency = Agency.objects.filter(domain__endswith=".example").order_by("slug").first()
        # A real account's engagement keeps the demo agency it is about.
        Engagement.objects.create(
            candidate=real_user, agency=demo_agency, source=Source.EMAIL, started_on=TODAY
        )

        seed(reset=True)

        assert Agency.objects.filter(pk=real_agency.pk).exists()
        assert Agency.objects.filter(pk=demo_agency.pk).exists()
        assert User.objects.filter(pk=real_user.pk).exists()
        assert Engagement.objects.filter(candidate=real_user).count() == 1
        assert User.objects.filter(**DEMO_CANDIDATES).count() == 300
        # The fresh demo agency of the same name got a slug of its own.
        assert Agency.objects.filter(slug=f"{demo_agency.slug}-2").exists()
