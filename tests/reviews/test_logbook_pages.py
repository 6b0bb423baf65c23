"""A candidate logs an experience through the pages: agency, engagement, events, review."""

import datetime
import re

import pytest
from django.utils import timezone

from agencies.models import Agency
from reviews.event_kinds import Kind
from reviews.models import Engagement, Event, Review, ReviewStatus, ReviewStatusChange
from reviews.services import review_publish
from tests.factories import (
    days_ago,
    make_agency,
    make_engagement,
    make_event,
    make_review,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def candidate():
    return make_user(email="candidate@example.com")


@pytest.fixture
def signed_in(client, candidate):
    client.force_login(candidate)
    return client


@pytest.fixture
def engagement(candidate):
    return make_engagement(
        candidate=candidate,
        agency=make_agency(name="Northbridge Talent", website="https://northbridge-talent.co.uk"),
        started_on=days_ago(60),
        role_title="Data engineer",
    )


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def event_data(kind: str, on: datetime.date, **fields) -> dict:
    return {"kind": kind, "occurred_on": on.isoformat(), **fields}


# --- Finding or adding the agency ----------------------------------------------------------


def test_the_dashboard_offers_a_clear_log_an_experience_button(signed_in):
    page = page_of(signed_in.get("/experiences/"))
    assert re.search(r'<a class="button" href="/experiences/new/">Log an experience</a>', page)


def test_the_agency_is_found_by_its_name_without_accents_or_capitals(signed_in):
    make_agency(name="Selección Ibérica S.L.", country="ES")
    make_agency(name="Northbridge Talent")
    for query in ["seleccion iberica", "SELECCIÓN", "Seleccion Iberica SL"]:
        page = page_of(signed_in.get("/experiences/new/", {"q": query}))
        assert "Selección Ibérica S.L." in page, query
        assert "Northbridge Talent" not in page


def test_the_agency_is_found_by_its_website_domain(signed_in):
    agency = make_agency(name="NB Recruitment", website="https://www.northbridge-talent.co.uk/")
    for query in ["northbridge-talent", "https://northbridge-talent.co.uk/jobs"]:
        page = page_of(signed_in.get("/experiences/new/", {"q": query}))
        assert "NB Recruitment" in page, query
        assert f'href="/experiences/new/{agency.slug}/"' in page


def test_a_merged_agency_is_found_as_the_agency_it_was_merged_into(signed_in):
    target = make_agency(name="Acme Talent Group")
    merged = make_agency(name="Acme Recruiting Ltd")
    merged.merged_into = target
    merged.save()
    page = page_of(signed_in.get("/experiences/new/", {"q": "acme recruiting"}))
    assert "Acme Talent Group" in page
    assert "Acme Recruiting Ltd" not in page
    # An old link to the merged agency logs the experience with its target.
    response = signed_in.get(f"/experiences/new/{merged.slug}/")
    assert response.status_code == 302
    assert response["Location"] == f"/experiences/new/{target.slug}/"


def test_inactive_agencies_are_not_offered(signed_in):
    agency = make_agency(name="Closed Agency")
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    assert "Closed Agency" not in page_of(signed_in.get("/experiences/new/", {"q": "closed"}))
    assert signed_in.get(f"/experiences/new/{agency.slug}/").status_code == 404


def test_live_suggestions_answer_htmx_with_the_results_alone(signed_in):
    make_agency(name="Northbridge Talent")
    response = signed_in.get("/experiences/new/", {"q": "north"}, headers={"HX-Request": "true"})
    page = page_of(response)
    assert page.startswith('<div id="agency-results"')
    assert "Northbridge Talent" in page and "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_the_finder_page_loads_htmx_from_our_own_origin_with_a_safe_config(signed_in):
    page = page_of(signed_in.get("/experiences/new/"))
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in page
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert " style=" not in page and "<style" not in page


def test_a_new_agency_is_added_and_the_candidate_goes_on_to_the_engagement(signed_in):
    response = signed_in.post(
        "/experiences/agencies/new/",
        {
            "name": "Harbour Recruitment",
            "website": "harbour-recruitment.com",
            "country": "GB",
            "city": "Bristol",
            "specialties": ["technology", "finance"],
        },
    )
    agency = Agency.objects.get(name="Harbour Recruitment")
    assert response.status_code == 302
    assert response["Location"] == f"/experiences/new/{agency.slug}/"
    assert agency.domain == "harbour-recruitment.com"
    assert agency.city == "Bristol"
    assert sorted(agency.specialties.values_list("code", flat=True)) == ["finance", "technology"]


def test_an_agency_with_the_same_website_is_offered_instead_of_a_duplicate(signed_in):
    existing = make_agency(name="Acme Talent", website="https://acme-talent.com")
    response = signed_in.post(
        "/experiences/agencies/new/",
        {"name": "ACME Staffing", "website": "http://www.acme-talent.com/about", "country": "GB"},
    )
    page = page_of(response)
    assert "Is it one of these?" in page
    assert f'href="/experiences/new/{existing.slug}/"' in page
    assert "It is a different agency" not in page  # one website, one agency
    assert Agency.objects.count() == 1
    # Insisting does not help either.
    signed_in.post(
        "/experiences/agencies/new/",
        {"name": "ACME Staffing", "website": "acme-talent.com", "country": "GB",
         "not_a_duplicate": "1"},
    )  # fmt: skip
    assert Agency.objects.count() == 1


def test_an_agency_with_the_same_name_is_offered_first_and_can_be_told_apart(signed_in):
    existing = make_agency(name="Selección Ibérica S.L.", country="ES")
    data = {"name": "seleccion iberica", "country": "MX", "city": "Monterrey"}
    page = page_of(signed_in.post("/experiences/agencies/new/", data))
    assert "Is it one of these?" in page
    assert f'href="/experiences/new/{existing.slug}/"' in page
    assert Agency.objects.count() == 1
    response = signed_in.post("/experiences/agencies/new/", {**data, "not_a_duplicate": "1"})
    assert response.status_code == 302
    assert Agency.objects.count() == 2


def test_the_add_agency_form_says_what_is_missing(signed_in):
    page = page_of(signed_in.post("/experiences/agencies/new/", {"website": "not a url"}))
    assert page.count("This field is required.") == 2  # name and country
    assert "Enter a valid URL." in page
    assert not Agency.objects.exists()


# --- The engagement ------------------------------------------------------------------------


def test_the_engagement_is_created_and_opens_its_timeline(signed_in, candidate):
    agency = make_agency(name="Harbour Recruitment")
    response = signed_in.post(
        f"/experiences/new/{agency.slug}/",
        {"role_title": "  Platform engineer ", "source": "linkedin", "started_on": "2026-01-12"},
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/experiences/{engagement.pk}/"
    assert (engagement.candidate, engagement.agency, engagement.role_title) == (
        candidate,
        agency,
        "Platform engineer",
    )
    page = page_of(signed_in.get(response["Location"]))
    assert "Experience logged. Now add what happened, event by event." in page
    assert "Your experience with Harbour Recruitment" in page


def test_an_engagement_cannot_start_in_the_future(signed_in):
    agency = make_agency(name="Harbour Recruitment")
    future = TODAY + datetime.timedelta(days=30)
    page = page_of(
        signed_in.post(
            f"/experiences/new/{agency.slug}/",
            {"source": "email", "started_on": future.isoformat()},
        )
    )
    assert "The start date cannot be in the future." in page
    assert not Engagement.objects.exists()


# --- The timeline --------------------------------------------------------------------------


def test_events_are_added_and_shown_in_date_order_with_who_acted(signed_in, engagement):
    url = f"/experiences/{engagement.pk}/events/"
    signed_in.post(url, event_data("interview", days_ago(40), occurred_at="10:30"))
    response = signed_in.post(url, event_data("applied", days_ago(59), note="Via their site"))
    event = Event.objects.get(kind="applied")
    assert response.status_code == 302
    assert response["Location"] == f"/experiences/{engagement.pk}/#event-{event.pk}"
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/"))
    assert "Event added." in page
    applied = page.index("Applied or sent an unsolicited CV")
    interview = page.index("Interview took place")
    assert applied < interview
    assert "Via their site" in page
    assert re.search(r'class="actor actor-candidate">Candidate</span> Applied', page)
    assert re.search(r'class="actor actor-both">Both</span> Interview', page)
    assert "10:30" in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=3), "The date cannot be in the future."),
        (TODAY - datetime.timedelta(days=61), "The date cannot be before the engagement began"),
    ],
)
def test_an_event_date_must_fall_within_the_engagement(signed_in, engagement, day, message):
    response = signed_in.post(f"/experiences/{engagement.pk}/events/", event_data("applied", day))
    assert message in page_of(response)
    assert not Event.objects.exists()


