"""A hiring manager's private lists: professional agencies and ones to avoid, with notes that
nobody else ever sees."""

import csv
import datetime
import io
import json

import pytest
from django.template.defaultfilters import date as date_format
from django.test import Client
from django.utils import timezone

from accounts.services import account_delete
from agencies.models import AgencyMark, AgencyScore
from agencies.services import agency_mark_set
from tests.factories import make_agency, make_score, make_user

pytestmark = pytest.mark.django_db


def scored(name: str, score: float | None, **fields):
    agency = make_agency(name=name)
    make_score(agency=agency, score=score, rank=fields.pop("rank", 1), engagements=12, **fields)
    return agency


@pytest.fixture
def manager(client):
    user = make_user(email="manager@example.com")
    client.force_login(user)
    return user


@pytest.fixture
def acme(db):
    return scored("Acme Talent", 72.4)


def mark_url(agency) -> str:
    return f"/agencies/{agency.slug}/mark/"


def rescore(agency, score: float | None) -> None:
    low, high = (None, None) if score is None else (max(score - 5, 0), min(score + 5, 100))
    AgencyScore.objects.filter(agency=agency).update(score=score, score_low=low, score_high=high)


# The panel on the agency page


def test_a_visitor_is_invited_to_sign_in_and_gets_no_form_token(client, acme):
    page = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert "Sign in to keep a private list of agencies" in page
    assert f'href="/accounts/login/?next=/agencies/{acme.slug}/"' in page
    assert "csrfmiddlewaretoken" not in page
    assert "My agencies" not in page


def test_a_signed_in_person_marks_an_agency_and_is_sent_back_with_a_message(client, manager, acme):
    page = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert f'action="/agencies/{acme.slug}/mark/"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'href="/my-agencies/"' in page  # the navigation link

    response = client.post(mark_url(acme), {"verdict": "professional", "note": "  Fast replies. "})
    assert response.status_code == 302
    assert response["Location"] == f"/agencies/{acme.slug}/#your-list"
    page = client.get(response["Location"]).content.decode()
    assert "Acme Talent is on your list of professional agencies." in page
    assert "You marked this agency professional on" in page
    assert "Fast replies." in page
    mark = AgencyMark.objects.get(user=manager, agency=acme)
    assert (mark.verdict, mark.note, mark.score_when_marked) == (
        "professional",
        "Fast replies.",
        72.4,
    )


def test_the_score_is_copied_again_only_when_the_verdict_changes(client, manager, acme):
    client.post(mark_url(acme), {"verdict": "professional"})
    first = AgencyMark.objects.get()
    rescore(acme, 60)
    client.post(mark_url(acme), {"verdict": "professional", "note": "Still good."})
    mark = AgencyMark.objects.get()
    assert (mark.score_when_marked, mark.marked_at, mark.note) == (
        72.4,
        first.marked_at,
        "Still good.",
    )
    client.post(mark_url(acme), {"verdict": "avoid", "note": "Went quiet."})
    mark = AgencyMark.objects.get()
    assert (mark.verdict, mark.score_when_marked) == ("avoid", 60)
    assert mark.marked_at > first.marked_at


def test_removing_a_mark_takes_the_agency_off_the_lists(client, manager, acme):
    client.post(mark_url(acme), {"verdict": "avoid"})
    response = client.post(mark_url(acme), {"action": "remove"}, follow=True)
    assert "Acme Talent is off your lists." in response.content.decode()
    assert not AgencyMark.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"verdict": "excellent"},
        {"verdict": ""},
        {},
        {"verdict": ["professional", "avoid", "x"]},
        {"verdict": "avoid", "note": "x" * 2001},
        {"verdict": "avoid", "note": "nul \x00 byte"},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, manager, acme, data):
    response = client.post(mark_url(acme), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not AgencyMark.objects.exists()


def test_a_note_of_the_longest_allowed_length_is_kept(client, manager, acme):
    client.post(mark_url(acme), {"verdict": "avoid", "note": "n" * 2000})
    assert len(AgencyMark.objects.get().note) == 2000


def test_a_mark_cannot_be_set_from_another_site(acme):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user())
    assert browser.post(mark_url(acme), {"verdict": "avoid"}).status_code == 403
    assert not AgencyMark.objects.exists()


