"""A review carries its engagement's agency, so an agency's reviews are read without a join.

PostgreSQL keeps the copy true with a composite foreign key, as for events: every way a review
is written or moved keeps it, and the database refuses a review that names another agency.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from agencies.merging import agencies_merge
from reviews.models import Engagement, Review
from reviews.services import review_publish, review_submit
from tests.database import rejected_by_database
from tests.factories import make_agency, make_engagement, make_review, make_staff
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db


def published(engagement: Engagement, *, rating: int, text: str) -> Review:
    """A review of ``engagement`` rated ``rating`` on every scale, published."""
    return review_publish(review=make_review(engagement=engagement, rating=rating, text=text))


def test_a_submitted_review_carries_its_engagements_agency():
    engagement = make_engagement()

    review = review_submit(
        engagement=engagement,
        rating_communication=4,
        rating_honesty=4,
        rating_feedback=3,
        rating_respect=5,
        text="They called back within a day and explained the role well.",
    )

    assert Review.objects.get(pk=review.pk).agency_id == engagement.agency_id


def test_a_review_cannot_name_another_agency_than_its_engagement():
    engagement = make_engagement()
    other = make_agency()
    assert rejected_by_database(
        lambda: Review.objects.create(
            engagement=engagement,
            agency=other,
            rating_communication=4,
            rating_honesty=4,
            rating_feedback=4,
            rating_respect=4,
            text="Clear and polite throughout.",
        )
    )


def test_a_review_cannot_be_pointed_at_another_agency_later():
    review = make_review()
    other = make_agency()
    assert rejected_by_database(lambda: Review.objects.filter(pk=review.pk).update(agency=other))


def test_moving_an_engagement_to_another_agency_carries_its_review():
    review = make_review()
    target = make_agency()

    Engagement.objects.filter(pk=review.engagement_id).update(agency=target)

    review.refresh_from_db()
    assert review.agency_id == target.pk


def test_a_review_added_in_the_admin_carries_its_engagements_agency(client):
    client.force_login(make_staff(is_superuser=True))
    engagement = make_engagement()

    response = client.post(
        reverse("admin:reviews_review_add"),
        {
            "engagement": engagement.pk,
            "rating_communication": 4,
            "rating_honesty": 4,
            "rating_feedback": 4,
            "rating_respect": 4,
            "text": "Clear and polite throughout.",
            "history-TOTAL_FORMS": 0,
            "history-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    assert Review.objects.get(engagement=engagement).agency_id == engagement.agency_id


@pytest.mark.django_db(transaction=True)  # scores and cached pages follow real commits
def test_a_merged_agencys_reviews_appear_on_the_kept_agencys_page_and_in_its_rating(client):
    kept = make_agency(name="Acme Talent")
    duplicate = make_agency(name="ACME Talent Ltd")
    published(make_engagement(agency=kept), rating=5, text="Kept agency: quick and honest.")
    moved = published(
        make_engagement(agency=duplicate), rating=4, text="Duplicate: polite, a little slow."
    )
    before = client.get(f"/agencies/{kept.slug}/").content.decode()
    assert "Rated 5.0 / 5 in 1 published review." in " ".join(before.split())

    agencies_merge(source=duplicate, target=kept, actor=make_moderator())

    assert Review.objects.get(pk=moved.pk).agency_id == kept.pk
    page = client.get(f"/agencies/{kept.slug}/").content.decode()
    assert "Kept agency: quick and honest." in page
    assert "Duplicate: polite, a little slow." in page
    assert "Rated 4.5 / 5 in 2 published reviews." in " ".join(page.split())


@pytest.mark.django_db(transaction=True)  # migrations run in their own transactions
def test_the_migration_gives_reviews_written_before_it_their_engagements_agency():
    first, second = make_agency(), make_agency()
    reviews = {
        make_review(engagement=make_engagement(agency=agency)).pk: agency.pk
        for agency in (first, second, second)
    }
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("reviews", "0009_review_agency")])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reviews_review SET agency_id = NULL")
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)  # a failure leaves the schema whole

    assert dict(Review.objects.values_list("pk", "agency_id")) == reviews