def test_an_outcome_after_the_candidate_withdrew_is_refused(signed_in, engagement):
    make_event(engagement=engagement, kind=Kind.WITHDREW, occurred_on=days_ago(20))
    url = f"/experiences/{engagement.pk}/events/"
    page = page_of(signed_in.post(url, event_data("rejected", days_ago(10))))
    assert "a rejection or an offer cannot come after your withdrawal" in page
    assert not Event.objects.filter(kind="rejected").exists()
    # Before the withdrawal it is fine.
    assert signed_in.post(url, event_data("rejected", days_ago(25))).status_code == 302


def test_a_withdrawal_cannot_be_moved_before_an_outcome(signed_in, engagement):
    make_event(engagement=engagement, kind=Kind.OFFER, occurred_on=days_ago(10))
    withdrew = make_event(engagement=engagement, kind=Kind.WITHDREW, occurred_on=days_ago(5))
    response = signed_in.post(
        f"/experiences/{engagement.pk}/events/{withdrew.pk}/",
        {"edit-kind": "withdrew", "edit-occurred_on": days_ago(15).isoformat()},
    )
    page = page_of(response)
    assert f"This would put “Offer communicated” ({days_ago(10).isoformat()}) after" in page
    withdrew.refresh_from_db()
    assert withdrew.occurred_on == days_ago(5)


