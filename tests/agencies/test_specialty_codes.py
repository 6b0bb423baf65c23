"""An agency's row carries its specialty codes (Agency.specialty_codes), which the database
keeps equal to its links to specialties however they are written."""

import pytest
from django.db import connection

from agencies.models import Agency, Specialty
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


def codes_of(agency: Agency) -> str:
    agency.refresh_from_db(fields=["specialty_codes"])
    return agency.specialty_codes


def test_the_codes_follow_specialties_added_removed_and_cleared():
    agency = make_agency(specialties=["technology"])
    assert codes_of(agency) == "technology"
    agency.specialties.add(Specialty.objects.get(code="finance"))
    assert codes_of(agency) == "finance,technology"  # in code order
    agency.specialties.remove(Specialty.objects.get(code="technology"))
    assert codes_of(agency) == "finance"
    agency.specialties.set(Specialty.objects.filter(code__in=["sales", "legal"]))
    assert codes_of(agency) == "legal,sales"
    assert agency.specialty_code_list == ["legal", "sales"]
    agency.specialties.clear()
    assert codes_of(agency) == ""
    assert agency.specialty_code_list == []


def test_saving_an_agency_read_before_its_specialties_changed_keeps_the_new_codes():
    agency = make_agency(specialties=["technology"])
    read_earlier = Agency.objects.get(pk=agency.pk)
    agency.specialties.add(Specialty.objects.get(code="sales"))
    read_earlier.city = "Leeds"
    read_earlier.save()
    assert codes_of(agency) == "sales,technology"


def test_links_written_in_plain_sql_are_followed_too():
    agency = make_agency()
    finance = Specialty.objects.get(code="finance")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO agencies_agency_specialties (agency_id, specialty_id) VALUES (%s, %s)",
            [agency.pk, finance.pk],
        )
    assert codes_of(agency) == "finance"
    other = make_agency()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agencies_agency_specialties SET agency_id = %s WHERE agency_id = %s",
            [other.pk, agency.pk],
        )
    assert (codes_of(agency), codes_of(other)) == ("", "finance")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the links' checks, before TRUNCATE
        cursor.execute("TRUNCATE agencies_agency_specialties")
    assert codes_of(other) == ""


def test_a_renamed_specialty_code_reaches_every_agency_holding_it():
    holders = [make_agency(specialties=["technology", "sales"]) for _ in range(2)]
    Specialty.objects.filter(code="administration").delete()
    Specialty.objects.filter(code="technology").update(code="administration")
    assert [codes_of(agency) for agency in holders] == ["administration,sales"] * 2


def test_the_ranking_the_api_the_comparison_and_the_agency_page_show_the_kept_codes(client):
    agency = make_agency(name="Northbridge Talent", specialties=["technology", "finance"])
    other = make_agency(name="Saltmarsh Search", specialties=["legal"])
    agency.specialties.remove(Specialty.objects.get(code="technology"))
    listed = client.get("/api/agencies/", {"search": "northbridge"}).json()["results"]
    assert [entry["specialties"] for entry in listed] == [["finance"]]
    ranking = client.get("/agencies/").content.decode()
    assert "<td>Finance and accounting</td>" in ranking
    for url in (f"/agencies/{agency.slug}/", f"/compare/?agencies={agency.slug},{other.slug}"):
        page = client.get(url).content.decode()
        assert "Finance and accounting" in page, url
        assert "Technology" not in page, url
