"""Imported engagements are screened like logged ones: signals, holds, bursts and freezes."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Agency
from reviews.importing import experiences_import
from reviews.models import Engagement, ModerationAction, ModerationActionKind
from reviews.services import engagement_create
from tests.factories import make_agency, make_new_user
from tests.reviews.moderation_helpers import make_old_user

pytestmark = pytest.mark.django_db

HEADER = "agency,agency_website,country,engagement,role,date,event,note,role_details_disclosed"
TODAY = timezone.localdate()


def days_ago(days: int) -> str:
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def ghosted(reference: str, agency: str = "Acme Talent", website: str = "acme.example") -> str:
    """Two rows: applied 45 days ago, then nothing but silence."""
    return (
        f"{agency},{website},GB,{reference},Data engineer,{days_ago(45)},applied,,\n"
        f"{agency},,,{reference},,{days_ago(5)},silence,,\n"
    )


def import_through_the_web_page(client, candidate, text: str) -> None:
    """Upload a file, then confirm the preview, as a candidate does."""
    client.force_login(candidate)
    preview = client.post(
        "/experiences/import/",
        {"file": SimpleUploadedFile("mine.csv", text.encode(), "text/csv")},
    ).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview)
    assert digest, preview
    response = client.post("/experiences/import/confirm/", {"digest": digest.group(1)})
    assert response.status_code == 302


def held_at(agency: Agency) -> set[int]:
    return set(
        Engagement.objects.filter(agency=agency, held_for_review=True).values_list("pk", flat=True)
    )


def test_a_burst_of_new_accounts_importing_ghosted_engagements_freezes_the_agency(client):
    acme = make_agency(name="Acme Talent", website="https://acme.example")
    for _ in range(9):
        import_through_the_web_page(client, make_new_user(), f"{HEADER}\n{ghosted('acme-1')}")
    acme.refresh_from_db()
    assert acme.score_frozen_at is None
    assert held_at(acme) == set()

    import_through_the_web_page(client, make_new_user(), f"{HEADER}\n{ghosted('acme-1')}")

    acme.refresh_from_db()
    assert acme.score_frozen_at is not None
    imported = Engagement.objects.filter(agency=acme)
    assert imported.count() == 10
    assert held_at(acme) == set(imported.values_list("pk", flat=True))
    assert all(e.risk_signals == ["new_account", "burst"] for e in imported)
    assert all(e.risk_level == "high" for e in imported)
    log = ModerationAction.objects.filter(agency=acme)
    assert log.filter(action=ModerationActionKind.ENGAGEMENT_HELD).count() == 10
    assert log.filter(action=ModerationActionKind.SCORE_FROZEN).count() == 1
    page = client.get(f"/agencies/{acme.slug}/").content.decode()
    assert "Unusual activity is being reviewed; the score is frozen since" in page


def test_a_burst_begun_in_the_logbook_and_completed_by_an_import_holds_them_all():
    acme = make_agency(name="Acme Talent", website="https://acme.example")
    logged = [
        engagement_create(
            candidate=make_new_user(), agency=acme, source="linkedin", started_on=TODAY
        ).pk
        for _ in range(6)
    ]
    for number in range(4):
        plan = experiences_import(
            data=f"{HEADER}\n{ghosted(f'acme-{number}')}".encode(), candidate=make_new_user()
        )
        assert plan.saved

    acme.refresh_from_db()
    assert acme.score_frozen_at is not None
    assert held_at(acme) == set(Engagement.objects.filter(agency=acme).values_list("pk", flat=True))
    assert set(logged) < held_at(acme)


def test_one_new_person_importing_many_engagements_with_one_agency_is_no_burst():
    # An account counts for at most SCORING_ACCOUNT_CAP engagements, as in a score.
    acme = make_agency(name="Acme Talent", website="https://acme.example")
    rows = "".join(ghosted(f"acme-{number}") for number in range(12))
    plan = experiences_import(data=f"{HEADER}\n{rows}".encode(), candidate=make_new_user())
    assert plan.saved
    acme.refresh_from_db()
    assert acme.score_frozen_at is None
    imported = Engagement.objects.filter(agency=acme)
    assert imported.count() == 12
    assert all(e.risk_signals == ["new_account"] and not e.held_for_review for e in imported)


def test_an_established_account_imports_without_any_signal():
    plan = experiences_import(
        data=f"{HEADER}\n{ghosted('acme-1')}".encode(), candidate=make_old_user()
    )
    assert plan.saved
    engagement = Engagement.objects.get()
    assert (engagement.risk_signals, engagement.risk_level) == ([], "none")
    assert not engagement.held_for_review
    assert not ModerationAction.objects.exists()


def test_an_import_by_someone_at_the_agency_holds_only_that_agencys_engagement():
    recruiter = make_old_user(email="jane@acme.example")
    rows = ghosted("acme-1") + ghosted("fox-1", agency="Blue Fox", website="bluefox.example")
    plan = experiences_import(data=f"{HEADER}\n{rows}".encode(), candidate=recruiter)
    assert plan.saved
    acme = Engagement.objects.get(reference="acme-1")
    fox = Engagement.objects.get(reference="fox-1")
    assert (acme.risk_signals, acme.held_for_review) == (["agency_domain"], True)
    assert (fox.risk_signals, fox.held_for_review) == ([], False)
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.engagement_id, entry.actor) == (
        ModerationActionKind.ENGAGEMENT_HELD,
        acme.pk,
        None,
    )
    assert Agency.objects.get(pk=acme.agency_id).score_frozen_at is None


def test_an_import_with_a_problem_saves_no_signal_and_no_hold():
    recruiter = make_old_user(email="jane@acme.example")
    rows = ghosted("acme-1") + "Acme Talent,,,acme-2,,2025-13-01,applied,,\n"
    plan = experiences_import(data=f"{HEADER}\n{rows}".encode(), candidate=recruiter)
    assert not plan.saved
    assert not Engagement.objects.exists()
    assert not ModerationAction.objects.exists()


def test_accounts_a_staff_import_creates_are_screened_too(tmp_path):
    # Staff vouch for these people's addresses, not for every row of the file: ten new
    # people logging one agency at once is a burst whoever brings them in.
    acme = make_agency(name="Acme Talent", website="https://acme.example")
    rows = "".join(
        f"person{number}@example.com,Acme Talent,,,acme-1,{days_ago(45)},applied,\n"
        f"person{number}@example.com,Acme Talent,,,acme-1,{days_ago(5)},silence,\n"
        for number in range(10)
    )
    path = tmp_path / "staff.csv"
    path.write_text(f"candidate,agency,agency_website,country,engagement,date,event,note\n{rows}")
    call_command("import_experiences", str(path), "--create-users", stdout=io.StringIO())

    acme.refresh_from_db()
    assert acme.score_frozen_at is not None
    imported = Engagement.objects.filter(agency=acme)
    assert imported.count() == 10
    assert held_at(acme) == set(imported.values_list("pk", flat=True))