def test_the_disclosure_answer_is_kept_for_pay_questions_and_dropped_for_other_kinds(
    signed_in, engagement
):
    url = f"/experiences/{engagement.pk}/events/"
    signed_in.post(url, event_data("salary_asked", days_ago(30), role_details_disclosed="no"))
    signed_in.post(url, event_data("contacted", days_ago(31), role_details_disclosed="yes"))
    assert Event.objects.get(kind="salary_asked").role_details_disclosed is False
    assert Event.objects.get(kind="contacted").role_details_disclosed is None
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/"))
    assert "Client and pay band disclosed before the question:" in page


def test_an_event_is_edited_in_its_row(signed_in, engagement):
    event = make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(50))
    timeline = f"/experiences/{engagement.pk}/"
    page = page_of(signed_in.get(timeline, {"edit": event.pk}))
    row = re.search(rf'<li id="event-{event.pk}".*?</li>', page, re.S).group(0)
    assert f'action="/experiences/{engagement.pk}/events/{event.pk}/"' in row
    assert f'value="{days_ago(50).isoformat()}"' in row
    assert '<option value="applied" selected>' in row
    # Without JavaScript, the edit link's target brings the candidate to that row.
    response = signed_in.get(f"/experiences/{engagement.pk}/events/{event.pk}/")
    assert response["Location"] == f"{timeline}?edit={event.pk}#event-{event.pk}"

    response = signed_in.post(
        f"/experiences/{engagement.pk}/events/{event.pk}/",
        {"edit-kind": "cv_sent", "edit-occurred_on": days_ago(49).isoformat(), "edit-note": "PDF"},
    )
    assert response["Location"] == f"{timeline}#event-{event.pk}"
    event.refresh_from_db()
    assert (event.kind, event.occurred_on, event.note) == ("cv_sent", days_ago(49), "PDF")
    assert "Event updated." in page_of(signed_in.get(timeline))


def test_an_invalid_edit_shows_the_row_again_with_the_message(signed_in, engagement):
    event = make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(50))
    future = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = signed_in.post(
        f"/experiences/{engagement.pk}/events/{event.pk}/",
        {"edit-kind": "applied", "edit-occurred_on": future},
    )
    page = page_of(response)
    row = re.search(rf'<li id="event-{event.pk}".*?</li>', page, re.S).group(0)
    assert "The date cannot be in the future." in row
    event.refresh_from_db()
    assert event.occurred_on == days_ago(50)


