"""Public pages and API answers run as many queries for 200 agencies as for 5.

The page cache is off here: these budgets are what a visitor costs when the cache is cold.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import ScoreSnapshot
from tests.factories import make_agency, make_score

pytestmark = pytest.mark.django_db

SPECIALTIES = [["technology", "sales"], ["technology"], ["finance"], []]


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def agencies():
    """Adds scored and unscored agencies with specialties and snapshots; returns all so far."""
    made = []

    def add(count: int) -> list:
        for _ in range(count):
            number = len(made)
            agency = make_agency(
                name=f"Budget Agency {number:03}",
                country="GB" if number % 3 else "ES",
                city="Leeds",
                specialties=SPECIALTIES[number % len(SPECIALTIES)],
            )
            if number % 4 != 3:
                make_score(
                    agency=agency,
                    score=40 + number % 50,
                    rank=number + 1,
                    engagements=5 + number % 20,
                    tallies={"reply_rate": (3, 4), "ghosting_rate": (1, 5)},
                    reply_delays={0: 2, 3: 1, 40: 1},
                    median_reply_days=2,
                    rating=4.0,
                    rating_count=2,
                    flag_ghosting=number % 5 == 0,
                )
                for month in (1, 2):
                    ScoreSnapshot.objects.create(
                        agency=agency,
                        month=datetime.date(2026, month, 1),
                        score=40 + month,
                        engagements=5,
                    )
            made.append(agency)
        return made

    return add


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def first_slug(made: list) -> str:
    return made[0].slug


# (url, its queries) for a listed agency's slug; the comment says what each query reads.
BUDGETS = [
    # listed and ranked counts, the page's agencies with their scores and specialties (on the
    # page where ranked agencies end, both groups as one union)
    ("/agencies/", 2),
    ("/agencies/?country=GB&city=leeds&specialty=technology&min_evidence=5&sort=reply_rate", 2),
    ("/agencies/?q=budget&sort=rating&page=2", 2),
    # the agency with its score and specialties, reviews with replies, snapshots
    ("/agencies/{slug}/", 3),
    ("/how-scores-work/", 0),
    # every listed agency's slug and score date
    ("/sitemap.xml", 1),
    # the page of agencies with their scores, specialties and the count, in one statement
    ("/api/agencies/", 1),
    ("/api/agencies/?country=gb&specialty=technology&ordering=-reply_rate&page_size=100", 1),
    # the agency with its score, its specialties
    ("/api/agencies/{slug}/", 2),
    # the agency with its score, its specialties, its snapshots
    ("/api/agencies/{slug}/history/", 3),
]


@pytest.mark.parametrize(("url", "budget"), BUDGETS, ids=[url for url, _ in BUDGETS])
def test_public_pages_and_the_api_run_the_same_queries_for_5_and_200_agencies(
    client, agencies, url, budget
):
    made = agencies(5)
    address = url.format(slug=first_slug(made))
    with_five = queries_for(client, address)
    agencies(195)
    with_two_hundred = queries_for(client, address)
    assert with_five == with_two_hundred == budget
