"""The database refuses data that breaks the logbook's invariants, whatever writes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reviews.event_kinds import Actor, Kind
from reviews.models import (
    Engagement,
    Event,
    EventKind,
    ModerationReason,
    Review,
    ReviewStatus,
    ReviewStatusChange,
)
from reviews.services import review_publish
from tests.database import rejected_by_database
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db


def test_there_are_sixteen_event_kinds_each_with_who_acts():
    assert len(EventKind.values) == 16
    assert {str(kind) for kind in Kind} == set(EventKind.values)
    assert Event(kind=Kind.REPLY).actor == Actor.AGENCY
    assert Event(kind=Kind.CV_SENT).actor == Actor.CANDIDATE
    assert Event(kind=Kind.INTERVIEW).actor == Actor.BOTH


def test_an_unknown_event_kind_is_refused_by_the_database():
    engagement = make_engagement()
    assert rejected_by_database(lambda: make_event(engagement=engagement, kind="lunch"))


def test_an_unknown_source_is_refused_by_the_database():
    assert rejected_by_database(lambda: make_engagement(source="carrier_pigeon"))


def test_disclosure_is_stored_only_on_pay_questions():
    engagement = make_engagement()
    make_event(engagement=engagement, kind=Kind.SALARY_ASKED, role_details_disclosed=False)
    assert rejected_by_database(
        lambda: make_event(engagement=engagement, kind=Kind.REPLY, role_details_disclosed=True)
    )


def test_an_event_cannot_name_another_agency_than_its_engagement():
    engagement = make_engagement()
    other = make_agency()
    assert rejected_by_database(
        lambda: Event.objects.create(
            engagement=engagement,
            agency=other,
            kind=Kind.APPLIED,
            occurred_on=engagement.started_on,
        )
    )


def test_moving_an_engagement_to_another_agency_carries_its_events():
    engagement = make_engagement()
    event = make_event(engagement=engagement, kind=Kind.APPLIED)
    target = make_agency()
    Engagement.objects.filter(pk=engagement.pk).update(agency=target)
    event.refresh_from_db()
    assert event.agency_id == target.pk


def test_one_review_per_engagement():
    review = make_review()
    assert rejected_by_database(lambda: make_review(engagement=review.engagement))


@pytest.mark.parametrize("rating", [0, 6])
def test_ratings_outside_one_to_five_are_refused_by_the_database(rating):
    assert rejected_by_database(lambda: make_review(rating=rating))


def test_a_published_review_always_has_its_publication_date():
    review = make_review()
    review.status = ReviewStatus.PUBLISHED
    assert rejected_by_database(lambda: review.save())


def test_rejecting_a_review_without_a_reason_is_refused_by_the_database():
    review = make_review()
    assert rejected_by_database(
        lambda: ReviewStatusChange.objects.create(
            review=review, from_status=ReviewStatus.PENDING, to_status=ReviewStatus.REJECTED
        )
    )
    ReviewStatusChange.objects.create(
        review=review,
        from_status=ReviewStatus.PENDING,
        to_status=ReviewStatus.REJECTED,
        reason=ModerationReason.PERSONAL_DATA,
    )


def test_publishing_records_history_once():
    moderator = make_user(is_staff=True)
    review = make_review()
    review_publish(review=review, actor=moderator)
    review_publish(review=review, actor=moderator)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert review.published_at is not None
    assert [(c.from_status, c.to_status) for c in review.history.all()] == [
        (ReviewStatus.PENDING, ReviewStatus.PUBLISHED)
    ]


def test_an_event_dated_today_somewhere_on_earth_is_accepted():
    engagement = make_engagement()
    ahead = (timezone.now() + datetime.timedelta(hours=14)).date()
    Event(
        engagement=engagement, agency=engagement.agency, kind=Kind.REPLY, occurred_on=ahead
    ).full_clean()


def test_an_event_dated_in_the_future_fails_validation():
    engagement = make_engagement()
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    event = Event(
        engagement=engagement, agency=engagement.agency, kind=Kind.REPLY, occurred_on=tomorrow
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "future" in str(error.value.message_dict["occurred_on"])


def test_an_event_before_the_engagement_began_fails_validation():
    engagement = make_engagement(started_on=datetime.date(2026, 3, 1))
    event = Event(
        engagement=engagement,
        agency=engagement.agency,
        kind=Kind.APPLIED,
        occurred_on=datetime.date(2026, 2, 28),
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "2026-03-01" in str(error.value.message_dict["occurred_on"])


def test_an_engagement_starting_in_the_future_fails_validation():
    engagement = Engagement(
        candidate=make_user(),
        agency=make_agency(),
        source="email",
        started_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError) as error:
        engagement.full_clean()
    assert "started_on" in error.value.message_dict


def test_a_valid_review_passes_model_validation_and_averages_its_ratings():
    engagement = make_engagement()
    review = Review(
        engagement=engagement,
        rating_communication=5,
        rating_honesty=4,
        rating_feedback=3,
        rating_respect=4,
        text="Fine.",
    )
    review.full_clean()
    assert review.average_rating == 4
