"""Moderators merge a duplicate agency into the one it duplicates; nothing is lost.

Real PostgreSQL throughout: the events' composite foreign key and the row locks are its own.
"""

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from agencies.claims import claim_request
from agencies.merging import agencies_merge, merge_summary
from agencies.models import (
    Agency,
    AgencyClaim,
    AgencyMark,
    AgencyScore,
    ClaimStatus,
    MarkVerdict,
    ScoreSnapshot,
    StaleAgency,
)
from agencies.scores import score_recompute
from agencies.services import agency_mark_set
from reviews.event_kinds import Kind
from reviews.models import Engagement, Event, ModerationAction, ModerationActionKind, Review
from tests.agencies.representative_helpers import claim_of, make_representative
from tests.factories import (
    days_ago,
    make_agency,
    make_engagement,
    make_event,
    make_review,
    make_user,
)
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def kept():
    return make_agency(name="Acme Talent", website="https://acme-talent.example/")


@pytest.fixture
def duplicate():
    return make_agency(name="ACME Talent Ltd", website="https://acmetalent.example/")


def prompt_engagement(agency: Agency, *, started: int = 60, candidate=None) -> Engagement:
    """An engagement the agency answered the next day, ending in feedback and a rejection."""
    engagement = make_engagement(
        agency=agency, candidate=candidate or make_user(), started_on=days_ago(started)
    )
    for kind, offset in [
        (Kind.APPLIED, 0),
        (Kind.REPLY, 1),
        (Kind.INTERVIEW, 5),
        (Kind.FEEDBACK, 6),
        (Kind.REJECTED, 7),
    ]:
        make_event(engagement=engagement, kind=kind, occurred_on=days_ago(started - offset))
    return engagement


