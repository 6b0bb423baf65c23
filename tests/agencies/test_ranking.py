"""The ranking's pages list every listed agency once: ranked ones in order, then the rest."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from agencies.ranking import RankedAgencies
from tests.factories import make_agency, make_score

pytestmark = pytest.mark.django_db

PAGE_SIZE = 10


def listing(ranked: int, unranked: int, *, scoreless: int = 0) -> tuple[list[str], list[str]]:
    """Agencies with ranks 1..ranked, then some scored without a rank and some never scored.

    Returns (ranked names in rank order, the others in the ranking's order for them: more
    evidence first, never-scored ones last, then by name). Some share a rank: the one with
    more evidence comes first.
    """
    ranked_names, unranked_rows = [], []
    for number in range(ranked):
        agency = make_agency(name=f"Ranked {number:03}")
        # Every third pair shares a rank; the one with more evidence comes first.
        rank = number + 1 - (number % 3 == 2)
        make_score(agency=agency, score=90 - number * 0.1, rank=rank, engagements=50 - number % 3)
        ranked_names.append(agency.name)
    for number in range(unranked):
        agency = make_agency(name=f"Unranked {number:03}")
        make_score(agency=agency, engagements=number % 4)
        unranked_rows.append((0, -(number % 4), agency.name))
    for number in range(scoreless):
        agency = make_agency(name=f"New {number:03}")
        unranked_rows.append((1, 0, agency.name))
    hidden = make_agency(name="Deactivated")
    make_score(agency=hidden, score=99, rank=1, engagements=80)
    Agency.objects.filter(pk=hidden.pk).update(is_active=False)
    return ranked_names, [name for *_, name in sorted(unranked_rows)]


def pages_of(agencies: RankedAgencies) -> list[list]:
    paginator = Paginator(agencies, PAGE_SIZE)
    return [list(paginator.page(number).object_list) for number in paginator.page_range]


# The unfiltered ranking finds where its ranked agencies end in each page's own statement; a
# filtered one counts them with the listed ones. Every agency of the listing is in Great
# Britain, so the country filter lists them all.
EVERY_AGENCY = [{}, {"country": "GB"}]
LISTING_IDS = ["unfiltered", "filtered"]


@pytest.mark.parametrize("filters", EVERY_AGENCY, ids=LISTING_IDS)
@pytest.mark.parametrize(
    ("ranked", "unranked", "scoreless"),
    [(0, 7, 2), (10, 0, 0), (13, 9, 3), (20, 4, 0), (25, 24, 6)],
    ids=["none ranked", "ranked fill a page", "boundary mid-page", "boundary on a page", "deep"],
)
def test_every_page_lists_ranked_agencies_in_rank_order_then_the_others_each_once(
    ranked, unranked, scoreless, filters
):
    ranked_names, unranked_names = listing(ranked, unranked, scoreless=scoreless)
    agencies = RankedAgencies(**filters)
    pages = pages_of(agencies)
    rows = [row for page in pages for row in page]
    assert [row.name for row in rows] == ranked_names + unranked_names
    assert [bool(row.is_ranked) for row in rows] == [True] * ranked + [False] * len(unranked_names)
    assert agencies.count() == ranked + unranked + scoreless


@pytest.mark.parametrize("filters", EVERY_AGENCY, ids=LISTING_IDS)
def test_each_page_reads_its_agencies_in_one_query_wherever_ranked_agencies_end(filters):
    listing(13, 20)
    agencies = RankedAgencies(**filters)
    agencies.count()
    for start in (0, 10, 20, 30):  # ranked only, both groups, the rest only, the last rows
        with CaptureQueriesContext(connection) as queries:
            agencies[start : start + PAGE_SIZE]
        assert len(queries) == 1


@pytest.mark.parametrize("filters", EVERY_AGENCY, ids=LISTING_IDS)
def test_a_page_past_the_last_agency_is_empty(filters):
    listing(3, 2)
    assert RankedAgencies(**filters)[10:20] == []


@pytest.mark.parametrize("filters", EVERY_AGENCY, ids=LISTING_IDS)
def test_a_sort_by_reply_rate_puts_ranked_agencies_without_one_last_among_the_ranked(filters):
    fast = make_agency(name="Fast")
    make_score(agency=fast, score=70, rank=2, engagements=9, reply_rate=0.9)
    unknown = make_agency(name="Unknown")
    make_score(agency=unknown, score=80, rank=1, engagements=9)
    slow = make_agency(name="Slow")
    make_score(agency=slow, score=60, rank=3, engagements=9, reply_rate=0.2)
    early = make_agency(name="Early")
    make_score(agency=early, engagements=2, reply_rate=1.0)

    names = [row.name for row in RankedAgencies(sort="reply_rate", **filters)[0:10]]

    assert names == ["Fast", "Slow", "Unknown", "Early"]


def test_filters_apply_to_both_groups_and_to_the_counts():
    london = make_agency(name="London Ranked", city="London", specialties=["technology"])
    make_score(agency=london, score=80, rank=1, engagements=9)
    make_agency(name="London New", city="London", specialties=["technology", "sales"])
    make_agency(name="London Sales", city="London", specialties=["sales"])
    leeds = make_agency(name="Leeds Ranked", city="Leeds", specialties=["technology"])
    make_score(agency=leeds, score=90, rank=1, engagements=9)

    agencies = RankedAgencies(city="london", specialty="technology")

    rows = agencies[0:10]
    assert [(row.name, sorted(row.specialty_codes.split(","))) for row in rows] == [
        ("London Ranked", ["technology"]),
        ("London New", ["sales", "technology"]),
    ]
    assert [bool(row.is_ranked) for row in rows] == [True, False]
    assert agencies.count() == 2


def test_the_evidence_and_search_filters_apply_to_both_groups_and_to_the_count():
    for name, rank, engagements in [
        ("Acme Ranked", 1, 30),
        ("Acme Thin", None, 4),
        ("Acme Growing", None, 12),
        ("Other Ranked", 2, 40),
    ]:
        make_score(agency=make_agency(name=name), score=50, rank=rank, engagements=engagements)
    make_agency(name="Acme New")  # never scored: no evidence at all

    agencies = RankedAgencies(search="acme", min_evidence=10)

    rows = agencies[0:10]
    assert [(row.name, bool(row.is_ranked)) for row in rows] == [
        ("Acme Ranked", True),
        ("Acme Growing", False),
    ]
    assert agencies.count() == 2