def test_an_event_is_deleted_after_a_confirmation_that_works_without_javascript(
    signed_in, engagement
):
    event = make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(50))
    delete_url = f"/experiences/{engagement.pk}/events/{event.pk}/delete/"
    response = signed_in.get(delete_url)
    assert (
        response["Location"] == f"/experiences/{engagement.pk}/?delete={event.pk}#event-{event.pk}"
    )
    page = page_of(signed_in.get(response["Location"]))
    assert "Delete this event?" in page
    assert f'<form method="post" action="{delete_url}"' in page
    assert Event.objects.exists()  # showing the confirmation deletes nothing

    response = signed_in.post(delete_url)
    assert response["Location"] == f"/experiences/{engagement.pk}/"
    assert not Event.objects.exists()
    assert "Event deleted." in page_of(signed_in.get(response["Location"]))


def test_a_reply_with_nothing_to_reply_to_is_kept_but_flagged(signed_in, engagement):
    lonely = make_event(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(50))
    make_event(engagement=engagement, kind=Kind.MESSAGE, occurred_on=days_ago(40))
    answered = make_event(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(39))
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/"))
    assert re.search(rf'<li id="event-{lonely.pk}" class="[^"]*event-flagged', page)
    assert not re.search(rf'<li id="event-{answered.pk}" class="[^"]*event-flagged', page)
    assert page.count("A reply with nothing before it to reply to.") == 1


@pytest.mark.parametrize(
    ("events", "text"),
    [
        ([("applied", 17)], "Waiting for the agency for 17 days"),
        ([("applied", 1)], "Waiting for the agency for 1 day"),
        ([("applied", 0)], "Waiting for the agency since today"),
        ([("applied", 43)], "Ghosted: no answer for 43 days"),
        ([("applied", 20), ("silence", 2)], "Ghosted: no answer for 20 days"),
        ([("applied", 20), ("rejected", 10)], "Closed"),
        ([("contacted", 20)], "Active"),
    ],
)
def test_the_timeline_says_what_the_platform_infers(signed_in, engagement, events, text):
    for kind, age in events:
        make_event(engagement=engagement, kind=kind, occurred_on=days_ago(age))
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/"))
    assert re.search(rf'<p class="reading-state"><span class="state state-\w+">{text}</span>', page)


def test_the_timeline_page_needs_no_inline_code(signed_in, engagement):
    make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(50))
    response = signed_in.get(f"/experiences/{engagement.pk}/")
    page = page_of(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and "<style" not in page and " hx-on" not in page


# --- My experiences ------------------------------------------------------------------------


def test_my_experiences_shows_each_engagement_with_its_state(signed_in, candidate):
    waiting = make_engagement(candidate=candidate, started_on=days_ago(17), role_title="Waiting")
    make_event(engagement=waiting, kind=Kind.APPLIED, occurred_on=days_ago(17))
    closed = make_engagement(candidate=candidate, started_on=days_ago(30), role_title="Closed")
    make_event(engagement=closed, kind=Kind.OFFER, occurred_on=days_ago(5))
    page = page_of(signed_in.get("/experiences/"))
    assert "Waiting for the agency for 17 days" in page
    assert '<span class="state state-closed">Closed</span>' in page
    # Quick answers only where the agency owes one.
    assert f'action="/experiences/{waiting.pk}/replied/"' in page
    assert f'action="/experiences/{waiting.pk}/silence/"' in page
    assert f'action="/experiences/{closed.pk}/replied/"' not in page


def test_they_replied_logs_a_reply_today(signed_in, candidate):
    engagement = make_engagement(candidate=candidate, started_on=days_ago(20))
    make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(20))
    response = signed_in.post(f"/experiences/{engagement.pk}/replied/")
    assert response["Location"] == "/experiences/"
    reply = Event.objects.get(kind=Kind.REPLY)
    assert reply.occurred_on == TODAY
    page = page_of(signed_in.get("/experiences/"))
    assert f"Logged: {engagement.agency.name} replied today." in page
    assert '<span class="state state-active">Active</span>' in page
    # A second click finds nothing waiting and logs nothing.
    signed_in.post(f"/experiences/{engagement.pk}/replied/")
    assert Event.objects.filter(kind=Kind.REPLY).count() == 1


