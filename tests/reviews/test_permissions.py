"""Only its owner can read or change an engagement, its events or its review draft.

Everyone else signed in gets 404, the answer for an engagement that does not exist, so
existence never leaks; a visitor is sent to sign in before anything is looked up. Every URL
and method of the logbook is tried, and the database is compared before and after.
"""

import datetime
import re

import pytest
from django.utils import timezone

from reviews.event_kinds import Kind
from reviews.models import Engagement, Event, Review, ReviewStatusChange
from tests.factories import make_agency, make_engagement, make_event, make_review, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SECRET_ROLE = "Secret role title 7f3a"
SECRET_NOTE = "Private note 9c1e"
SECRET_REVIEW = "Draft review text that nobody else may read, 42b7."


@pytest.fixture
def owned():
    """A candidate's waiting engagement with two events and a pending review draft."""
    agency = make_agency(name="Acme Talent", website="https://acme-talent.com")
    engagement = make_engagement(
        candidate=make_user(email="owner@example.com"),
        agency=agency,
        started_on=TODAY - datetime.timedelta(days=40),
        role_title=SECRET_ROLE,
    )
    applied = make_event(
        engagement=engagement,
        kind=Kind.APPLIED,
        occurred_on=TODAY - datetime.timedelta(days=40),
        note=SECRET_NOTE,
    )
    make_event(
        engagement=engagement, kind=Kind.MESSAGE, occurred_on=TODAY - datetime.timedelta(days=20)
    )
    make_review(engagement=engagement, text=SECRET_REVIEW)
    return engagement, applied


def requests_for(engagement_pk: int, event_pk: int) -> list[tuple[str, str, dict]]:
    """Every URL and method of one engagement's logbook pages, with data that would work."""
    base = f"/experiences/{engagement_pk}"
    day = (TODAY - datetime.timedelta(days=1)).isoformat()
    event = {"kind": "reply", "occurred_on": day, "note": "changed"}
    edit = {f"edit-{name}": value for name, value in event.items()}
    review = {
        "rating_communication": "1",
        "rating_honesty": "1",
        "rating_feedback": "1",
        "rating_respect": "1",
        "text": "Overwritten by someone else entirely.",
    }
    return [
        ("get", f"{base}/", {}),
        ("get", f"{base}/?edit={event_pk}", {}),
        ("get", f"{base}/?delete={event_pk}", {}),
        ("post", f"{base}/events/", event),
        ("get", f"{base}/events/{event_pk}/", {}),
        ("post", f"{base}/events/{event_pk}/", edit),
        ("get", f"{base}/events/{event_pk}/delete/", {}),
        ("post", f"{base}/events/{event_pk}/delete/", {}),
        ("get", f"{base}/review/", {}),
        ("post", f"{base}/review/", review),
        ("post", f"{base}/replied/", {}),
        ("post", f"{base}/silence/", {}),
    ]


def snapshot() -> dict:
    """Everything a logbook request could change."""
    return {
        "engagements": list(Engagement.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values()),
        "reviews": list(Review.objects.order_by("pk").values()),
        "history": list(ReviewStatusChange.objects.order_by("pk").values()),
    }


def another_candidate():
    """A verified candidate with an engagement of their own."""
    user = make_user(email="other@example.com")
    make_engagement(candidate=user, agency=make_agency(name="Other Agency"))
    return user


def agency_representative():
    """A verified user whose e-mail is on the agency's own website domain."""
    return make_user(email="recruiter@acme-talent.com")


def staff_member():
    return make_user(email="staff@example.com", is_staff=True, is_superuser=True)


OTHERS = {
    "another candidate": another_candidate,
    "the agency's representative": agency_representative,
    "a staff member": staff_member,
}


def without_csrf_tokens(response) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def leaks(response) -> bool:
    page = response.content.decode()
    return any(secret in page for secret in (SECRET_ROLE, SECRET_NOTE, SECRET_REVIEW))


@pytest.mark.parametrize("who", list(OTHERS))
def test_other_users_get_404_on_every_logbook_url_and_change_nothing(client, owned, who):
    engagement, event = owned
    client.force_login(OTHERS[who]())
    before = snapshot()
    for method, url, data in requests_for(engagement.pk, event.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert not leaks(response), (method, url)
    assert snapshot() == before


def test_an_unknown_engagement_and_someone_elses_look_exactly_the_same(client, owned):
    engagement, _ = owned
    client.force_login(another_candidate())
    missing = Engagement.objects.order_by("-pk").first().pk + 1000
    theirs = client.get(f"/experiences/{engagement.pk}/")
    nothing = client.get(f"/experiences/{missing}/")
    assert theirs.status_code == nothing.status_code == 404
    # Alike but for the address itself (which the language switcher repeats).
    assert without_csrf_tokens(theirs).replace(f"/{engagement.pk}/", "/N/") == (
        without_csrf_tokens(nothing).replace(f"/{missing}/", "/N/")
    )


def test_someone_elses_event_cannot_be_reached_through_ones_own_engagement(client, owned):
    _, event = owned
    intruder = make_user(email="intruder@example.com")
    own = make_engagement(candidate=intruder, started_on=TODAY - datetime.timedelta(days=90))
    client.force_login(intruder)
    before = snapshot()
    for method, url, data in requests_for(own.pk, event.pk):
        if f"events/{event.pk}/" not in url:
            continue
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    # ?edit= and ?delete= with someone else's event show one's own timeline, without it.
    for parameter in ("edit", "delete"):
        response = client.get(f"/experiences/{own.pk}/", {parameter: event.pk})
        assert response.status_code == 200
        assert not leaks(response)
        assert f'id="event-{event.pk}"' not in response.content.decode()
    assert snapshot() == before


def test_a_visitor_is_sent_to_sign_in_without_learning_anything(client, owned):
    engagement, event = owned
    missing = Engagement.objects.order_by("-pk").first().pk + 1000
    before = snapshot()
    for method, url, data in requests_for(engagement.pk, event.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/?next=")
        assert not leaks(response)
        # The same answer as for an engagement that does not exist.
        other = getattr(client, method)(url.replace(str(engagement.pk), str(missing), 1), data)
        assert other.status_code == 302
        assert other["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    ["/experiences/", "/experiences/new/", "/experiences/agencies/new/", "/experiences/new/acme/"],
)
def test_a_visitor_is_sent_to_sign_in_for_the_other_logbook_pages(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unverified_account_cannot_use_even_its_own_engagement(client, owned):
    engagement, event = owned
    owner = engagement.candidate
    owner.emailaddress_set.update(verified=False)
    client.force_login(owner)
    before = snapshot()
    for method, url, data in requests_for(engagement.pk, event.pk):
        response = getattr(client, method)(url, data)
        assert "Verify Your Email Address" in response.content.decode(), (method, url)
        assert not leaks(response)
    assert snapshot() == before


def test_the_owner_reaches_every_url(client, owned):
    """The other tests are meaningful only if these requests do work for the owner."""
    engagement, event = owned
    client.force_login(engagement.candidate)
    for method, url, data in requests_for(engagement.pk, event.pk):
        response = getattr(client, method)(url, data)
        assert response.status_code in {200, 302}, (method, url, response.status_code)
