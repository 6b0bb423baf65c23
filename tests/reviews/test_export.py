"""Exports: the CSV goes back in unchanged, the JSON holds everything about the person."""

import csv
import datetime
import io
import json
from collections import deque

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from reviews.event_kinds import Kind
from reviews.exporting import EXPORTED_MODELS
from reviews.importing import experiences_import
from reviews.models import (
    AgencyReply,
    Engagement,
    Event,
    ReviewStatus,
    ReviewStatusChange,
    SilenceNudge,
)
from reviews.services import review_publish
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db


def logbook(candidate):
    """A logbook as the site's own pages would leave it: no references, times, odd notes."""
    acme = make_agency(name="Acme Talent", website="https://acme.example", country="GB")
    merged_from = make_agency(name="Old Name Recruiting", country="ES")
    target = make_agency(name="New Name Recruiting", website="https://newname.example")
    merged_from.merged_into = target
    merged_from.save()
    first = make_engagement(
        candidate=candidate,
        agency=acme,
        started_on=datetime.date(2025, 5, 1),
        role_title="=HYPERLINK(evil)",
    )
    make_event(
        engagement=first,
        kind=Kind.APPLIED,
        occurred_on=datetime.date(2025, 5, 3),
        occurred_at=datetime.time(9, 30, 15),
        note='Line one\r\nLine two, with a comma and "quotes"',
    )
    make_event(
        engagement=first,
        kind=Kind.SALARY_ASKED,
        occurred_on=datetime.date(2025, 5, 4),
        role_details_disclosed=False,
        note="-5% of my salary?",
    )
    make_event(engagement=first, kind=Kind.MESSAGE, occurred_on=datetime.date(2025, 5, 4))
    make_event(engagement=first, kind=Kind.MESSAGE, occurred_on=datetime.date(2025, 5, 4))
    make_engagement(
        candidate=candidate, agency=merged_from, started_on=datetime.date(2025, 6, 1)
    )  # no event at all
    labelled = make_engagement(
        candidate=candidate,
        agency=target,
        reference="my own label",
        started_on=datetime.date(2025, 7, 1),
    )
    make_event(engagement=labelled, kind=Kind.CONTACTED, occurred_on=datetime.date(2025, 7, 1))
    return first


def test_the_csv_export_reimports_with_nothing_new(client, tmp_path):
    candidate = make_user()
    logbook(candidate)
    client.force_login(candidate)
    response = client.get("/experiences/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    before = (Engagement.objects.count(), Event.objects.count())
    plan = experiences_import(data=path.read_bytes(), candidate=candidate)
    assert plan.problems == []
    assert not plan.has_changes
    assert len(plan.skipped_rows) == plan.rows
    assert (Engagement.objects.count(), Event.objects.count()) == before


def test_the_csv_export_recreates_the_logbook_in_a_new_account(client, tmp_path):
    candidate = make_user()
    first = logbook(candidate)
    client.force_login(candidate)
    content = client.get("/experiences/export.csv").content
    text = content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["engagement"] == f"agencyrank-{first.pk}"
    assert rows[0]["role"] == "'=HYPERLINK(evil)"  # shown as text by spreadsheets
    assert rows[0]["event"] == "started"
    assert rows[1]["time"] == "09:30:15"
    assert [row["role_details_disclosed"] for row in rows[1:3]] == ["", "false"]

    newcomer = make_user()
    plan = experiences_import(data=content, candidate=newcomer)
    assert plan.problems == []
    assert plan.agencies_to_create == []
    copies = {e.reference: e for e in newcomer.engagements.all()}
    copy = copies[f"agencyrank-{first.pk}"]
    assert (copy.started_on, copy.role_title, copy.agency_id) == (
        first.started_on,
        first.role_title,
        first.agency_id,
    )
    originals = [
        (
            e.kind,
            e.occurred_on,
            e.occurred_at,
            e.note.replace("\r\n", "\n"),
            e.role_details_disclosed,
        )
        for e in first.events.all()
    ]
    assert [
        (e.kind, e.occurred_on, e.occurred_at, e.note, e.role_details_disclosed)
        for e in copy.events.all()
    ] == originals
    # The engagement with a merged agency lands on the agency it was merged into.
    assert {e.agency.name for e in copies.values()} == {"Acme Talent", "New Name Recruiting"}
    assert Event.objects.filter(engagement__candidate=newcomer).count() == 5


def test_exporting_changes_nothing_in_the_database(client, django_assert_max_num_queries):
    candidate = make_user()
    logbook(candidate)
    client.force_login(candidate)
    updated = list(Engagement.objects.order_by("pk").values_list("updated_at", "reference"))
    with django_assert_max_num_queries(8):
        client.get("/experiences/export.csv")
    client.get("/experiences/export.json")
    assert list(Engagement.objects.order_by("pk").values_list("updated_at", "reference")) == updated


def models_holding_a_persons_data() -> set[str]:
    """Every model reached from the user model by foreign keys and one-to-one fields pointing
    at it, directly or through a model already reached (e-mail address, engagement, review)."""
    user_model = get_user_model()
    reached = {user_model}
    queue = deque([user_model])
    while queue:
        owner = queue.popleft()
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.ForeignKey | models.OneToOneField)
                    and field.concrete
                    and field.related_model is owner
                    and model not in reached
                ):
                    reached.add(model)
                    queue.append(model)
    return {model._meta.label for model in reached}


