"""The "How scores work" page shows docs/scoring.md, the exact rules, in the site's layout."""

import re

import pytest

from agencyrank.documents import render_markdown
from tests.conftest import PROJECT_DIR
from tests.factories import make_agency

pytestmark = pytest.mark.django_db

RULES = (PROJECT_DIR / "docs" / "scoring.md").read_text(encoding="utf-8")


def test_the_page_shows_every_rule_with_a_table_of_contents(client):
    response = client.get("/how-scores-work/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>How scores work</h1>" in page
    headings = re.findall(r"^##+ (.+)$", RULES, re.M)
    assert len(headings) > 10
    for section in render_markdown(RULES).contents:
        assert f'<a href="#{section.anchor}">{section.title}</a>' in page
        assert f'id="{section.anchor}"' in page
    # The worked example's score and a settings row, as the document gives them.
    assert "(0.240 + 0.225 + 0.090 + 0.040 + 0.095 + 0.085) = 77.5." in page
    assert "<td><code>SCORING_PRIOR_STRENGTH</code></td>" in page
    assert " style=" not in page and "<script" not in page


def test_the_rules_are_linked_from_the_ranking_the_agency_page_and_every_footer(client):
    agency = make_agency(name="Linked Rules")
    for url in ["/agencies/", f"/agencies/{agency.slug}/", "/"]:
        assert 'href="/how-scores-work/"' in client.get(url).content.decode(), url
    score_panel = client.get(f"/agencies/{agency.slug}/").content.decode()
    score_panel = score_panel.split('id="score-heading"')[1].split("</section>")[0]
    assert 'href="/how-scores-work/"' in score_panel


def test_in_english_the_page_says_nothing_about_languages(client):
    page = client.get("/how-scores-work/").content.decode()
    assert 'class="notice"' not in page
    assert '<article class="document" lang="en">' in page


def test_in_spanish_the_page_says_the_explanation_is_in_english_only(client):
    page = client.get("/how-scores-work/", headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in page
    assert 'class="notice"' in page
    # The rules themselves stay in English, marked as such for screen readers.
    assert '<article class="document" lang="en">' in page
    assert "What counts as evidence" in page


def test_the_application_image_ships_the_rules_the_page_reads():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8").splitlines()
    ignored = (PROJECT_DIR / ".dockerignore").read_text(encoding="utf-8").split()
    assert "COPY . ." in dockerfile
    assert not any(pattern.strip("/*") in {"docs", "docs/scoring.md"} for pattern in ignored)