def test_marking_needs_an_account(client, acme):
    response = client.post(mark_url(acme), {"verdict": "avoid"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not AgencyMark.objects.exists()


def test_an_unknown_or_hidden_agency_cannot_be_marked(client, manager):
    assert client.post("/agencies/nobody/mark/", {"verdict": "avoid"}).status_code == 404
    hidden = make_agency(name="Hidden")
    hidden.is_active = False
    hidden.save()
    assert client.post(mark_url(hidden), {"verdict": "avoid"}).status_code == 404
    assert client.get("/agencies/nobody/mark/").status_code == 404
    assert client.put(mark_url(make_agency())).status_code == 405


def test_a_mark_on_a_merged_duplicate_follows_it_to_the_agency_it_joined(client, manager, acme):
    old = make_agency(name="Acme Old Name")
    agency_mark_set(user=manager, agency=old, verdict="avoid", note="Old note.")
    old.merged_into = acme
    old.save()
    page = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert "You marked this agency to avoid" in page and "Old note." in page
    listing = client.get("/my-agencies/").content.decode()
    assert f'href="/agencies/{acme.slug}/"' in listing and "Acme Old Name" not in listing
    # Marking through the old address changes the one mark, now on the agency itself.
    client.post(mark_url(old), {"verdict": "professional", "note": "Better now."})
    mark = AgencyMark.objects.get()
    assert (mark.agency, mark.verdict, mark.note) == (acme, "professional", "Better now.")


def test_too_many_changes_in_an_hour_get_the_friendly_429_page(client, manager, acme, settings):
    settings.RATE_LIMITS_PER_HOUR = {**settings.RATE_LIMITS_PER_HOUR, "agency_mark": 2}
    for verdict in ("avoid", "professional"):
        assert client.post(mark_url(acme), {"verdict": verdict}).status_code == 302
    assert client.post(mark_url(acme), {"verdict": "avoid"}).status_code == 429
    assert AgencyMark.objects.get().verdict == "professional"


# Strictly private


def test_nobody_else_sees_or_changes_someone_s_marks(client, acme):
    owner = make_user()
    agency_mark_set(user=owner, agency=acme, verdict="avoid", note="Secret: they lied to me.")
    other = make_user()
    client.force_login(other)
    detail = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert "Secret" not in detail and "You marked" not in detail
    assert "Secret" not in client.get("/my-agencies/").content.decode()
    assert "Secret" not in client.get("/my-agencies/export.csv").content.decode()
    assert "Secret" not in client.get(mark_url(acme)).content.decode()
    # Removing or marking touches only one's own list.
    client.post(mark_url(acme), {"action": "remove"})
    client.post(mark_url(acme), {"verdict": "professional", "note": "Mine."})
    theirs = AgencyMark.objects.get(user=owner)
    assert (theirs.verdict, theirs.note) == ("avoid", "Secret: they lied to me.")
    assert AgencyMark.objects.get(user=other).note == "Mine."
    client.logout()
    assert "Secret" not in client.get(f"/agencies/{acme.slug}/").content.decode()


def test_the_list_pages_need_an_account(client):
    for url in ("/my-agencies/", "/my-agencies/export.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# "My agencies"


def a_list(manager):
    up = scored("Going Up", 60.4)
    down = scored("Going Down", 80)
    thin = scored("Thin Data", None, rank=None)
    agency_mark_set(user=manager, agency=up, verdict="professional", note="=HYPERLINK(evil)")
    agency_mark_set(user=manager, agency=down, verdict="avoid", note="Ghosted twice.\nNever again.")
    agency_mark_set(user=manager, agency=thin, verdict="avoid")
    rescore(up, 64.2)
    rescore(down, 73)
    return up, down, thin


def row_of(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


def test_my_agencies_shows_each_verdict_note_and_how_the_score_moved(client, manager):
    up, _down, _thin = a_list(manager)
    response = client.get("/my-agencies/")
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f'href="/agencies/{up.slug}/"' in page
    up_row = row_of(page, "Going Up")
    assert "Professional" in up_row and "<td>60</td>" in up_row and "<td>64</td>" in up_row
    assert "<td>+4</td>" in up_row
    down_row = row_of(page, "Going Down")
    assert "Avoid" in down_row and "Ghosted twice.<br>Never again." in down_row
    assert "<td>\N{MINUS SIGN}7</td>" in down_row
    assert "<td>—</td>" in row_of(page, "Thin Data")
    assert date_format(timezone.localdate(), "DATE_FORMAT") in page
    # Latest verdict first.
    assert page.index("Thin Data") < page.index("Going Down") < page.index("Going Up")


def test_my_agencies_filters_by_verdict_and_ignores_a_bad_filter(client, manager):
    a_list(manager)
    page = client.get("/my-agencies/", {"verdict": "avoid"}).content.decode()
    assert "Going Down" in page and "Going Up" not in page
    assert 'href="/my-agencies/export.csv?verdict=avoid"' in page
    response = client.get("/my-agencies/", {"verdict": "<b>junk</b>"})
    assert response.status_code == 200
    assert "Going Up" in response.content.decode() and "Going Down" in response.content.decode()


def test_an_empty_list_says_how_to_start_one(client, manager):
    page = client.get("/my-agencies/").content.decode()
    assert "Your lists are empty" in page
    assert "export.csv" not in page


@pytest.mark.parametrize("marks", [5, 200])
def test_my_agencies_runs_the_same_queries_whatever_the_number_of_marks(
    client, manager, django_assert_num_queries, marks
):
    for n in range(marks):
        agency = scored(f"Agency {n:03}", 50 + n % 40)
        agency_mark_set(user=manager, agency=agency, verdict="avoid" if n % 2 else "professional")
    old = make_agency(name="Merged Away")
    agency_mark_set(user=manager, agency=old, verdict="avoid")
    old.merged_into = agency
    old.save()
    # The session, the account, the marks with their agencies and scores.
    with django_assert_num_queries(3):
        response = client.get("/my-agencies/")
    assert response.content.decode().count("<tr>") == marks + 2
    with django_assert_num_queries(3):
        client.get("/my-agencies/export.csv")


# The CSV


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_the_list_with_formulas_neutralised(client, manager):
    up, _down, _thin = a_list(manager)
    response = client.get("/my-agencies/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="agencyrank-my-agencies-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert list(rows[0]) == [
        "agency",
        "url",
        "verdict",
        "note",
        "marked_on",
        "score_when_marked",
        "score_now",
        "change",
    ]
    by_name = {row["agency"]: row for row in rows}
    assert by_name["Going Up"] == {
        "agency": "Going Up",
        "url": f"http://testserver/agencies/{up.slug}/",
        "verdict": "professional",
        "note": "'=HYPERLINK(evil)",  # shown as text by spreadsheets
        "marked_on": today,
        "score_when_marked": "60",
        "score_now": "64",
        "change": "4",
    }
    assert by_name["Going Down"]["change"] == "-7"
    assert by_name["Going Down"]["note"] == "Ghosted twice.\nNever again."
    assert (by_name["Thin Data"]["score_now"], by_name["Thin Data"]["change"]) == ("", "")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_every_text_cell_that_a_spreadsheet_would_run_is_prefixed(client, manager, start):
    agency = make_agency(name=f"{start}cmd|' /C calc'!A0")
    agency_mark_set(user=manager, agency=agency, verdict="avoid", note=f"x\n{start}1+2")
    # A note is trimmed when saved, so this one starts with the character only as written here.
    AgencyMark.objects.update(note=f"{start}1+2")
    [row] = read_csv(client.get("/my-agencies/export.csv"))
    assert row["note"] == f"'{start}1+2"
    assert row["agency"].startswith("'") == (agency.name[0] == start)


def test_the_csv_follows_the_verdict_filter(client, manager):
    a_list(manager)
    rows = read_csv(client.get("/my-agencies/export.csv", {"verdict": "professional"}))
    assert [row["agency"] for row in rows] == ["Going Up"]


# The account's own data


def test_the_account_export_holds_the_marks_and_deletion_erases_them(client, manager, acme):
    agency_mark_set(user=manager, agency=acme, verdict="avoid", note="Asked my salary first.")
    someone_else = make_user()
    agency_mark_set(user=someone_else, agency=acme, verdict="professional")
    data = json.loads(client.get("/experiences/export.json").content)
    [mark] = data["agency_lists"]
    assert mark["agency"] == {"name": "Acme Talent", "slug": acme.slug}
    assert (mark["verdict"], mark["note"], mark["score_when_marked"]) == (
        "avoid",
        "Asked my salary first.",
        72.4,
    )
    assert datetime.date.fromisoformat(mark["marked_at"][:10]) == timezone.localdate()

    page = client.get("/accounts/delete/").content.decode()
    assert "Your private lists of agencies" in page
    account_delete(user=manager)
    assert list(AgencyMark.objects.values_list("user_id", flat=True)) == [someone_else.pk]
