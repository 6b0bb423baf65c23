"""The agency page runs three queries whatever the agency has, prepared or not.

The agency comes with its score row and specialties in one statement; its published reviews
and its monthly snapshots take one each. The statements are compiled once per process and,
on PostgreSQL, the agency's and the snapshots' are prepared once per connection.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import ScoreSnapshot
from reviews.models import Review, ReviewStatus
from tests.factories import make_agency, make_engagement, make_review, make_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def full_agency():
    """A ranked agency with specialties, a published review and two months of history."""
    agency = make_agency(name="Full Agency", specialties=["sales", "legal"])
    make_score(agency=agency, score=61, rank=1, engagements=8, reply_delays={"2": 3})
    review = make_review(engagement=make_engagement(agency=agency), text="Answered fast.")
    Review.objects.filter(pk=review.pk).update(
        status=ReviewStatus.PUBLISHED, published_at=timezone.now()
    )
    for month in (1, 2):
        ScoreSnapshot.objects.create(
            agency=agency, month=datetime.date(2026, month, 1), score=60, engagements=8
        )
    return agency


def bare_agency():
    """An agency never scored, with no specialty, review or history."""
    return make_agency(name="Bare Agency")


@pytest.mark.parametrize("make", [full_agency, bare_agency], ids=["full", "bare"])
def test_the_agency_page_runs_three_queries_whatever_the_agency_has(client, make):
    agency = make()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/agencies/{agency.slug}/")
    assert response.status_code == 200
    assert len(queries) == 3


@pytest.mark.django_db(transaction=True)
def test_a_fresh_connection_and_a_prepared_one_give_the_same_page_and_queries(client):
    agency = full_agency()
    counts, pages = [], []
    for _ in range(2):
        if not counts:
            connection.close()  # the first request on a fresh connection prepares
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/agencies/{agency.slug}/")
        counts.append(len(queries))
        pages.append(response.content)
    assert counts == [3, 3]
    assert pages[0] == pages[1]
    page = pages[1].decode()
    assert "Full Agency" in page and "Legal, Sales" in page and "Answered fast." in page


def test_an_unknown_or_hidden_agency_is_not_found(client):
    hidden = make_agency(name="Hidden Agency")
    hidden.is_active = False
    hidden.save()
    assert client.get(f"/agencies/{hidden.slug}/").status_code == 404
    assert client.get("/agencies/no-such-agency/").status_code == 404