def check_deferred_constraints() -> None:
    """Run the checks PostgreSQL defers to commit (the event's composite foreign key) now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- What moves ------------------------------------------------------------------------------


def test_engagements_move_with_their_events_and_reviews_under_the_composite_foreign_key(
    duplicate, kept, moderator
):
    engagements = [prompt_engagement(duplicate, started=60 - n) for n in range(3)]
    review = make_review(engagement=engagements[0])
    own = prompt_engagement(kept)

    summary = agencies_merge(source=duplicate, target=kept, actor=moderator, note="Same firm.")

    check_deferred_constraints()
    assert (summary.engagements, summary.events, summary.reviews) == (3, 15, 1)
    assert set(Engagement.objects.filter(agency=kept)) == {*engagements, own}
    assert not Engagement.objects.filter(agency=duplicate).exists()
    assert Event.objects.filter(agency=kept).count() == 20
    assert not Event.objects.filter(agency=duplicate).exists()
    assert Review.objects.get(pk=review.pk).engagement.agency == kept


def test_a_merged_agency_stays_inactive_and_points_at_the_agency_kept(duplicate, kept, moderator):
    agencies_merge(source=duplicate, target=kept, actor=moderator)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert not duplicate.is_active
    assert not Agency.objects.listed().filter(pk=duplicate.pk).exists()


def test_agencies_merged_into_the_duplicate_earlier_now_lead_straight_to_the_agency_kept(
    client, duplicate, kept, moderator
):
    older = make_agency(name="Acme Talent Recruiting")
    agencies_merge(source=older, target=duplicate, actor=moderator)

    summary = agencies_merge(source=duplicate, target=kept, actor=moderator)

    older.refresh_from_db()
    assert summary.duplicates == 1
    assert older.merged_into == kept
    response = client.get(f"/agencies/{older.slug}/")
    assert (response.status_code, response["Location"]) == (301, f"/agencies/{kept.slug}/")


def test_the_summary_before_the_merge_counts_what_the_merge_moves(duplicate, kept, moderator):
    for n in range(2):
        make_review(engagement=prompt_engagement(duplicate, started=50 - n))
    person = make_user()
    agency_mark_set(user=person, agency=duplicate, verdict=MarkVerdict.AVOID)
    agency_mark_set(user=person, agency=kept, verdict=MarkVerdict.AVOID)
    agency_mark_set(user=make_user(), agency=duplicate, verdict=MarkVerdict.PROFESSIONAL)

    before = merge_summary(source=duplicate, target=kept)
    after = agencies_merge(source=duplicate, target=kept, actor=moderator)

    assert before == after
    assert (after.engagements, after.reviews, after.marks_moved, after.marks_combined) == (
        2,
        2,
        1,
        1,
    )


# --- Scores and public pages -----------------------------------------------------------------


def test_the_kept_agency_is_rescored_with_the_moved_engagements_and_the_duplicate_unranked(
    duplicate, kept, moderator, django_capture_on_commit_callbacks
):
    for n in range(4):
        prompt_engagement(kept, started=80 - n)
    for n in range(3):
        prompt_engagement(duplicate, started=70 - n)
    for agency in (kept, duplicate):
        score_recompute(agency_id=agency.pk)
    ScoreSnapshot.objects.create(agency=duplicate, month=TODAY.replace(day=1), score=None)
    assert AgencyScore.objects.get(agency=kept).score is None  # 4 engagements: not enough yet

    with django_capture_on_commit_callbacks(execute=True):
        agencies_merge(source=duplicate, target=kept, actor=moderator)

    row = AgencyScore.objects.get(agency=kept)
    assert row.engagements == 7
    assert row.score is not None and row.rank == 1
    assert row.score == score_recompute(agency_id=kept.pk).score
    assert not AgencyScore.objects.filter(agency=duplicate).exists()
    assert not StaleAgency.objects.filter(agency__in=[kept, duplicate]).exists()
    # The duplicate's history stays.
    assert ScoreSnapshot.objects.filter(agency=duplicate).exists()


def test_the_old_agency_page_and_api_address_redirect_permanently_to_the_agency_kept(
    client, duplicate, kept, moderator
):
    agencies_merge(source=duplicate, target=kept, actor=moderator)

    page = client.get(f"/agencies/{duplicate.slug}/")
    assert (page.status_code, page["Location"]) == (301, f"/agencies/{kept.slug}/")
    api = client.get(f"/api/agencies/{duplicate.slug}/")
    assert api.status_code == 301
    assert api["Location"].endswith(f"/api/agencies/{kept.slug}/")
    ranking = client.get("/agencies/").content.decode()
    assert "Acme Talent" in ranking
    assert "ACME Talent Ltd" not in ranking


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_the_merge_reaches_cached_public_pages_at_once(
    client, settings, duplicate, kept, moderator
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    assert client.get(f"/agencies/{duplicate.slug}/").status_code == 200  # now cached

    agencies_merge(source=duplicate, target=kept, actor=moderator)

    assert client.get(f"/agencies/{duplicate.slug}/").status_code == 301


def test_the_candidates_logbook_names_the_agency_kept(client, duplicate, kept, moderator):
    candidate = make_user()
    engagement = prompt_engagement(duplicate, candidate=candidate)
    agencies_merge(source=duplicate, target=kept, actor=moderator)

    client.force_login(candidate)
    logbook = client.get("/experiences/").content.decode()
    assert "Acme Talent" in logbook
    assert "ACME Talent Ltd" not in logbook
    timeline = client.get(f"/experiences/{engagement.pk}/").content.decode()
    assert "Acme Talent" in timeline
    assert "ACME Talent Ltd" not in timeline


# --- Private marks ---------------------------------------------------------------------------


def test_a_mark_on_the_duplicate_moves_to_the_agency_kept(duplicate, kept, moderator):
    person = make_user()
    mark = agency_mark_set(
        user=person, agency=duplicate, verdict=MarkVerdict.AVOID, note="Asked for my salary."
    )

    agencies_merge(source=duplicate, target=kept, actor=moderator)

    mark.refresh_from_db()
    assert mark.agency == kept
    assert (mark.verdict, mark.note) == (MarkVerdict.AVOID, "Asked for my salary.")


def test_someone_who_marked_both_keeps_one_entry_with_the_latest_verdict_and_both_notes(
    duplicate, kept, moderator
):
    person = make_user()
    agency_mark_set(user=person, agency=kept, verdict=MarkVerdict.PROFESSIONAL, note="Quick.")
    later = agency_mark_set(
        user=person, agency=duplicate, verdict=MarkVerdict.AVOID, note="Ghosted my team."
    )

    summary = agencies_merge(source=duplicate, target=kept, actor=moderator)

    marks = list(AgencyMark.objects.filter(user=person))
    assert summary.marks_combined == 1
    assert len(marks) == 1
    assert marks[0].agency == kept
    assert marks[0].verdict == MarkVerdict.AVOID
    assert marks[0].marked_at == later.marked_at
    assert marks[0].note == "Quick.\n\nACME Talent Ltd: Ghosted my team."


def test_an_older_verdict_on_the_duplicate_leaves_the_kept_agencys_verdict(
    duplicate, kept, moderator
):
    person = make_user()
    agency_mark_set(user=person, agency=duplicate, verdict=MarkVerdict.AVOID, note="")
    agency_mark_set(user=person, agency=kept, verdict=MarkVerdict.PROFESSIONAL, note="Good.")

    agencies_merge(source=duplicate, target=kept, actor=moderator)

    mark = AgencyMark.objects.get(user=person)
    assert (mark.agency, mark.verdict, mark.note) == (kept, MarkVerdict.PROFESSIONAL, "Good.")


# --- Claims ----------------------------------------------------------------------------------


def test_a_representative_whose_address_is_on_the_kept_agencys_domain_moves_with_the_merge(
    moderator, kept
):
    duplicate = make_agency(name="Acme Talent UK", website="https://uk.acme-talent.example/")
    representative = make_representative(
        agency=duplicate, email="jo@uk.acme-talent.example", moderator=moderator
    )
    own = prompt_engagement(kept, candidate=representative)

    summary = agencies_merge(source=duplicate, target=kept, actor=moderator)

    claim = claim_of(representative, kept)
    assert summary.claims_moved == 1
    assert claim.status == ClaimStatus.APPROVED
    own.refresh_from_db()
    assert own.held_for_review  # as at approval: their own experience does not score the agency
    assert ModerationAction.objects.filter(
        action=ModerationActionKind.ENGAGEMENT_HELD, engagement=own, agency=kept
    ).exists()


def test_a_representative_off_the_kept_agencys_domain_is_revoked_logged_and_told(
    duplicate, kept, moderator, django_capture_on_commit_callbacks
):
    representative = make_representative(
        agency=duplicate, email="sam@acmetalent.example", moderator=moderator
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        summary = agencies_merge(source=duplicate, target=kept, actor=moderator)

    claim = AgencyClaim.objects.get(user=representative)
    assert summary.claims_closed == 1
    assert claim.agency == duplicate
    assert claim.status == ClaimStatus.REVOKED
    assert "not on Acme Talent's website domain" in claim.note
    assert ModerationAction.objects.filter(
        action=ModerationActionKind.CLAIM_REVOKED, account=representative, agency=duplicate
    ).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@acmetalent.example"]
    assert "not on Acme Talent's website domain" in mail.outbox[0].body


def test_a_waiting_claim_is_rejected_when_its_claimant_already_claims_the_agency_kept(
    moderator, kept
):
    duplicate = make_agency(name="Acme Talent UK", website="https://uk.acme-talent.example/")
    person = make_user(email="kim@uk.acme-talent.example")
    on_duplicate = claim_request(user=person, agency=duplicate)
    on_kept = claim_request(user=person, agency=kept)

    agencies_merge(source=duplicate, target=kept, actor=moderator)

    on_duplicate.refresh_from_db()
    on_kept.refresh_from_db()
    assert on_duplicate.status == ClaimStatus.REJECTED
    assert "already have a claim on Acme Talent" in on_duplicate.note
    assert (on_kept.agency, on_kept.status) == (kept, ClaimStatus.PENDING)


# --- The log ---------------------------------------------------------------------------------


def test_the_merge_is_logged_with_both_agencies_and_shown_in_the_moderation_log(
    client, duplicate, kept, moderator
):
    agencies_merge(source=duplicate, target=kept, actor=moderator, note="  Same company.  ")

    entry = ModerationAction.objects.get(action=ModerationActionKind.AGENCY_MERGED)
    assert (entry.actor, entry.agency, entry.merged_into, entry.note) == (
        moderator,
        duplicate,
        kept,
        "Same company.",
    )
    client.force_login(moderator)
    log = client.get("/moderation/log/", {"action": "agency_merged"}).content.decode()
    assert "Duplicate agency merged" in log
    assert "ACME Talent Ltd" in log and "merged into" in log and "Acme Talent" in log


# --- Refusals --------------------------------------------------------------------------------


def refusal(**merge) -> str:
    with pytest.raises(ValidationError) as raised:
        agencies_merge(**merge)
    return raised.value.code


def test_an_agency_cannot_be_merged_into_itself(kept, moderator):
    assert refusal(source=kept, target=kept, actor=moderator) == "itself"


def test_an_agency_already_merged_cannot_be_merged_again(duplicate, kept, moderator):
    agencies_merge(source=duplicate, target=kept, actor=moderator)
    other = make_agency(name="Other Talent")
    assert refusal(source=duplicate, target=other, actor=moderator) == "already_merged"


def test_merging_into_a_merged_agency_is_refused_rather_than_followed(duplicate, kept, moderator):
    agencies_merge(source=duplicate, target=kept, actor=moderator)
    other = make_agency(name="Other Talent")
    assert refusal(source=other, target=duplicate, actor=moderator) == "target_merged"
    assert Agency.objects.get(pk=other.pk).merged_into is None


def test_merging_back_into_the_duplicate_cannot_close_a_cycle(duplicate, kept, moderator):
    agencies_merge(source=duplicate, target=kept, actor=moderator)
    assert refusal(source=kept, target=duplicate, actor=moderator) == "target_merged"
    kept.refresh_from_db()
    assert kept.merged_into is None and kept.is_active


def test_an_inactive_agency_cannot_be_kept(duplicate, kept, moderator):
    Agency.objects.filter(pk=kept.pk).update(is_active=False)
    engagement = prompt_engagement(duplicate)
    assert refusal(source=duplicate, target=kept, actor=moderator) == "target_inactive"
    engagement.refresh_from_db()
    assert engagement.agency == duplicate


def test_a_refused_merge_changes_nothing(duplicate, kept, moderator):
    Agency.objects.filter(pk=kept.pk).update(is_active=False)
    person = make_user()
    agency_mark_set(user=person, agency=duplicate, verdict=MarkVerdict.AVOID)
    refusal(source=duplicate, target=kept, actor=moderator)
    assert AgencyMark.objects.get(user=person).agency == duplicate
    assert not ModerationAction.objects.filter(action=ModerationActionKind.AGENCY_MERGED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_moderators_merging_a_pair_each_way_at_once_leave_one_merge_and_no_deadlock(
    duplicate, kept, moderator
):
    for agency in (duplicate, kept):
        prompt_engagement(agency)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def merge(name: str, source: Agency, target: Agency) -> None:
        try:
            barrier.wait()
            agencies_merge(source=source, target=target, actor=moderator)
            outcomes[name] = "merged"
        except ValidationError as error:
            outcomes[name] = error.code
        except Exception as error:  # a deadlock or any other failure fails the test below
            outcomes[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=("forward", duplicate, kept)),
        threading.Thread(target=merge, args=("back", kept, duplicate)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["merged", "target_merged"]
    merged = Agency.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    assert Engagement.objects.filter(agency=merged.get().merged_into).count() == 2


# --- The pages -------------------------------------------------------------------------------


def merge_url(agency: Agency) -> str:
    return f"/moderation/agencies/{agency.pk}/merge/"


def test_visitors_are_sent_to_sign_in_and_candidates_get_404(client, duplicate, kept):
    response = client.get(merge_url(duplicate))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(merge_url(duplicate), {"into": kept.pk}).status_code == 302

    client.force_login(make_user())
    assert client.get(merge_url(duplicate)).status_code == 404
    assert client.post(merge_url(duplicate), {"into": kept.pk}).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_moderator_finds_the_agency_kept_confirms_and_merges(client, duplicate, kept, moderator):
    for n in range(2):
        prompt_engagement(duplicate, started=40 - n)
    client.force_login(moderator)

    agency_page = client.get(f"/moderation/agencies/{duplicate.pk}/").content.decode()
    assert f'href="{merge_url(duplicate)}"' in agency_page
    search = client.get(merge_url(duplicate), {"q": "acme talent"}).content.decode()
    assert f"?into={kept.pk}" in search
    assert f"?into={duplicate.pk}" not in search  # never offered as its own target

    confirmation = client.get(merge_url(duplicate), {"into": kept.pk}).content.decode()
    for fact in ["ACME Talent Ltd", "acmetalent.example", f"/agencies/{duplicate.slug}/"]:
        assert fact in confirmation
    for fact in ["acme-talent.example", f"/agencies/{kept.slug}/"]:
        assert fact in confirmation
    assert "2 engagements (10 events) move to the agency kept" in confirmation

    response = client.post(
        merge_url(duplicate), {"into": kept.pk, "note": "Same firm."}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/moderation/agencies/{kept.pk}/"
    assert "ACME Talent Ltd is merged into Acme Talent: 2 engagements moved" in (
        response.content.decode()
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert ModerationAction.objects.get(action=ModerationActionKind.AGENCY_MERGED).note == (
        "Same firm."
    )


def test_the_confirmation_explains_a_refused_target_and_offers_no_button(
    client, duplicate, kept, moderator
):
    Agency.objects.filter(pk=kept.pk).update(is_active=False)
    client.force_login(moderator)
    page = client.get(merge_url(duplicate), {"into": kept.pk}).content.decode()
    assert "Acme Talent is not active" in page
    assert 'type="submit">Merge' not in page
    itself = client.get(merge_url(duplicate), {"into": duplicate.pk}).content.decode()
    assert "An agency cannot be merged into itself." in itself


def test_a_refused_merge_posted_anyway_is_explained_not_a_server_error(
    client, duplicate, kept, moderator
):
    agencies_merge(source=kept, target=make_agency(name="Acme Group"), actor=moderator)
    client.force_login(moderator)
    response = client.post(merge_url(duplicate), {"into": kept.pk}, follow=True)
    assert response.status_code == 200
    assert "Acme Talent was itself merged into another agency" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_a_merged_agency_s_merge_page_says_where_it_went(client, duplicate, kept, moderator):
    agencies_merge(source=duplicate, target=kept, actor=moderator)
    client.force_login(moderator)
    page = client.get(merge_url(duplicate)).content.decode()
    assert "This agency was already merged into Acme Talent." in page


@pytest.mark.parametrize(
    ("method", "data"),
    [
        ("get", {"into": "abc"}),
        ("get", {"into": "0"}),
        ("get", {"into": "999999999"}),
        ("post", {"into": "abc"}),
        ("post", {"into": "999999999"}),
        ("post", {}),
    ],
)
def test_a_target_that_does_not_exist_is_a_404(client, duplicate, moderator, method, data):
    client.force_login(moderator)
    assert getattr(client, method)(merge_url(duplicate), data).status_code == 404


def test_odd_searches_and_a_long_note_are_answered_on_the_page(client, duplicate, kept, moderator):
    client.force_login(moderator)
    for query in ["", "   ", "%", "x" * 5000, "'; DROP TABLE agencies_agency; --"]:
        assert client.get(merge_url(duplicate), {"q": query}).status_code == 200
    assert (
        "No listed agency matches"
        in client.get(merge_url(duplicate), {"q": "zzz"}).content.decode()
    )
    response = client.post(merge_url(duplicate), {"into": kept.pk, "note": "x" * 2001})
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_an_unknown_agency_s_merge_page_is_a_404(client, moderator):
    client.force_login(moderator)
    assert client.get("/moderation/agencies/999999999/merge/").status_code == 404
