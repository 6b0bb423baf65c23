"""The agency page words its facts, score and charts as before, in English and in Spanish.

The specialties come with the agency in one query and are sorted in Python; the score panel's
sentences, the charts' descriptions and the month names are put together in
agencies/display/ instead of template tags. These tests pin what the page says.
"""

import datetime

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import date_format

from agencies.display import month_and_year, whole_number
from agencies.display.formatting import _month_names
from agencies.models import ScoreSnapshot
from tests.agencies.representative_helpers import make_representative
from tests.factories import make_agency, make_score

pytestmark = pytest.mark.django_db


def agency_page(client, agency, language: str) -> str:
    client.cookies["django_language"] = language
    return client.get(f"/agencies/{agency.slug}/").content.decode()


@pytest.mark.parametrize(
    ("language", "listed"),
    [
        ("en", "Engineering, Finance and accounting, Human resources, Technology"),
        ("es", "Ingeniería, Finanzas y contabilidad, Recursos humanos, Tecnología"),
    ],
)
def test_specialties_are_listed_in_code_order_in_english_and_spanish(client, language, listed):
    agency = make_agency(
        name="Many Trades",
        specialties=["technology", "human_resources", "engineering", "finance"],
    )
    assert f"<dd>{listed}</dd>" in agency_page(client, agency, language)


def test_an_agency_without_specialties_shows_a_dash(client):
    agency = make_agency(name="No Trade")
    assert "<dd>—</dd>" in agency_page(client, agency, "en")


@pytest.mark.parametrize(
    ("language", "score_line", "evidence", "rating"),
    [
        (
            "en",
            "<strong>73 (66–80)</strong>\n      — ranked 4</p>",  # noqa: RUF001 (en dash)
            "From 1 counted experience. The range shows where the score lies with 90% certainty.",
            "Rated 4.5 / 5 in 2 published reviews.",
        ),
        (
            "es",
            "<strong>73 (66–80)</strong>\n      — posición 4</p>",  # noqa: RUF001 (en dash)
            "A partir de 1 experiencia contada. El intervalo muestra dónde se sitúa la "
            "puntuación con un 90% de certeza.",
            "Valorada con 4,5 / 5 en 2 reseñas publicadas.",
        ),
    ],
)
def test_the_score_panel_gives_score_range_rank_evidence_and_rating_in_each_language(
    client, language, score_line, evidence, rating
):
    agency = make_agency(name="Scored Agency")
    # Rounded half up, as floatformat rounds: 72.5 shows as 73, 79.5 as 80.
    make_score(
        agency=agency,
        score=72.5,
        score_low=65.5,
        score_high=79.5,
        rank=4,
        engagements=1,
        rating=4.45,
        rating_count=2,
    )
    page = agency_page(client, agency, language)
    panel = page.split('id="score-heading"')[1].split("</section>")[0]
    assert score_line in panel
    assert f'<p class="muted">{evidence}</p>' in panel
    assert f"<p>{rating}</p>" in panel


def metrics_table(page: str) -> str:
    return "<table" + page.split('<table class="table metrics-table"', 1)[1].split("</table>")[0]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_representative_sees_the_metrics_table_visitors_see(client, language):
    agency = make_agency(name="Watched Agency", website="https://watched.example")
    make_score(
        agency=agency,
        score=55,
        rank=2,
        engagements=6,
        tallies={"reply_rate": (3, 4), "salary_fishing_rate": (1, 5)},
        median_reply_days=2.5,
        reply_delays={"1": 2, "4": 1},
    )
    public = metrics_table(agency_page(client, agency, language))
    assert public.count("<tr>") == 8  # the headings and seven metrics
    assert "candidates&#x27;" in public or language == "es"
    client.force_login(make_representative(agency=agency, email="rep@watched.example"))
    client.cookies["django_language"] = language
    dashboard = client.get(f"/representatives/{agency.slug}/").content.decode()
    assert metrics_table(dashboard) == public


def test_an_unranked_agency_shows_no_range_nor_rank_but_its_rating(client):
    agency = make_agency(name="Thin Agency")
    make_score(agency=agency, engagements=2, rating=3.0, rating_count=1)
    panel = agency_page(client, agency, "en").split('id="score-heading"')[1]
    panel = panel.split("</section>")[0]
    assert "<strong>Not enough data yet</strong>" in panel
    assert "ranked" not in panel and "counted experience" not in panel
    assert "Rated 3.0 / 5 in 1 published review." in panel


def test_the_charts_describe_themselves_in_spanish(client):
    agency = make_agency(name="Charted Agency")
    make_score(agency=agency, score=60, rank=1, engagements=9, reply_delays={"0": 1, "3": 2})
    for month in (3, 4):
        ScoreSnapshot.objects.create(
            agency=agency, month=datetime.date(2026, month, 1), score=60, engagements=9
        )
    page = agency_page(client, agency, "es")
    assert (
        '<desc id="reply-times-desc">3 respuestas contadas; cada barra indica su número y su '
        "porcentaje, y la tabla de abajo muestra cada valor.</desc>"
    ) in page
    assert (
        '<desc id="trend-desc">Puntuaciones mes a mes desde marzo 2026; la tabla de abajo '
        "muestra cada valor.</desc>"
    ) in page
    assert "<tr><td>abril 2026</td>" in page and ">Abr 2026</text>" in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_month_names_read_as_date_format_words_them(language):
    with translation.override(language):
        names = _month_names(language)[0]
        for month in range(1, 13):
            day = datetime.date(2026, month, 1)
            assert month_and_year(day, names) == date_format(day, "F Y")
        assert _month_names(language)[1] == tuple(
            date_format(datetime.date(2026, month, 1), "M") for month in range(1, 13)
        )


def test_scores_round_as_floatformat_rounds_them():
    values = [value / 8 for value in range(0, 801)]  # 0 to 100 by eighths: halves included
    values += [0.49999999999999994, 72.49999999999999, 99.99999999999999, 100.0]
    for value in values:
        assert whole_number(value) == floatformat(value, 0), value
    assert whole_number(None) == ""
