"""Every search on the site finds the same agencies: the ranking's, the API's and the
agency lookup used when logging an experience."""

import re

import pytest

from agencies.queries import agency_search
from tests.factories import make_agency

pytestmark = pytest.mark.django_db

AGENCIES = [
    ("Selección Ibérica S.L.", "https://seleccion-iberica.es"),
    ("Acme Staffing Ltd", "https://www.acme-staffing.com/jobs"),
    ("Northbridge Talent", "https://northbridge.co.uk"),
    ("Москва Кадры", ""),
    ("24/7 Recruitment", "https://round-the-clock.example"),
    ("Staff24", "https://staff24.example"),
    ("Alpha Search", "https://alpha-search.example"),
]


@pytest.fixture
def agencies():
    for name, website in AGENCIES:
        make_agency(name=name, website=website)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Case, accents, punctuation and legal forms do not matter in a name.
        ("seleccion iberica", ["Selección Ibérica S.L."]),
        ("SELECCIÓN", ["Selección Ibérica S.L."]),
        ("Acme Staffing Limited", ["Acme Staffing Ltd"]),
        ("acme-staffing", ["Acme Staffing Ltd"]),
        # A website, as typed or pasted, finds the agency by its domain.
        ("https://www.acme-staffing.com/about", ["Acme Staffing Ltd"]),
        ("northbridge.co.uk", ["Northbridge Talent"]),
        ("co.uk", ["Northbridge Talent"]),
        # A name is also searched as typed: in part, or in another script.
        ("acme staffing l", ["Acme Staffing Ltd"]),
        ("Кадры", ["Москва Кадры"]),
        # Only what reads as a website is looked for in domains: "24/7" is not "24".
        ("24/7", ["24/7 Recruitment"]),
        ("A/S", []),
        ("talent agency", []),
    ],
)
def test_the_ranking_the_api_and_the_lookup_find_the_same_agencies(
    client, agencies, query, expected
):
    page = client.get("/agencies/", {"q": query}).content.decode()
    on_page = sorted(
        name for name, _website in AGENCIES if re.search(rf">\s*{re.escape(name)}\s*<", page)
    )
    listed = client.get("/api/agencies/", {"search": query}).json()["results"]
    assert on_page == sorted(expected)
    assert sorted(agency["name"] for agency in listed) == sorted(expected)
    assert sorted(agency.name for agency in agency_search(query)) == sorted(expected)
