"""The ranking's rows word scores, rates and names exactly as the agency page does."""

import pytest
from django.template.defaultfilters import floatformat

from agencies.display import whole_number
from tests.factories import make_agency, make_score

pytestmark = pytest.mark.django_db


def test_a_score_on_a_half_reads_the_same_in_the_ranking_as_on_the_agency_page(client):
    agency = make_agency(name="Halfway Ltd")
    make_score(agency=agency, score=72.5, score_low=64.5, score_high=80.25, rank=1, engagements=9)
    ranking = client.get("/agencies/").content.decode()
    detail = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "73 (65–80)" in detail  # noqa: RUF001 (the range's en dash)
    assert "<td>73 (65–80)</td>" in ranking  # noqa: RUF001


def test_rates_and_ratings_in_the_ranking_round_as_before_and_follow_the_language(client):
    make_score(
        agency=make_agency(name="Rounding Ltd"),
        score=50,
        rank=1,
        engagements=9,
        reply_rate=0.125,
        rating=3.25,
    )
    english = client.get("/agencies/").content.decode()
    spanish = client.get("/agencies/", headers={"accept-language": "es"}).content.decode()
    assert "<td>12%</td>" in english
    assert "<td>3.3 / 5</td>" in english
    assert "<td>3,3 / 5</td>" in spanish
    assert "Comparar Rounding Ltd" in spanish


def test_agency_names_and_places_are_escaped_in_the_ranking(client):
    make_agency(name="<b>Bold</b> & Co", city="Sant Joan d'Alacant", country="ES")
    page = client.get("/agencies/").content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page
    assert "Sant Joan d&#x27;Alacant, Spain" in page


def test_the_country_filter_keeps_the_chosen_country_selected_in_either_language(client):
    page = client.get("/agencies/?country=ES").content.decode()
    spanish = client.get("/agencies/?country=ES", headers={"accept-language": "es"})
    assert '<option value="ES" selected>Spain</option>' in page
    assert '<option value="" selected>Any country</option>' not in page
    assert '<option value="ES" selected>España</option>' in spanish.content.decode()


def test_scores_round_in_the_ranking_exactly_as_floatformat_rounds_them():
    halves_and_neighbours = [0.5, 1.5, 2.5, 49.5, 72.5, 72.49999999999999, 72.50000000000001]
    scores = [0, 0.49999999999999994, *halves_and_neighbours]
    scores += [n / 8 for n in range(801)] + [n / 10 + 0.05 for n in range(1000)]
    assert [score for score in scores if whole_number(score) != floatformat(score, 0)] == []
