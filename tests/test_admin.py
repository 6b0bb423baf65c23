"""Staff can use the admin for every model without an error page."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency
from reviews.models import ReviewStatus
from tests.factories import make_agency, make_engagement, make_event, make_review, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff(is_superuser=True))
    return client


def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_every_admin_list_and_form_opens(staff_client, model):
    review = make_review()
    make_event(engagement=review.engagement, kind="applied")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "acme"}).status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert staff_client.get(change).status_code == 200


def test_staff_publish_reviews_from_the_admin_with_a_history_entry(staff_client):
    review = make_review()
    response = staff_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "publish", "_selected_action": [review.pk]},
        follow=True,
    )
    assert "1 review published." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert review.history.get().to_status == ReviewStatus.PUBLISHED


def test_an_event_added_in_the_admin_takes_its_engagements_agency(staff_client):
    engagement = make_engagement()
    response = staff_client.post(
        reverse("admin:reviews_event_add"),
        {
            "engagement": engagement.pk,
            "kind": "applied",
            "occurred_on": engagement.started_on.isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 302
    assert engagement.events.get().agency_id == engagement.agency_id


def test_an_agency_added_in_the_admin_gets_its_matching_keys(staff_client):
    response = staff_client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Acme Talent Ltd",
            "slug": "acme-talent",
            "website": "https://www.acme.example",
            "country": "GB",
            "city": "Leeds",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(slug="acme-talent")
    assert (agency.domain, agency.name_key) == ("acme.example", "acme talent")


def test_merging_an_agency_into_itself_is_a_form_error_not_a_crash(staff_client):
    agency = make_agency(name="Acme Talent")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    data = {
        "name": agency.name,
        "slug": agency.slug,
        "country": "GB",
        "is_active": "on",
        "merged_into": agency.pk,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be merged into itself" in response.content.decode()


def test_merging_into_an_agency_that_was_merged_names_the_real_target(staff_client):
    final = make_agency(name="Final")
    middle = make_agency(name="Mid")
    Agency.objects.filter(pk=middle.pk).update(merged_into=final)
    agency = make_agency(name="Duplicate")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    data = {
        "name": agency.name,
        "slug": agency.slug,
        "country": "GB",
        "is_active": "on",
        "merged_into": middle.pk,
    }
    response = staff_client.post(url, data)
    assert "choose that one" in response.content.decode()
    assert "Final" in response.content.decode()


def test_moving_an_engagement_in_the_admin_moves_its_events(staff_client):
    engagement = make_engagement()
    make_event(engagement=engagement, kind="applied")
    target = make_agency(name="Target")
    url = reverse("admin:reviews_engagement_change", args=[engagement.pk])
    response = staff_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "candidate": engagement.candidate_id,
        "agency": target.pk,
        "started_on": engagement.started_on.isoformat(),
        "source": engagement.source,
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    event = engagement.events.get()
    data |= {
        "events-0-id": event.pk,
        "events-0-engagement": engagement.pk,
        "events-0-kind": "applied",
        "events-0-occurred_on": event.occurred_on.isoformat(),
        "events-0-note": "",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.agency_id == target.pk
