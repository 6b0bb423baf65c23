"""What arrives is screened: risk signals are stored, risky engagements held, bursts frozen."""

import pytest
from django.utils import timezone

from agencies import scores
from agencies.models import Agency, AgencyScore
from reviews.event_kinds import Kind
from reviews.models import Engagement, ModerationAction, ModerationActionKind, Review
from reviews.services import engagement_create, event_create, review_submit, review_update
from tests.factories import (
    days_ago,
    make_agency,
    make_engagement,
    make_event,
    make_new_user,
    make_review,
)
from tests.reviews.moderation_helpers import make_old_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def log_engagement(candidate, agency, *kinds_and_days) -> Engagement:
    """An engagement logged through the services, with events at (kind, days ago)."""
    engagement = engagement_create(
        candidate=candidate, agency=agency, source="linkedin", started_on=days_ago(60)
    )
    for kind, ago in kinds_and_days:
        event_create(engagement=engagement, kind=kind, occurred_on=days_ago(ago))
    return engagement


def submit(engagement, text: str) -> Review:
    return review_submit(
        engagement=engagement,
        rating_communication=2,
        rating_honesty=2,
        rating_feedback=2,
        rating_respect=2,
        text=text,
    )


def test_an_established_verified_account_arrives_without_any_signal():
    engagement = log_engagement(make_old_user(), make_agency())
    assert engagement.risk_signals == []
    assert engagement.risk_level == "none"
    assert not engagement.held_for_review


def test_a_new_unverified_account_is_low_risk_and_still_counts():
    engagement = log_engagement(make_new_user(verified=False), make_agency())
    engagement.refresh_from_db()
    assert engagement.risk_signals == ["new_account", "unverified_email"]
    assert engagement.risk_level == "low"
    assert not engagement.held_for_review


def test_an_author_on_the_agencys_own_domain_is_held_and_the_hold_is_logged():
    agency = make_agency(name="Acme Talent", website="https://www.acme-talent.com")
    engagement = log_engagement(make_old_user(email="recruiter@acme-talent.com"), agency)
    engagement.refresh_from_db()
    assert engagement.risk_signals == ["agency_domain"]
    assert engagement.risk_level == "high"
    assert engagement.held_for_review
    entry = ModerationAction.objects.get(engagement=engagement)
    assert entry.action == ModerationActionKind.ENGAGEMENT_HELD
    assert entry.actor is None


def test_a_held_engagement_does_not_count_towards_the_score():
    agency = make_agency(website="https://acme.example")
    for _ in range(5):
        counted = make_engagement(candidate=make_old_user(), agency=agency, started_on=days_ago(40))
        make_event(engagement=counted, kind=Kind.APPLIED, occurred_on=days_ago(40))
        make_event(engagement=counted, kind=Kind.REPLY, occurred_on=days_ago(39))
    log_engagement(
        make_old_user(email="boss@acme.example"),
        agency,
        (Kind.APPLIED, 40),
        (Kind.REPLY, 39),
    )
    row = scores.score_recompute(agency_id=agency.pk)
    assert row.engagements == 5


def test_a_review_with_a_phone_number_or_an_address_is_high_risk():
    engagement = make_engagement(candidate=make_old_user())
    review = submit(
        engagement, "The recruiter, reachable on +34 612 345 678, never called back at all."
    )
    assert review.risk_signals == ["phone_number"]
    assert review.risk_level == "high"

    other = make_engagement(candidate=make_old_user())
    review = submit(other, "Write to jane.doe@example.com and see https://bit.ly/x for proof.")
    assert review.risk_signals == ["email_address", "link"]


def test_a_review_nearly_copying_another_review_of_the_agency_is_flagged():
    agency = make_agency()
    original = (
        "They never answered my emails and ghosted me after the second interview. "
        "Avoid them at all costs, they waste your time."
    )
    make_review(engagement=make_engagement(agency=agency), text=original)
    copy = submit(
        make_engagement(candidate=make_old_user(), agency=agency),
        original.replace("emails", "e-mails").replace("second", "2nd"),
    )
    assert "near_duplicate" in copy.risk_signals
    elsewhere = submit(make_engagement(candidate=make_old_user()), original)
    assert "near_duplicate" not in elsewhere.risk_signals


