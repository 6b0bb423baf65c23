"""The web import: upload, preview, explicit confirmation; never a server error."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.models import Engagement, Event
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADER = "agency,agency_website,country,engagement,role,date,event,note,role_details_disclosed"
GOOD = f"""{HEADER}
Acme Talent,acme-talent.example,GB,acme-1,Data engineer,2025-03-03,applied,,
Acme Talent,,,acme-1,,2025-03-05,reply,<script>alert(1)</script>,
"""


@pytest.fixture
def candidate(client):
    user = make_user()
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "experiences.csv"):
    return client.post(
        "/experiences/import/", {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def digest_in(page: str) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    assert match, page
    return match.group(1)


def test_the_upload_page_explains_the_columns(client, candidate):
    page = client.get("/experiences/import/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "<code>role_details_disclosed</code>" in page


def test_a_preview_then_an_explicit_confirmation_saves_the_file(client, candidate, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(GOOD, encoding="utf-8")
    with path.open("rb") as handle:
        preview = client.post("/experiences/import/", {"file": handle})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check your import" in page
    assert "2 events to add" in page
    assert "1 new engagement" in page
    assert "1 agency new to AgencyRank" in page
    assert "<td>acme-talent.example</td>" in page
    assert Engagement.objects.count() == 0  # nothing until confirmed

    response = client.post("/experiences/import/confirm/", {"digest": digest_in(page)})
    assert response.status_code == 302
    assert response["Location"] == "/experiences/"
    assert Event.objects.filter(engagement__candidate=candidate).count() == 2
    follow = client.get("/experiences/").content.decode()
    assert "Import complete: 2 events added, 1 engagements and 1 agencies created." in follow

    # The same file again: a preview saying nothing is new, and no confirm button.
    again = upload(client, GOOD.encode()).content.decode()
    assert "Nothing new to import" in again
    assert 'name="digest"' not in again


def test_a_confirmation_for_another_preview_or_an_expired_one_saves_nothing(client, candidate):
    first = upload(client, GOOD.encode()).content.decode()
    other = GOOD.replace("acme-1", "acme-2")
    upload(client, other.encode())  # another tab, another file
    response = client.post(
        "/experiences/import/confirm/", {"digest": digest_in(first)}, follow=True
    )
    assert "That preview has expired" in response.content.decode()
    assert Engagement.objects.count() == 0
    response = client.post("/experiences/import/confirm/", {"digest": "0" * 64}, follow=True)
    assert "That preview has expired" in response.content.decode()


def test_confirming_checks_the_file_again(client, candidate):
    page = upload(client, GOOD.encode()).content.decode()
    # Meanwhile the same events were logged another way (another import in another tab).
    from reviews.importing import experiences_import

    experiences_import(data=GOOD.encode(), candidate=candidate)
    response = client.post("/experiences/import/confirm/", {"digest": digest_in(page)}, follow=True)
    assert "Nothing new: everything in that file is already in your logbook." in (
        response.content.decode()
    )
    assert Event.objects.count() == 2


def test_every_problem_is_listed_with_its_row_and_column(client, candidate):
    bad = f"{HEADER}\nAcme,,,a,,2025-02-30,applied,,\n,,,b,,2025-01-01,nope,,\n"
    page = upload(client, bad.encode()).content.decode()
    assert "This file cannot be imported yet" in page
    assert "row 2, column country: Acme is a new agency" in page
    assert "row 2, column date: This date does not exist." in page
    assert "row 3, column agency: Required." in page
    assert "row 3, column event: Unknown event" in page
    assert 'name="digest"' not in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"agency,engagement\n", "This required column is missing."),
        (b"\x00\x01\x02binary\xff", "This is not a text file."),
        (b"PK\x03\x04zip", "This is a spreadsheet"),
        (b"caf\xe9,x\n", "The file is not UTF-8 text"),
        (b"x" * (5 * 1024 * 1024 + 10), "The file is larger than 5.0"),
        (b'agency,engagement,date,event\n"unclosed,a,2025-01-01,applied\n', "could not be read"),
    ],
)
def test_bad_uploads_get_a_page_not_a_server_error(client, candidate, content, message):
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_empty_or_missing_file_is_a_form_error(client, candidate):
    response = upload(client, b"")
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    response = client.post("/experiences/import/", {})
    assert "This field is required." in response.content.decode()


def test_what_the_file_says_is_never_rendered_as_html(client, candidate):
    page = upload(client, GOOD.replace("Acme Talent", "<script>alert(1)</script>").encode())
    page = page.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_signed_in_verified_candidates_can_import(client):
    response = client.get("/experiences/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(make_user(verified=False))
    response = client.get("/experiences/import/")
    assert "Import your experiences" not in response.content.decode()
    assert "Check your import" not in upload(client, GOOD.encode()).content.decode()
    assert Engagement.objects.count() == 0
