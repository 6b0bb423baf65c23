"""The Django admin hard-deletes no agency, engagement, event, review or agency reply.

They leave the site through the moderation services (rejected, removed, excluded, each with
its record) or, for agencies, by being merged or deactivated. Not even a superuser gets a
delete page, a bulk delete action or an inline delete box for them.
"""

import pytest
from django.urls import reverse

from agencies.models import Agency
from agencies.representing import agency_reply_post
from reviews.models import AgencyReply, Engagement, Event, Review
from reviews.moderation import review_approve
from tests.agencies.representative_helpers import make_representative
from tests.factories import make_agency, make_engagement, make_event, make_review, make_staff
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db

MODELS = [Agency, Engagement, Event, Review, AgencyReply]


@pytest.fixture
def admin_client(client):
    client.force_login(make_staff(is_superuser=True))
    return client


@pytest.fixture
def rows() -> dict:
    """One row of each model, linked as on the site: a published review with its reply."""
    moderator = make_moderator()
    agency = make_agency(name="Acme Talent", website="https://acme-talent.example")
    engagement = make_engagement(agency=agency)
    event = make_event(engagement=engagement, kind="applied")
    review = review_approve(review=make_review(engagement=engagement), actor=moderator)
    representative = make_representative(
        agency=agency, email="rep@acme-talent.example", moderator=moderator
    )
    reply, _created = agency_reply_post(
        review=review, author=representative, text="Thank you for the feedback."
    )
    return {
        Agency: agency,
        Engagement: engagement,
        Event: event,
        Review: review,
        AgencyReply: reply,
    }


def admin_url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_a_superuser_is_refused_the_delete_page_and_the_row_stays(admin_client, rows, model):
    row = rows[model]
    url = admin_url(model, "delete", row.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_the_list_offers_no_bulk_delete_and_refuses_one_posted_anyway(admin_client, rows, model):
    row = rows[model]
    changelist = admin_url(model, "changelist")
    page = admin_client.get(changelist).content.decode()
    assert "delete_selected" not in page
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_the_change_form_has_no_delete_link(admin_client, rows, model):
    row = rows[model]
    page = admin_client.get(admin_url(model, "change", row.pk)).content.decode()
    assert admin_url(model, "delete", row.pk) not in page


def test_an_engagements_events_cannot_be_deleted_from_its_change_form(admin_client, rows):
    engagement, event = rows[Engagement], rows[Event]
    response = admin_client.get(admin_url(Engagement, "change", engagement.pk))
    assert 'name="events-0-DELETE"' not in response.content.decode()
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "candidate": engagement.candidate_id,
        "agency": engagement.agency_id,
        "started_on": engagement.started_on.isoformat(),
        "source": engagement.source,
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": event.pk,
        "events-0-engagement": engagement.pk,
        "events-0-kind": "applied",
        "events-0-occurred_on": event.occurred_on.isoformat(),
        "events-0-note": "",
        "events-0-DELETE": "on",
    }
    response = admin_client.post(admin_url(Engagement, "change", engagement.pk), data)
    assert response.status_code == 302
    assert Event.objects.filter(pk=event.pk).exists()


def test_deleting_an_account_in_the_admin_erases_it_as_the_account_page_does(admin_client):
    from accounts.models import User
    from agencies.models import StaleAgency

    agency = make_agency(name="Beta Recruiting")
    engagement = make_engagement(agency=agency)
    candidate = engagement.candidate

    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[candidate.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=candidate.pk).exists()
    assert not Engagement.objects.filter(pk=engagement.pk).exists()
    # The agency's score is recomputed without the erased logbook.
    assert StaleAgency.objects.filter(agency=agency).exists()