def test_still_silence_logs_a_silence_today_once(signed_in, candidate):
    engagement = make_engagement(candidate=candidate, started_on=days_ago(40))
    make_event(engagement=engagement, kind=Kind.CV_SENT, occurred_on=days_ago(40))
    signed_in.post(f"/experiences/{engagement.pk}/silence/")
    assert Event.objects.get(kind=Kind.SILENCE).occurred_on == TODAY
    page = page_of(signed_in.get("/experiences/"))
    assert "Ghosted: no answer for 40 days" in page
    assert f'action="/experiences/{engagement.pk}/silence/"' not in page  # already declared
    assert f'action="/experiences/{engagement.pk}/replied/"' in page
    signed_in.post(f"/experiences/{engagement.pk}/silence/")
    assert Event.objects.filter(kind=Kind.SILENCE).count() == 1


@pytest.mark.parametrize("engagements", [3, 30])
def test_my_experiences_runs_the_same_queries_whatever_the_number_of_engagements(
    signed_in, candidate, django_assert_num_queries, engagements
):
    agencies = [make_agency(), make_agency()]
    for number in range(engagements):
        engagement = make_engagement(
            candidate=candidate, agency=agencies[number % 2], started_on=days_ago(40)
        )
        make_event(engagement=engagement, kind=Kind.APPLIED, occurred_on=days_ago(40 - number))
        make_event(engagement=engagement, kind=Kind.REPLY, occurred_on=days_ago(5))
        if number % 3 == 0:
            make_review(engagement=engagement)
    # Session, user, verified e-mail, engagements (with agency and review), their events.
    with django_assert_num_queries(5):
        response = signed_in.get("/experiences/")
    assert response.status_code == 200


# --- Reviews -------------------------------------------------------------------------------

REVIEW = {
    "rating_communication": "2",
    "rating_honesty": "4",
    "rating_feedback": "1",
    "rating_respect": "3",
    "text": "They answered my first e-mail and then went silent for six weeks.",
}


def test_a_review_is_submitted_pending_with_its_history(signed_in, engagement, candidate):
    response = signed_in.post(f"/experiences/{engagement.pk}/review/", REVIEW)
    assert response["Location"] == f"/experiences/{engagement.pk}/"
    review = Review.objects.get()
    assert review.status == ReviewStatus.PENDING
    assert (review.rating_communication, review.rating_respect) == (2, 3)
    change = ReviewStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.actor) == ("", "pending", candidate)
    page = page_of(signed_in.get(response["Location"]))
    assert "Thanks — your review will appear once a moderator has checked it." in page
    assert "Edit your review" in page


def test_a_pending_review_can_be_edited_by_its_author(signed_in, engagement):
    make_review(engagement=engagement, rating=3)
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/review/"))
    assert "Clear and polite throughout." in page
    assert "Your review is waiting for a moderator." in page
    signed_in.post(f"/experiences/{engagement.pk}/review/", {**REVIEW, "text": "  " + "b" * 30})
    review = Review.objects.get()
    assert (review.text, review.rating_feedback, review.status) == ("b" * 30, 1, "pending")
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Too short.", "Ensure this value has at least 20 characters (it has 10)."),
        ("x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("   ", "This field is required."),
    ],
)
def test_the_review_text_has_length_limits(signed_in, engagement, text, message):
    page = page_of(
        signed_in.post(f"/experiences/{engagement.pk}/review/", {**REVIEW, "text": text})
    )
    assert message in page
    assert not Review.objects.exists()


def test_ratings_must_be_one_to_five(signed_in, engagement):
    data = {**REVIEW, "rating_honesty": "6"}
    page = page_of(signed_in.post(f"/experiences/{engagement.pk}/review/", data))
    assert "Select a valid choice. 6 is not one of the available choices." in page
    assert not Review.objects.exists()


