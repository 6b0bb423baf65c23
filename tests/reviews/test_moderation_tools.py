"""Moderator tools: held engagements, exclusions, suspensions and frozen scores, all logged."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency, AgencyScore
from agencies.scores import score_recompute
from reviews.event_kinds import Kind
from reviews.models import Engagement, ModerationAction, ModerationActionKind, ModerationReason
from reviews.moderation import agency_score_release, held_engagements_decide
from reviews.services import engagement_create, event_create
from tests.factories import days_ago, make_agency, make_engagement, make_event, make_user
from tests.reviews.moderation_helpers import make_moderator, make_old_user
from tests.reviews.test_risk_screening import brigade, well_rated_agency

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def moderator():
    return make_moderator()


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def actions(**filters) -> list[str]:
    return list(
        ModerationAction.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


# These tests commit each write (transaction=True), so that every commit asks for the
# agency's recompute as in production; the jobs run in-process.


@pytest.mark.django_db(transaction=True)
def test_after_moderators_exclude_a_brigade_and_release_the_score_it_counts_without_them(
    client, moderator_client
):
    agency = well_rated_agency()
    before = AgencyScore.objects.get(agency=agency)
    brigade(agency, 30)
    queue = moderator_client.get("/moderation/").content.decode()
    assert agency.name in queue and "30 engagements held" in queue
    page = moderator_client.get(f"/moderation/agencies/{agency.pk}/").content.decode()
    assert "Part of a burst of new accounts logging this agency" in page

    response = moderator_client.post(
        f"/moderation/agencies/{agency.pk}/held/",
        {"exclude": "1", "reason": ModerationReason.NOT_GENUINE, "note": "Brigade."},
        follow=True,
    )
    assert "30 engagements excluded." in response.content.decode()
    frozen_row = AgencyScore.objects.get(agency=agency)
    moderator_client.post(f"/moderation/agencies/{agency.pk}/release/", {"note": "Done."})

    agency.refresh_from_db()
    assert agency.score_frozen_at is None
    after = AgencyScore.objects.get(agency=agency)
    assert after.updated_at > frozen_row.updated_at  # recomputed on release
    assert (after.score, after.engagements) == (before.score, 20)
    assert Engagement.objects.filter(agency=agency, excluded_from_scores=True).count() == 30
    assert (
        actions(agency=agency, actor__isnull=False).count(ModerationActionKind.ENGAGEMENT_EXCLUDED)
        == 30
    )
    assert actions(agency=agency)[-1] == ModerationActionKind.SCORE_RELEASED
    public = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Unusual activity is being reviewed" not in public


@pytest.mark.django_db(transaction=True)
def test_clearing_a_brigades_holds_lets_it_count_once_the_score_is_released(moderator):
    agency = well_rated_agency()
    before = AgencyScore.objects.get(agency=agency).score
    brigade(agency, 12)
    assert held_engagements_decide(agency=agency, actor=moderator, exclude=False) == 12
    assert AgencyScore.objects.get(agency=agency).engagements == 20  # still frozen
    agency_score_release(agency=agency, actor=moderator)
    assert AgencyScore.objects.get(agency=agency).engagements == 20  # still on probation
    # A week later the accounts are past their probation and count like any other.
    User.objects.filter(engagements__agency=agency).update(
        date_joined=timezone.now() - datetime.timedelta(days=8)
    )
    score_recompute(agency_id=agency.pk)
    after = AgencyScore.objects.get(agency=agency)
    assert after.engagements == 32
    assert after.score < before


def test_excluding_a_held_engagement_needs_a_reason_and_clears_the_hold(moderator_client):
    agency = make_agency(website="https://acme.example")
    engagement = engagement_create(
        candidate=make_old_user(email="boss@acme.example"),
        agency=agency,
        source="linkedin",
        started_on=days_ago(10),
    )
    assert engagement.held_for_review
    url = f"/moderation/engagements/{engagement.pk}/exclude/"
    response = moderator_client.post(url, {}, follow=True)
    assert "Choose the reason for this decision." in response.content.decode()
    moderator_client.post(url, {"reason": ModerationReason.CONFLICT_OF_INTEREST})
    engagement.refresh_from_db()
    assert engagement.excluded_from_scores and not engagement.held_for_review
    moderator_client.post(f"/moderation/engagements/{engagement.pk}/include/")
    engagement.refresh_from_db()
    assert not engagement.excluded_from_scores
    assert actions(engagement=engagement) == [
        ModerationActionKind.ENGAGEMENT_HELD,
        ModerationActionKind.ENGAGEMENT_EXCLUDED,
        ModerationActionKind.ENGAGEMENT_INCLUDED,
    ]


@pytest.mark.django_db(transaction=True)
def test_clearing_a_hold_makes_the_engagement_count(moderator_client):
    agency = make_agency(website="https://acme.example")
    for _ in range(5):
        counted = make_engagement(candidate=make_old_user(), agency=agency)
        make_event(engagement=counted, kind=Kind.APPLIED)
    held = engagement_create(
        candidate=make_old_user(email="hr@acme.example"),
        agency=agency,
        source="linkedin",
        started_on=days_ago(40),
    )
    event_create(engagement=held, kind=Kind.APPLIED, occurred_on=days_ago(40))
    assert AgencyScore.objects.get(agency=agency).engagements == 5
    moderator_client.post(f"/moderation/engagements/{held.pk}/clear-hold/")
    assert AgencyScore.objects.get(agency=agency).engagements == 6
    response = moderator_client.post(f"/moderation/engagements/{held.pk}/clear-hold/", follow=True)
    assert "Another moderator has just decided on this" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_excluding_an_account_rescores_every_agency_it_logged(moderator_client):
    account = make_old_user()
    agencies = [make_agency(), make_agency()]
    for agency in agencies:
        make_event(engagement=make_engagement(candidate=account, agency=agency), kind="applied")
    moderator_client.post(
        f"/moderation/accounts/{account.pk}/exclude/",
        {"reason": ModerationReason.NOT_GENUINE, "note": "Invented logs."},
    )
    account.refresh_from_db()
    assert account.excluded_from_scores
    for agency in agencies:
        assert AgencyScore.objects.get(agency=agency).engagements == 0
    [entry] = ModerationAction.objects.filter(account=account)
    assert (entry.action, entry.reason, entry.note) == (
        ModerationActionKind.ACCOUNT_EXCLUDED,
        ModerationReason.NOT_GENUINE,
        "Invented logs.",
    )


def test_a_suspended_account_cannot_sign_in_and_its_session_ends(client, moderator):
    from reviews.moderation import account_suspend, account_unsuspend

    account = make_user(email="troll@example.com", password=PASSWORD)
    client.force_login(account)
    assert client.get("/experiences/").status_code == 200
    account_suspend(account=account, actor=moderator, reason=ModerationReason.HARASSMENT)
    response = client.get("/experiences/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.logout()
    client.post("/accounts/login/", {"login": account.email, "password": PASSWORD})
    assert client.get("/experiences/").status_code == 302
    account_unsuspend(account=account, actor=moderator)
    client.post("/accounts/login/", {"login": account.email, "password": PASSWORD})
    assert client.get("/experiences/").status_code == 200
    assert actions(account=account) == [
        ModerationActionKind.ACCOUNT_SUSPENDED,
        ModerationActionKind.ACCOUNT_UNSUSPENDED,
    ]


def test_staff_accounts_cannot_be_suspended_or_excluded_from_the_queue(moderator_client):
    colleague = make_moderator()
    for action in ("suspend", "exclude"):
        response = moderator_client.post(
            f"/moderation/accounts/{colleague.pk}/{action}/",
            {"reason": ModerationReason.HARASSMENT},
            follow=True,
        )
        assert "Staff accounts cannot be excluded or suspended here." in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active and not colleague.is_suspended
    assert not ModerationAction.objects.exists()


def test_releasing_a_score_that_is_not_frozen_says_so(moderator_client):
    agency = make_agency()
    response = moderator_client.post(f"/moderation/agencies/{agency.pk}/release/", follow=True)
    assert "Another moderator has just decided on this" in response.content.decode()
    assert not Agency.objects.filter(score_frozen_at__isnull=False).exists()


def test_the_engagement_page_shows_the_account_without_its_email(moderator_client):
    account = make_user(email="hidden.person@example.com", verified=False)
    engagement = make_engagement(candidate=account, role_title="Analyst")
    make_event(engagement=engagement, kind=Kind.CV_SENT)
    page = moderator_client.get(f"/moderation/engagements/{engagement.pk}/").content.decode()
    assert f"Account #{account.pk}" in page and "e-mail not verified" in page
    assert "Analyst" in page and "Sent the CV" in page
    assert "hidden.person@example.com" not in page
