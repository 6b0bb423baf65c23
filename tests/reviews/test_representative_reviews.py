"""A representative cannot review their own agency, even with a review written before.

Someone may log an experience and write a review, then claim the agency once they work
there. From the moment the claim is approved, that review can no longer be edited and no
moderator can publish it; the review page explains why instead of offering a form.
"""

import pytest
from django.core.exceptions import ValidationError

from agencies.claims import claim_approve, claim_request, claim_revoke
from reviews.models import (
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    Review,
    ReviewStatus,
)
from reviews.moderation import review_approve
from reviews.services import review_submit, review_update
from tests.factories import make_agency, make_engagement, make_staff, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db

REFUSAL = "You represent this agency, so you cannot review it."
WRITTEN_BEFORE = "Slow to answer, but honest about the salary and the client from the start."


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def agency():
    return make_agency(name="Acme Talent", website="https://acme-talent.example")


@pytest.fixture
def person():
    """Someone who was a candidate of Acme Talent and now works there."""
    return make_user(email="jane@acme-talent.example")


@pytest.fixture
def engagement(person, agency):
    return make_engagement(candidate=person, agency=agency)


def ratings(rating: int = 4) -> dict:
    return {
        "rating_communication": rating,
        "rating_honesty": rating,
        "rating_feedback": rating,
        "rating_respect": rating,
    }


@pytest.fixture
def written_before(engagement):
    """A review the person wrote as a candidate, still waiting for a moderator."""
    return review_submit(engagement=engagement, text=WRITTEN_BEFORE, **ratings(2))


def represent(person, agency, moderator):
    claim = claim_request(user=person, agency=agency, message="Talent partner")
    return claim_approve(claim=claim, actor=moderator)


# --- Editing --------------------------------------------------------------------------------


def test_a_new_representative_cannot_edit_the_review_they_wrote_before(
    person, agency, moderator, written_before
):
    represent(person, agency, moderator)
    with pytest.raises(ValidationError, match=REFUSAL) as raised:
        review_update(review=written_before, text="The best agency I have ever dealt with.")
    assert raised.value.code == "representative"
    assert Review.objects.get(pk=written_before.pk).text == WRITTEN_BEFORE


def test_once_their_claim_is_revoked_they_may_edit_their_review_again(
    person, agency, moderator, written_before
):
    claim = represent(person, agency, moderator)
    claim_revoke(claim=claim, actor=moderator, note="Left the agency.")
    changed = "Slow to answer, yet honest about the salary and the client from day one."
    assert review_update(review=written_before, text=changed).text == changed


def test_posting_an_edit_from_the_review_page_changes_nothing_and_says_why(
    client, person, agency, moderator, engagement, written_before
):
    represent(person, agency, moderator)
    client.force_login(person)
    response = client.post(
        f"/experiences/{engagement.pk}/review/",
        {"text": "The best agency I have ever dealt with, truly.", **ratings(5)},
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    written_before.refresh_from_db()
    assert (written_before.text, written_before.rating_honesty) == (WRITTEN_BEFORE, 2)


# --- The review page -------------------------------------------------------------------------


def test_the_review_page_explains_to_a_representative_why_there_is_no_form(
    client, person, agency, moderator, engagement
):
    represent(person, agency, moderator)
    client.force_login(person)
    response = client.get(f"/experiences/{engagement.pk}/review/")
    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSAL in page
    assert "reply publicly" in page
    assert f"/representatives/{agency.slug}/" in page
    assert 'name="text"' not in page
    assert "Submit the review" not in page


def test_the_review_page_tells_a_representative_their_earlier_review_will_not_be_published(
    client, person, agency, moderator, engagement, written_before
):
    represent(person, agency, moderator)
    client.force_login(person)
    page = client.get(f"/experiences/{engagement.pk}/review/").content.decode()
    assert "can no longer be changed, and it will not be published" in page
    assert 'name="text"' not in page


def test_a_representative_still_gets_the_form_for_another_agency(client, person, agency, moderator):
    represent(person, agency, moderator)
    elsewhere = make_engagement(candidate=person, agency=make_agency(name="Globex Staffing"))
    client.force_login(person)
    page = client.get(f"/experiences/{elsewhere.pk}/review/").content.decode()
    assert 'name="text"' in page
    assert REFUSAL not in page


# --- Publishing ------------------------------------------------------------------------------


def test_a_moderator_cannot_publish_a_review_by_a_representative_of_the_agency(
    person, agency, moderator, written_before
):
    represent(person, agency, moderator)
    with pytest.raises(ValidationError, match="conflict of interest") as raised:
        review_approve(review=written_before, actor=moderator)
    assert raised.value.code == "representative"
    review = Review.objects.get(pk=written_before.pk)
    assert review.status == ReviewStatus.PENDING
    assert review.published_at is None
    assert review.history.filter(to_status=ReviewStatus.PUBLISHED).count() == 0
    assert not ModerationAction.objects.filter(
        action=ModerationActionKind.REVIEW_APPROVED, review=review
    ).exists()


def test_approving_it_from_the_queue_shows_why_and_leaves_it_waiting(
    client, person, agency, moderator, written_before
):
    represent(person, agency, moderator)
    client.force_login(moderator)
    response = client.post(
        f"/moderation/reviews/{written_before.pk}/decision/",
        {f"review-{written_before.pk}-decision": "approve"},
        follow=True,
    )
    page = response.content.decode()
    assert "now represents Acme Talent, so it cannot be published" in page
    assert "Reject it for conflict of interest." in page
    assert Review.objects.get(pk=written_before.pk).status == ReviewStatus.PENDING


def test_publishing_it_from_the_admin_says_why_and_leaves_it_waiting(
    client, person, agency, moderator, written_before
):
    represent(person, agency, moderator)
    client.force_login(make_staff(is_superuser=True))
    response = client.post(
        "/admin/reviews/review/",
        {"action": "publish", "_selected_action": [written_before.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "its author now represents the agency it reviews" in page
    assert "review published" not in page
    assert Review.objects.get(pk=written_before.pk).status == ReviewStatus.PENDING


def test_the_review_can_still_be_rejected_for_conflict_of_interest(
    client, person, agency, moderator, written_before
):
    represent(person, agency, moderator)
    client.force_login(moderator)
    client.post(
        f"/moderation/reviews/{written_before.pk}/decision/",
        {
            f"review-{written_before.pk}-decision": "reject",
            f"review-{written_before.pk}-reason": ModerationReason.CONFLICT_OF_INTEREST,
        },
    )
    assert Review.objects.get(pk=written_before.pk).status == ReviewStatus.REJECTED