def test_the_review_text_is_shown_as_text_never_as_html(signed_in, engagement):
    make_review(engagement=engagement, text="<script>alert('x')</script> and <b>bold</b> claims")
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/review/"))
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_published_review_is_read_only(signed_in, engagement):
    review = review_publish(review=make_review(engagement=engagement))
    page = page_of(signed_in.get(f"/experiences/{engagement.pk}/review/"))
    assert "Your review is published and can no longer be changed." in page
    assert "<textarea" not in page
    response = signed_in.post(f"/experiences/{engagement.pk}/review/", REVIEW)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.text == "Clear and polite throughout."
    assert "can no longer be changed" in page_of(signed_in.get(response["Location"]))


# --- Who may use the logbook ---------------------------------------------------------------


def test_an_unverified_account_is_asked_to_verify_its_email_first(client):
    client.force_login(make_user(verified=False))
    agency = make_agency(name="Harbour Recruitment")
    response = client.post(
        f"/experiences/new/{agency.slug}/", {"source": "email", "started_on": "2026-01-05"}
    )
    assert "Verify Your Email Address" in page_of(response)
    assert not Engagement.objects.exists()


# --- Rate limits ---------------------------------------------------------------------------


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS_PER_HOUR = {
        "agency_create": 2,
        "engagement_create": 2,
        "event_create": 2,
        "review_submit": 2,
    }


def test_too_many_events_in_an_hour_get_the_friendly_429_page(signed_in, engagement, tight_limits):
    url = f"/experiences/{engagement.pk}/events/"
    for age in (50, 49):
        assert signed_in.post(url, event_data("message", days_ago(age))).status_code == 302
    response = signed_in.post(url, event_data("message", days_ago(48)))
    assert response.status_code == 429
    assert "Slow down a little" in response.content.decode()
    assert Event.objects.count() == 2
    # The quick answers count as events too.
    assert signed_in.post(f"/experiences/{engagement.pk}/silence/").status_code == 429


def test_failed_attempts_do_not_use_up_the_limit(signed_in, engagement, tight_limits):
    url = f"/experiences/{engagement.pk}/events/"
    future = TODAY + datetime.timedelta(days=10)
    for _ in range(5):
        signed_in.post(url, event_data("message", future))
    assert signed_in.post(url, event_data("message", days_ago(5))).status_code == 302


def test_too_many_agencies_engagements_or_reviews_get_429(signed_in, candidate, tight_limits):
    for number in range(3):
        response = signed_in.post(
            "/experiences/agencies/new/", {"name": f"Agency {number}", "country": "GB"}
        )
    assert response.status_code == 429
    assert Agency.objects.count() == 2

    agency = Agency.objects.first()
    for _ in range(3):
        response = signed_in.post(
            f"/experiences/new/{agency.slug}/", {"source": "email", "started_on": "2026-01-05"}
        )
    assert response.status_code == 429
    assert Engagement.objects.count() == 2

    engagements = [make_engagement(candidate=candidate) for _ in range(3)]
    statuses = [
        signed_in.post(f"/experiences/{engagement.pk}/review/", REVIEW).status_code
        for engagement in engagements
    ]
    assert statuses == [302, 302, 429]
    assert Review.objects.count() == 2


def test_limits_are_per_account(client, engagement, tight_limits):
    other = make_engagement(candidate=make_user(), started_on=days_ago(60))
    for owner_engagement in (engagement, other):
        client.force_login(owner_engagement.candidate)
        url = f"/experiences/{owner_engagement.pk}/events/"
        for age in (50, 49):
            assert client.post(url, event_data("message", days_ago(age))).status_code == 302


def test_limits_are_counted_in_redis_when_it_is_the_cache(
    settings, redis_url, signed_in, engagement, tight_limits
):
    settings.CACHES = {
        "default": {"BACKEND": "agencyrank.cache.ClientKeepingRedisCache", "LOCATION": redis_url}
    }
    url = f"/experiences/{engagement.pk}/events/"
    statuses = [
        signed_in.post(url, event_data("message", days_ago(age))).status_code for age in (9, 8, 7)
    ]
    assert statuses == [302, 302, 429]
    import redis

    keys = redis.Redis.from_url(redis_url).scan_iter(match="*ratelimit:event_create*")
    assert list(keys)
