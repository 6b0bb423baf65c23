"""Agencies and scores keep their invariants in the database."""

import datetime

import pytest
from django.utils import timezone

from agencies.models import Agency, AgencyScore, ScoreSnapshot, Specialty, SpecialtyCode
from tests.database import rejected_by_database
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


def test_every_specialty_of_the_fixed_list_exists():
    assert set(Specialty.objects.values_list("code", flat=True)) == set(SpecialtyCode.values)


def test_an_unknown_specialty_is_refused_by_the_database():
    assert rejected_by_database(lambda: Specialty.objects.create(code="astrology"))


def test_slugs_are_unique_and_the_service_finds_a_free_one():
    first = make_agency(name="Acme Talent")
    second = make_agency(name="Acme Talent")
    assert (first.slug, second.slug) == ("acme-talent", "acme-talent-2")
    assert rejected_by_database(
        lambda: Agency.objects.create(name="Other", slug="acme-talent", country="ES")
    )


def test_the_service_derives_domain_and_normalised_name():
    agency = make_agency(
        name="  Selección Ibérica, S.L. ",
        website="https://www.Seleccion.es/jobs",
        specialties=["technology", "finance"],
    )
    assert agency.domain == "seleccion.es"
    assert agency.name_key == "seleccion iberica"
    assert sorted(agency.specialties.values_list("code", flat=True)) == ["finance", "technology"]


def test_an_agency_cannot_be_merged_into_itself():
    agency = make_agency()
    agency.merged_into = agency
    assert rejected_by_database(lambda: agency.save())


def test_merged_and_inactive_agencies_are_not_listed():
    kept = make_agency()
    duplicate = make_agency()
    Agency.objects.filter(pk=duplicate.pk).update(merged_into=kept)
    closed = make_agency()
    Agency.objects.filter(pk=closed.pk).update(is_active=False)
    assert list(Agency.objects.listed()) == [kept]


def score(agency, **fields):
    values = {"score": 70, "score_low": 60, "score_high": 80, "updated_at": timezone.now()}
    return AgencyScore(agency=agency, **(values | fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"score": 101, "score_high": 101},
        {"score": -1, "score_low": -2},
        {"score_low": 75},
        {"reply_rate": 1.2},
        {"ghosting_rate": -0.1},
        {"rank": 0},
        {"rating": 6},
        {"median_reply_days": -1},
    ],
)
def test_out_of_range_scores_are_refused_by_the_database(fields):
    agency = make_agency()
    assert rejected_by_database(lambda: score(agency, **fields).save())


def test_an_agency_without_enough_data_has_no_score_but_a_row():
    agency = make_agency()
    AgencyScore.objects.create(agency=agency, updated_at=timezone.now(), engagements=2)
    assert agency.score.score is None
    assert agency.score.flags == []


def test_flags_are_listed_by_their_public_names():
    row = score(make_agency(), flag_ghosting=True, flag_salary_fishing=True)
    assert row.flags == ["ghosting", "salary_fishing"]


def test_one_snapshot_per_agency_and_month_on_the_first_day():
    agency = make_agency()
    ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2026, 5, 1), score=50)
    assert rejected_by_database(
        lambda: ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2026, 5, 1))
    )
    assert rejected_by_database(
        lambda: ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2026, 6, 15))
    )