def test_the_json_export_covers_every_model_that_points_to_the_user():
    found = models_holding_a_persons_data()
    assert {"reviews.Event", "reviews.SilenceNudge", "reviews.ReviewStatusChange"} <= found
    missing = found - EXPORTED_MODELS
    assert missing == set(), f"add these models to the JSON export: {sorted(missing)}"
    assert EXPORTED_MODELS - found == set()


def test_the_json_export_holds_each_kind_of_data(client):
    candidate = make_user(email="candidate@example.com", first_name="Ana")
    first = logbook(candidate)
    EmailAddress.objects.create(user=candidate, email="second@example.com", verified=False)
    EmailConfirmation.create(EmailAddress.objects.get(email="second@example.com"))
    review = make_review(engagement=first, rating=2, text="Asked my salary first.")
    moderator = make_user(is_staff=True)
    review_publish(review=review, actor=moderator, note="internal: looks fine")
    representative = make_user()
    AgencyReply.objects.create(review=review, author=representative, text="We have changed.")
    SilenceNudge.objects.create(engagement=first, awaiting_since=datetime.date(2025, 5, 4))
    other_review = make_review(engagement=make_engagement(agency=first.agency))
    AgencyReply.objects.create(review=other_review, author=candidate, text="Thank you.")
    ReviewStatusChange.objects.create(
        review=other_review,
        from_status=ReviewStatus.PENDING,
        to_status=ReviewStatus.REJECTED,
        reason="off_topic",
        actor=candidate,
    )
    LogEntry.objects.log_actions(
        user_id=candidate.pk,
        queryset=[first.agency],
        action_flag=CHANGE,
        change_message="Changed city.",
    )
    assert ContentType.objects.exists()

    client.force_login(candidate)
    response = client.get("/experiences/export.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "candidate@example.com"
    assert data["account"]["first_name"] == "Ana"
    assert [a["email"] for a in data["email_addresses"]] == [
        "candidate@example.com",
        "second@example.com",
    ]
    assert len(data["email_addresses"][1]["confirmations"]) == 1
    assert "key" not in data["email_addresses"][1]["confirmations"][0]
    engagement = data["engagements"][0]
    assert engagement["agency"]["name"] == "Acme Talent"
    assert engagement["events"][0]["note"] == 'Line one\r\nLine two, with a comma and "quotes"'
    assert engagement["events"][0]["actor"] == "candidate"
    assert engagement["review"]["text"] == "Asked my salary first."
    assert engagement["review"]["status"] == "published"
    [change] = engagement["review"]["history"]
    assert change["to_status"] == "published"
    assert "note" not in change and "actor" not in change  # the moderator's, not the author's
    assert engagement["review"]["agency_reply"]["text"] == "We have changed."
    assert engagement["silence_nudges"][0]["awaiting_since"] == "2025-05-04"
    assert [r["text"] for r in data["agency_replies_written"]] == ["Thank you."]
    assert data["moderation_decisions"][0]["to_status"] == "rejected"
    assert data["admin_actions"][0]["change_message"] == "Changed city."
    assert len(data["engagements"]) == 3
    assert moderator.email not in response.content.decode()
    assert representative.email not in response.content.decode()
    assert timezone.now().date().isoformat() in data["exported_at"]


def test_exports_need_a_signed_in_account(client):
    for url in ("/experiences/export.csv", "/experiences/export.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_json_export_names_the_second_factor_but_never_its_secret(client):
    from tests.accounts.two_factor import activate_totp

    candidate = make_user()
    secret = activate_totp(candidate)
    client.force_login(candidate)

    response = client.get("/experiences/export.json")

    data = json.loads(response.content)
    assert [method["type"] for method in data["two_factor_methods"]] == ["totp"]
    assert secret not in response.content.decode()
