"""Comparing agencies side by side: the URL is the state, and no address makes it fail."""

import re

import pytest

from agencies.models import Agency
from tests.factories import make_agency, make_score, make_user

pytestmark = pytest.mark.django_db


def scored(name: str, *, rank: int | None, score: float | None = None, **fields) -> Agency:
    """A listed agency with a score row; ``rank=None`` is an agency without enough data."""
    agency = make_agency(
        name=name, **{key: fields.pop(key) for key in ("city", "specialties") if key in fields}
    )
    fields.setdefault("engagements", 12 if rank else 2)
    make_score(agency=agency, score=score, rank=rank, **fields)
    return agency


def compare(client, *slugs: str, **params):
    return client.get("/compare/", {"agencies": ",".join(slugs), **params})


def text_of(html: str) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row_of(page: str, label: str) -> str:
    """The text of the table row headed ``label``."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row {label!r}"
    return text_of(match.group(1))


def cells_of(page: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row {label!r}"
    return [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def three(db):
    acme = scored(
        "Acme Talent",
        rank=1,
        score=81,
        score_low=74,
        score_high=88,
        tallies={"reply_rate": (9, 10), "ghosting_rate": (3, 10)},
        median_reply_days=4.0,
        rating=3.5,
        city="Leeds",
        specialties=["technology"],
    )
    blue = scored(
        "Blue Fox",
        rank=2,
        score=70,
        tallies={"reply_rate": (5, 10), "ghosting_rate": (1, 10)},
        median_reply_days=1.5,
        rating=4.5,
        flag_salary_fishing=True,
    )
    newcomer = scored("Newcomer Recruiting", rank=None, tallies={"reply_rate": (1, 1)})
    return acme, blue, newcomer


def test_agencies_are_shown_side_by_side_with_the_best_of_each_row_marked(client, three):
    acme, blue, newcomer = three
    response = compare(client, acme.slug, blue.slug, newcomer.slug)
    assert response.status_code == 200
    page = response.content.decode()
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert sorted(["Acme Talent", "Blue Fox", "Newcomer Recruiting"], key=head.index) == [
        "Acme Talent",
        "Blue Fox",
        "Newcomer Recruiting",
    ]
    assert cells_of(page, "Score (range)") == [
        "81 (74\N{EN DASH}88) Best",
        "70 (63\N{EN DASH}77)",
        "Not enough data yet",
    ]
    assert cells_of(page, "Rank") == ["1 Best", "2", "—"]
    assert cells_of(page, "Reply rate") == ["90% Best", "50%", "100%"]
    # Lower is better for reply time and ghosting.
    assert cells_of(page, "Median reply time") == ["4 days", "1.5 days Best", "—"]
    assert cells_of(page, "Ghosting rate") == ["30%", "10% Best", "—"]
    assert cells_of(page, "Rating") == ["3.5 / 5", "4.5 / 5 Best", "—"]
    assert cells_of(page, "Experiences counted") == ["12", "12", "2"]
    assert cells_of(page, "Flags") == ["None", "Salary fishing", "None"]
    assert cells_of(page, "Location") == [
        "Leeds, United Kingdom",
        "United Kingdom",
        "United Kingdom",
    ]
    assert cells_of(page, "Specialties") == ["Technology", "—", "—"]
    # "Best" is a word on the page, not a colour only; the caption says so.
    assert "best value" in text_of(page)


def test_the_rows_read_in_spanish_with_the_same_marks(client, three):
    acme, blue, newcomer = three
    client.cookies["django_language"] = "es"
    page = compare(client, acme.slug, blue.slug, newcomer.slug).content.decode()
    assert cells_of(page, "Puntuación (intervalo)") == [
        "81 (74\N{EN DASH}88) Mejor",
        "70 (63\N{EN DASH}77)",
        "Aún no hay datos suficientes",
    ]
    assert cells_of(page, "Mediana del tiempo de respuesta") == ["4 días", "1.5 días Mejor", "—"]
    assert cells_of(page, "Valoración") == ["3.5 / 5", "4.5 / 5 Mejor", "—"]
    assert cells_of(page, "Indicadores") == ["Ninguno", "Sondeo salarial", "Ninguno"]
    assert cells_of(page, "Ubicación")[0] == "Leeds, Reino Unido"
    assert cells_of(page, "Especialidades") == ["Tecnología", "—", "—"]
    assert '<td class="best">90% <span class="badge badge-best">Mejor</span></td>' in page
    assert '<td><span class="badge badge-flag">Sondeo salarial</span> </td>' in page
    assert 'aria-label="Quitar Acme Talent de la comparación">Quitar</a>' in page


def test_what_an_agency_entered_is_shown_as_text(client, three):
    acme, _, _ = three
    odd = scored("Fox & <Hound>", rank=3, score=50, city="<script>alert(1)</script>")
    page = compare(client, acme.slug, odd.slug).content.decode()
    assert "<script>alert" not in page and "<Hound>" not in page
    assert cells_of(page, "Location")[1] == "&lt;script&gt;alert(1)&lt;/script&gt;, United Kingdom"
    assert "Fox &amp; &lt;Hound&gt;" in page.split("<thead>", 1)[1].split("</thead>", 1)[0]


def test_agencies_that_tie_are_all_marked_best(client):
    one = scored("One", rank=1, score=70, tallies={"feedback_rate": (1, 2)})
    two = scored("Two", rank=2, score=69.6, tallies={"feedback_rate": (5, 10)})
    page = compare(client, one.slug, two.slug).content.decode()
    assert cells_of(page, "Feedback rate") == ["50% Best", "50% Best"]
    assert cells_of(page, "Score (range)")[0].endswith("Best")
    assert cells_of(page, "Score (range)")[1].endswith("Best")  # 69.6 shows as 70 too


def test_the_checkbox_form_of_the_address_redirects_to_the_shareable_comma_form(client, three):
    acme, blue, _ = three
    response = client.get("/compare/", {"agencies": [acme.slug, blue.slug]})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?agencies={acme.slug},{blue.slug}"
    assert "Blue Fox" in client.get(response["Location"]).content.decode()


def test_each_column_has_a_remove_link_that_keeps_the_others(client, three):
    acme, blue, newcomer = three
    page = compare(client, acme.slug, blue.slug, newcomer.slug).content.decode()
    assert f'href="/compare/?agencies={blue.slug},{newcomer.slug}"' in page
    assert f'href="/compare/?agencies={acme.slug},{newcomer.slug}"' in page
    assert 'aria-label="Remove Acme Talent from the comparison"' in page


def test_unknown_addresses_are_reported_and_the_rest_compared(client, three):
    acme, blue, _ = three
    response = compare(client, acme.slug, "no-such-agency", blue.slug, "<script>x</script>")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No listed agency has these addresses" in page
    assert "no-such-agency" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert len(cells_of(page, "Rank")) == 2


@pytest.mark.parametrize(
    "value",
    ["\x00", "a\x00b,acme", "%", "," * 500, "é" * 300, "../../etc/passwd", " , ,"],
)
def test_no_address_makes_the_page_fail(client, three, value):
    response = client.get("/compare/", {"agencies": value, "q": value})
    assert response.status_code == 200


def test_an_inactive_agency_is_unknown(client, three):
    acme, blue, _ = three
    hidden = scored("Closed Shop", rank=3, score=50)
    Agency.objects.filter(pk=hidden.pk).update(is_active=False)
    page = compare(client, acme.slug, blue.slug, hidden.slug).content.decode()
    assert "Closed Shop" not in page
    assert hidden.slug in page  # named in the notice


def test_a_merged_agency_stands_for_the_one_it_joined_and_duplicates_collapse(client, three):
    acme, blue, _ = three
    old = make_agency(name="Acme Old Name")
    old.merged_into = acme
    old.save()
    page = compare(client, old.slug, acme.slug, acme.slug, blue.slug).content.decode()
    assert "Acme Old Name" not in page
    assert cells_of(page, "Rank") == ["1 Best", "2"]
    assert "No listed agency" not in page


def test_a_duplicate_of_an_agency_merged_later_stands_for_the_last_one(client, three):
    acme, blue, _ = three
    middle = make_agency(name="Acme Middle Name")
    middle.merged_into = acme
    middle.save()
    oldest = make_agency(name="Acme Oldest Name")
    oldest.merged_into = middle
    oldest.save()
    page = compare(client, oldest.slug, blue.slug).content.decode()
    assert "Acme Middle Name" not in page and "Acme Oldest Name" not in page
    assert cells_of(page, "Rank") == ["1 Best", "2"]
    assert "No listed agency" not in page


def test_more_than_four_agencies_says_so_and_shows_the_first_four(client):
    agencies = [scored(f"Agency {n}", rank=n, score=90 - n) for n in range(1, 7)]
    page = compare(client, *(a.slug for a in agencies)).content.decode()
    assert "You can compare up to 4 agencies at a time" in page
    assert len(cells_of(page, "Rank")) == 4
    assert "Agency 5" not in page and "Agency 6" not in page
    assert "Add an agency" not in page


def test_with_fewer_than_two_agencies_the_page_explains_and_offers_a_search(client, three):
    acme, blue, _ = three
    page = client.get("/compare/").content.decode()
    assert "Choose two to four agencies" in page
    assert 'name="q"' in page and "<table" not in page

    page = compare(client, acme.slug).content.decode()
    assert "Choose two to four agencies" in page
    assert "Acme Talent" in page
    assert f'name="agencies" value="{acme.slug}"' in page  # the search keeps the choice

    page = compare(client, acme.slug, q="blue").content.decode()
    assert "Blue Fox" in page
    assert f'href="/compare/?agencies={acme.slug},{blue.slug}"' in page
    assert 'aria-label="Add Blue Fox to the comparison"' in page


def test_the_search_leaves_out_agencies_already_compared(client, three):
    acme, _, _ = three
    page = compare(client, acme.slug, q="acme").content.decode()
    assert "No other agency matches" in page


def test_the_page_is_the_same_for_every_visitor_and_carries_no_form_token(client, three):
    acme, blue, _ = three
    response = compare(client, acme.slug, blue.slug, q="new")
    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("agencies", [5, 200])
def test_the_page_runs_the_same_queries_whatever_the_number_of_agencies(
    client, django_assert_num_queries, agencies
):
    listed = [
        scored(f"Agency {n:03}", rank=n, score=max(95 - n / 3, 1), specialties=["sales"])
        for n in range(1, agencies + 1)
    ]
    old = make_agency(name="Old Duplicate")
    old.merged_into = listed[2]
    old.save()
    slugs = [listed[0].slug, listed[-1].slug, old.slug, "unknown"]
    # The agencies with their scores and specialties, the ones merged agencies joined, the
    # search.
    with django_assert_num_queries(3):
        response = compare(client, *slugs, q="agency")
    assert response.status_code == 200
    assert len(cells_of(response.content.decode(), "Rank")) == 3
    # Without a merged agency among them, the agencies and the search.
    with django_assert_num_queries(2):
        response = compare(client, listed[0].slug, listed[-1].slug, "unknown", q="agency")
    assert len(cells_of(response.content.decode(), "Rank")) == 2


# The ways into a comparison


def test_the_ranking_has_a_checkbox_per_agency_for_a_separate_compare_form(client, three):
    acme, blue, newcomer = three
    page = client.get("/agencies/").content.decode()
    assert re.search(r'<form id="compare-form"[^>]*action="/compare/"', page)
    assert "Compare selected" in page
    for agency in (acme, blue, newcomer):  # ranked and unranked rows alike
        assert f'name="agencies" value="{agency.slug}" form="compare-form"' in page
    # The filters stay a form of their own: ticking agencies does not filter the ranking.
    filters = page.split('class="form ranking-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="agencies"' not in filters


def test_the_agency_page_links_to_a_comparison_that_starts_with_it(client, three):
    acme, _, _ = three
    page = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert f'href="/compare/?agencies={acme.slug}"' in page
    assert "Compare with other agencies" in page


def test_a_signed_in_visitor_sees_the_same_comparison(client, three):
    acme, blue, _ = three
    client.force_login(make_user())
    page = compare(client, acme.slug, blue.slug).content.decode()
    assert cells_of(page, "Rank") == ["1 Best", "2"]
