"""The number of listed agencies the ranking and the API show, kept by the database."""

import pytest
from django.db import connection

from agencies.merging import agencies_merge
from agencies.models import Agency, ListedAgencyCount
from agencies.ranking import RankedAgencies
from tests.factories import make_agency, make_score
from tests.reviews.moderation_helpers import make_moderator

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL keeps the count; SQLite counts"
    ),
]


def kept() -> int:
    return ListedAgencyCount.objects.get().listed


def test_the_kept_count_follows_agencies_created_unlisted_merged_and_deleted():
    assert kept() == Agency.objects.listed().count()
    start = kept()
    first, second, third, fourth = (make_agency(name=f"Counted {n}") for n in range(4))
    assert kept() == start + 4

    third.is_active = False
    third.save()
    assert kept() == start + 3
    Agency.objects.filter(pk=third.pk).update(is_active=True)
    assert kept() == start + 4

    agencies_merge(source=second, target=first, actor=make_moderator())
    assert kept() == start + 3

    Agency.objects.filter(pk__in=[third.pk, fourth.pk]).update(is_active=False)
    assert kept() == start + 1
    Agency.objects.filter(pk=fourth.pk).delete()
    Agency.objects.filter(pk=first.pk).update(name="Renamed, still listed")
    assert kept() == start + 1 == Agency.objects.listed().count()


def test_emptying_the_agency_table_sets_the_kept_count_to_zero():
    make_agency(name="Soon Gone")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as a bulk load's own transaction
        cursor.execute("TRUNCATE agencies_agency CASCADE")
    assert kept() == 0
    make_agency(name="First Again")
    assert kept() == 1


@pytest.mark.parametrize("count_kept", [True, False], ids=["kept", "counted"])
def test_the_ranking_and_the_api_show_how_many_agencies_are_listed(client, count_kept):
    for number in range(3):
        agency = make_agency(name=f"Shown {number}")
        make_score(agency=agency, score=60 + number, rank=3 - number, engagements=9)
    Agency.objects.filter(pk=make_agency(name="Hidden").pk).update(is_active=False)
    if not count_kept:
        ListedAgencyCount.objects.all().delete()

    listed = Agency.objects.listed().count()
    assert RankedAgencies().count() == listed
    assert client.get("/api/agencies/").json()["count"] == listed
    assert f"AgencyRank tracks {listed} agencies." in client.get("/agencies/").content.decode()