def test_an_edited_pending_review_is_screened_again():
    review = submit(make_engagement(candidate=make_old_user()), "Slow but polite in the end.")
    assert review.risk_signals == []
    review = review_update(review=review, text="Slow. Call Tom on (555) 123-4567 to complain.")
    assert review.risk_signals == ["phone_number"]


def well_rated_agency(name: str = "Steady Hands Recruiting") -> Agency:
    """An agency with twenty prompt, established engagements and a public score."""
    agency = make_agency(name=name)
    for number in range(20):
        engagement = make_engagement(
            candidate=make_old_user(), agency=agency, started_on=days_ago(90 - number)
        )
        start = 90 - number
        for kind, offset in [
            (Kind.APPLIED, 0),
            (Kind.REPLY, 1),
            (Kind.INTERVIEW, 5),
            (Kind.FEEDBACK, 6),
            (Kind.REJECTED, 7),
        ]:
            make_event(engagement=engagement, kind=kind, occurred_on=days_ago(start - offset))
    scores.score_recompute(agency_id=agency.pk)
    scores.ranks_refresh()
    return agency


def brigade(agency: Agency, accounts: int) -> list[Engagement]:
    """``accounts`` brand-new accounts each log a ghosting engagement.

    In a test with ``transaction=True`` every write commits, and each commit asks for the
    agency's recompute as in production (the jobs run in-process).
    """
    return [
        log_engagement(make_new_user(), agency, (Kind.APPLIED, 45), (Kind.SILENCE, 5))
        for _ in range(accounts)
    ]


def test_nine_new_accounts_in_a_day_are_no_burst():
    agency = make_agency()
    brigade(agency, 9)
    agency.refresh_from_db()
    assert agency.score_frozen_at is None
    assert not Engagement.objects.filter(held_for_review=True).exists()


def test_the_tenth_new_account_makes_a_burst_that_holds_all_ten_and_freezes_the_score():
    agency = make_agency()
    logged = brigade(agency, 10)
    agency.refresh_from_db()
    assert agency.score_frozen_at is not None
    held = Engagement.objects.filter(agency=agency, held_for_review=True)
    assert set(held.values_list("pk", flat=True)) == {e.pk for e in logged}
    assert all("burst" in e.risk_signals for e in held)
    actions = ModerationAction.objects.filter(agency=agency)
    assert actions.filter(action=ModerationActionKind.ENGAGEMENT_HELD).count() == 10
    assert actions.filter(action=ModerationActionKind.SCORE_FROZEN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_brigade_of_thirty_new_accounts_does_not_move_the_public_score(client):
    agency = well_rated_agency()
    before = AgencyScore.objects.get(agency=agency)
    assert before.score is not None and before.engagements == 20

    def public_score() -> tuple:
        row = AgencyScore.objects.get(agency=agency)
        return row.score, row.engagements, row.ghosting_rate, row.rank

    # New accounts are on probation: below the burst threshold nothing counts yet...
    brigade(agency, 9)
    assert public_score() == (before.score, 20, before.ghosting_rate, before.rank)
    # ...and the tenth makes it a burst: all of them are held and the score is frozen.
    brigade(agency, 21)
    assert public_score() == (before.score, 20, before.ghosting_rate, before.rank)

    after = AgencyScore.objects.get(agency=agency)
    assert (after.score, after.engagements, after.ghosting_rate) == (
        before.score,
        before.engagements,
        before.ghosting_rate,
    )
    assert Engagement.objects.filter(agency=agency, held_for_review=True).count() == 30
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Unusual activity is being reviewed; the score is frozen since" in page


def test_a_frozen_score_survives_the_nightly_recompute():
    agency = well_rated_agency()
    before = AgencyScore.objects.get(agency=agency).score
    Agency.objects.filter(pk=agency.pk).update(score_frozen_at=timezone.now())
    ghost = make_engagement(candidate=make_old_user(), agency=agency, started_on=days_ago(50))
    make_event(engagement=ghost, kind=Kind.APPLIED, occurred_on=days_ago(50))
    make_event(engagement=ghost, kind=Kind.SILENCE, occurred_on=days_ago(5))
    scores.scores_recompute_shard(agency_ids=[agency.pk], today=TODAY)
    scores.scores_finish_full_recompute()
    scores.score_recompute(agency_id=agency.pk)
    row = AgencyScore.objects.get(agency=agency)
    assert (row.score, row.engagements) == (before, 20)
    assert row.rank == 1
