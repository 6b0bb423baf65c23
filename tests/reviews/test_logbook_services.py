"""The logbook's services and queries, below the pages: timeline rules, reviews, limits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agencies.models import StaleAgency
from agencies.queries import agency_duplicates, agency_search
from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund
from reviews.event_kinds import Kind
from reviews.models import Event, ReviewStatus, ReviewStatusChange
from reviews.services import event_create, event_update, review_publish, review_submit
from reviews.services import review_update as review_update_service
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


def test_an_outcome_after_a_withdrawal_is_refused_on_the_kind_field():
    engagement = make_engagement(started_on=START)
    event_create(engagement=engagement, kind=Kind.WITHDREW, occurred_on=day(3))
    with pytest.raises(ValidationError) as refused:
        event_create(engagement=engagement, kind=Kind.OFFER, occurred_on=day(4))
    assert list(refused.value.error_dict) == ["kind"]
    assert Event.objects.count() == 1


def test_on_the_same_day_the_timeline_order_decides():
    engagement = make_engagement(started_on=START)
    event_create(
        engagement=engagement,
        kind=Kind.WITHDREW,
        occurred_on=day(3),
        occurred_at=datetime.time(15, 0),
    )
    with pytest.raises(ValidationError):
        event_create(
            engagement=engagement,
            kind=Kind.REJECTED,
            occurred_on=day(3),
            occurred_at=datetime.time(16, 0),
        )
    event_create(
        engagement=engagement,
        kind=Kind.REJECTED,
        occurred_on=day(3),
        occurred_at=datetime.time(9, 0),
    )
    # An event without a time comes first in its day, as the timeline shows it.
    event_create(engagement=engagement, kind=Kind.OFFER, occurred_on=day(3))


def test_changing_an_outcome_into_a_reply_after_a_withdrawal_is_fine():
    engagement = make_engagement(started_on=START)
    event_create(engagement=engagement, kind=Kind.WITHDREW, occurred_on=day(3))
    reply = event_create(engagement=engagement, kind=Kind.REPLY, occurred_on=day(5))
    with pytest.raises(ValidationError):
        event_update(event=reply, kind=Kind.REJECTED)
    reply.refresh_from_db()
    event_update(event=reply, note="They said they understood.")


def test_a_timeline_broken_before_the_rule_can_still_be_corrected():
    engagement = make_engagement(started_on=START)
    make_event(engagement=engagement, kind=Kind.WITHDREW, occurred_on=day(3))
    rejected = make_event(engagement=engagement, kind=Kind.REJECTED, occurred_on=day(5))
    # Another edit is not blocked by the old problem ...
    event_create(engagement=engagement, kind=Kind.MESSAGE, occurred_on=day(1))
    # ... and the problem itself can be fixed.
    event_update(event=rejected, occurred_on=day(2))


def test_a_submitted_review_is_pending_and_changes_no_score():
    engagement = make_engagement()
    StaleAgency.objects.all().delete()
    review = review_submit(
        engagement=engagement,
        rating_communication=1,
        rating_honesty=2,
        rating_feedback=3,
        rating_respect=4,
        text="  Twenty characters at the very least.  ",
    )
    assert review.status == ReviewStatus.PENDING
    assert review.text == "Twenty characters at the very least."
    assert not StaleAgency.objects.exists()
    [change] = ReviewStatusChange.objects.filter(review=review)
    assert (change.from_status, change.to_status) == ("", ReviewStatus.PENDING)


def test_one_review_per_engagement():
    review = make_review()
    with pytest.raises(ValidationError):
        review_submit(
            engagement=review.engagement,
            rating_communication=1,
            rating_honesty=1,
            rating_feedback=1,
            rating_respect=1,
            text="A second opinion of the same process.",
        )


@pytest.mark.parametrize("text", ["short", "x" * 5001])
def test_the_review_service_enforces_the_length_limits_too(text):
    review = make_review()
    with pytest.raises(ValidationError) as refused:
        review_update_service(review=review, text=text)
    assert "text" in refused.value.error_dict


def test_a_published_review_cannot_be_updated():
    review = review_publish(review=make_review())
    with pytest.raises(ValidationError):
        review_update_service(review=review, text="Trying to change it after the fact.")


def test_the_agency_finder_follows_a_merge_chain_and_lists_each_agency_once():
    final = make_agency(name="Acme Talent Group")
    middle = make_agency(name="Acme Talent")
    first = make_agency(name="Acme Recruiting")
    middle.merged_into = final
    middle.save()
    first.merged_into = middle  # merged before ``middle`` itself was merged
    first.save()
    assert agency_search("acme") == [final]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "https://"])
def test_a_query_with_nothing_to_match_finds_nothing(query):
    make_agency(name="Acme Talent", website="https://acme.example")
    assert agency_search(query) == []


def test_duplicates_by_domain_are_not_repeated_as_duplicates_by_name():
    acme = make_agency(name="Acme Talent", website="https://acme.example")
    namesake = make_agency(name="ACME talent Ltd", country="US")
    duplicates = agency_duplicates(name="Acme Talent", website="http://www.acme.example/jobs")
    assert duplicates.same_domain == [acme]
    assert duplicates.same_name == [namesake]
    assert not agency_duplicates(name="Zenith", website="")


def test_a_rate_limit_counts_per_hour_and_gives_back_refused_attempts(settings):
    settings.RATE_LIMITS_PER_HOUR = {"event_create": 2}
    user = make_user()
    now = 1_800_000_000.0
    assert rate_limit_consume(user=user, action="event_create", now=now)
    assert rate_limit_consume(user=user, action="event_create", now=now + 1)
    assert not rate_limit_consume(user=user, action="event_create", now=now + 2)
    rate_limit_refund(user=user, action="event_create", now=now + 3)
    rate_limit_refund(user=user, action="event_create", now=now + 3)
    assert rate_limit_consume(user=user, action="event_create", now=now + 4)
    # A new hour, a new count.
    later = now + 3600
    assert rate_limit_consume(user=user, action="event_create", now=later)
    assert rate_limit_consume(user=user, action="event_create", now=later)
