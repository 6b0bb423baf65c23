"""The ranking's filters show what was asked for, in the visitor's language, as Django's own
form widgets show it."""

import re

import pytest
from django.test.html import parse_html
from django.utils import translation

from agencies.forms import RankingSearchForm

pytestmark = pytest.mark.django_db


def filters_of(page: str) -> str:
    """The filter fields' markup on a ranking page."""
    return page.split('<div class="ranking-filters">', 1)[1].split("</div>", 1)[0]


def field_of(filters: str, name: str) -> str:
    """The paragraph of the filter ``name``: its label, widget and errors."""
    return next(p for p in re.findall(r"<p>.*?</p>", filters, re.DOTALL) if f'name="{name}"' in p)


def ranking(client, params: dict, language: str = "en") -> str:
    return client.get("/agencies/", params, headers={"accept-language": language}).content.decode()


def test_the_search_city_and_evidence_asked_for_stay_in_their_fields(client):
    filters = filters_of(ranking(client, {"q": "Leeds Tech", "city": "Leeds", "min_evidence": 5}))
    assert '<input type="text" name="q" id="id_q" maxlength="100" value="Leeds Tech">' in filters
    assert '<input type="text" name="city" id="id_city" maxlength="120" value="Leeds">' in filters
    assert 'name="min_evidence" id="id_min_evidence" max="1000000" min="0" value="5">' in filters


def test_the_chosen_country_specialty_and_order_are_the_selected_options(client):
    filters = filters_of(ranking(client, {"country": "ES", "specialty": "sales", "sort": "rating"}))
    assert '<option value="ES" selected>Spain</option>' in filters
    assert '<option value="sales" selected>Sales</option>' in filters
    assert '<option value="rating" selected>Rating</option>' in filters
    assert filters.count(" selected>") == 3


def test_without_filters_any_country_and_any_specialty_are_selected_and_no_order(client):
    filters = filters_of(ranking(client, {}))
    assert '<option value="" selected>Any country</option>' in filters
    assert '<option value="" selected>Any specialty</option>' in filters
    assert '<option value="score">Score</option>' in filters
    assert filters.count(" selected>") == 2
    assert 'value=""' not in re.sub(r"<option[^>]*>", "", filters)  # no empty input values


def test_a_bad_value_is_kept_marked_invalid_and_explained_under_its_field(client):
    filters = filters_of(ranking(client, {"specialty": "astrology", "min_evidence": "-3"}))
    assert (
        '<select name="specialty" aria-invalid="true" aria-describedby="id_specialty_error"'
        ' id="id_specialty">'
    ) in filters
    assert (
        '<input type="number" name="min_evidence" aria-describedby="id_min_evidence_error"'
        ' aria-invalid="true" id="id_min_evidence" max="1000000" min="0" value="-3">'
    ) in filters
    assert (
        '<ul class="errorlist" id="id_specialty_error"><li>Select a valid choice. astrology is'
        " not one of the available choices.</li></ul>"
    ) in filters
    assert "greater than or equal to 0" in field_of(filters, "min_evidence")
    assert " selected>" not in field_of(filters, "specialty")
    assert "aria-invalid" not in field_of(filters, "country")
    assert "errorlist" not in field_of(filters, "country")


def test_what_a_visitor_typed_is_escaped_in_the_fields(client):
    typed = '"><script>alert(1)</script>'
    filters = filters_of(ranking(client, {"q": typed, "country": typed, "sort": typed}))
    assert "<script>" not in filters
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in filters


def test_spanish_visitors_get_spanish_labels_options_and_errors(client):
    filters = filters_of(ranking(client, {"country": "ES", "specialty": "nope"}, "es"))
    assert '<label for="id_country">País:</label>' in filters
    assert '<label for="id_q">Buscar por nombre o sitio web:</label>' in filters
    assert '<option value="ES" selected>España</option>' in filters
    assert '<option value="">Cualquier especialidad</option>' in filters
    assert '<option value="technology">Tecnología</option>' in filters
    assert '<option value="reply_rate">Tasa de respuesta</option>' in filters
    assert "Escoja una opción válida" in filters  # Django's own message, in Spanish


QUERIES = [
    {},
    {"q": "Talent & Co", "country": "GB", "city": "Leeds", "specialty": "technology"},
    {"min_evidence": "12", "sort": "ghosting_rate"},
    {"country": "XX", "specialty": "astrology", "min_evidence": "lots", "sort": "name"},
    {"q": "x" * 150, "city": "<b>", "min_evidence": "-1"},
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("params", QUERIES)
def test_each_filter_reads_as_django_renders_its_field(rf, params, language):
    with translation.override(language):
        form = RankingSearchForm(rf.get("/agencies/", params).GET)
        form.is_valid()
        paragraphs = re.findall(r"<p>.*?</p>", form.fields_html(), flags=re.DOTALL)
        expected = [
            f'<p><label for="{field.id_for_label}">{field.label}{form.label_suffix}</label>'
            f"{field}{field.errors}</p>"
            for field in form
            if field.name in RankingSearchForm.FILTER_FIELDS
        ]
    assert len(paragraphs) == len(expected) == len(RankingSearchForm.FILTER_FIELDS)
    for paragraph, django_markup in zip(paragraphs, expected, strict=True):
        assert parse_html(paragraph) == parse_html(django_markup)
