"""Whatever is typed into the event and review forms: never a 500, never rendered as HTML.

Hypothesis posts arbitrary input (HTML and script payloads, NUL bytes, huge strings, odd
dates and numbers) through the real views, then reads the pages that show it back.
"""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.models import EventKind, Review
from tests.factories import make_engagement, make_review, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MARKERS = ("<script>alert('x')</script>", '"><img src=x onerror=alert(1)>', "<svg onload=x>")
PAYLOADS = [
    *MARKERS,
    "</textarea><script>alert(1)</script>",
    "<b>bold</b>",
    "{{ request.user.email }}",
    "{% csrf_token %}",
    "javascript:alert(1)",
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "&lt;script&gt;",
    "\u202eevil",
    "\r\n\r\n",
    "😀" * 3,
]
texts = st.one_of(
    st.text(max_size=200),
    st.sampled_from(PAYLOADS),
    st.builds(
        lambda before, payload, after: before + payload + after,
        st.text(max_size=40),
        st.sampled_from(PAYLOADS),
        st.text(max_size=40),
    ),
    # Huge: past every length limit (2,000 for notes, 5,000 for reviews).
    st.builds(
        lambda payload, times: payload * times, st.sampled_from(PAYLOADS), st.integers(1, 500)
    ),
    st.just("<b>" * 3000),
)
dates = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.dates(
        min_value=TODAY - datetime.timedelta(days=120), max_value=TODAY + datetime.timedelta(days=3)
    ).map(datetime.date.isoformat),
    st.sampled_from(["2026-02-30", "0000-00-00", "9999-12-31", "-1", "2026-13-01", "", "today"]),
    texts,
)
times = st.one_of(
    st.times().map(lambda t: t.isoformat()),
    st.sampled_from(["24:00", "12:60", "-1:00", "", "noon", "23:59:59.999999"]),
    texts,
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(1, 5).map(str),
    st.sampled_from(["1.5", "NaN", "inf", "-0", "\uff11", " 3 ", "5\x00", "1e3", ""]),
    texts,
)
kinds = st.one_of(st.sampled_from(EventKind.values), texts)
disclosures = st.one_of(st.sampled_from(["", "yes", "no", "true", "maybe"]), texts)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def signed_in(client, settings):
    settings.RATE_LIMITS_PER_HOUR = {
        "agency_create": 10**6,
        "engagement_create": 10**6,
        "event_create": 10**6,
        "review_submit": 10**6,
    }
    candidate = make_user()
    client.force_login(candidate)
    engagement = make_engagement(
        candidate=candidate, started_on=TODAY - datetime.timedelta(days=90)
    )
    return client, engagement


def assert_shown_safely(response, *inputs: str) -> None:
    """A page that came back, with no input in it as raw HTML."""
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code != 200:
        return
    page = response.content.decode()
    for marker in MARKERS:
        assert marker not in page
    for value in inputs:
        # Markup characters survive escaping in no form: if the value is in the page as it
        # was typed, it was not escaped. (Long enough not to be in the template by chance.)
        if len(value) >= 12 and any(character in value for character in '<>"'):
            assert value not in page


def event_fields(prefix: str, kind, day, time, note, disclosed) -> dict:
    fields = {
        "kind": kind,
        "occurred_on": day,
        "occurred_at": time,
        "note": note,
        "role_details_disclosed": disclosed,
    }
    return {f"{prefix}{name}": value for name, value in fields.items()}


@HYPOTHESIS
@given(kind=kinds, day=dates, time=times, note=texts, disclosed=disclosures)
def test_the_add_event_form_never_fails_and_never_renders_input(
    signed_in, kind, day, time, note, disclosed
):
    client, engagement = signed_in
    data = event_fields("", kind, day, time, note, disclosed)
    response = client.post(f"/experiences/{engagement.pk}/events/", data)
    assert_shown_safely(response, kind, day, time, note, disclosed)
    assert_shown_safely(client.get(f"/experiences/{engagement.pk}/"), note)


@HYPOTHESIS
@given(kind=kinds, day=dates, time=times, note=texts, disclosed=disclosures)
def test_the_edit_event_form_never_fails_and_never_renders_input(
    signed_in, kind, day, time, note, disclosed
):
    client, engagement = signed_in
    event = engagement.events.first()
    if event is None:
        client.post(
            f"/experiences/{engagement.pk}/events/",
            {"kind": "applied", "occurred_on": engagement.started_on.isoformat()},
        )
        event = engagement.events.get()
    data = event_fields("edit-", kind, day, time, note, disclosed)
    response = client.post(f"/experiences/{engagement.pk}/events/{event.pk}/", data)
    assert_shown_safely(response, kind, day, time, note, disclosed)
    page = client.get(f"/experiences/{engagement.pk}/", {"edit": event.pk})
    assert_shown_safely(page, note)


@HYPOTHESIS
@given(
    ratings=st.tuples(numbers, numbers, numbers, numbers),
    text=texts,
    draft_exists=st.booleans(),
)
def test_the_review_form_never_fails_and_never_renders_input(
    signed_in, ratings, text, draft_exists
):
    client, engagement = signed_in
    Review.objects.filter(engagement=engagement).delete()
    if draft_exists:
        make_review(engagement=engagement)
    names = ("rating_communication", "rating_honesty", "rating_feedback", "rating_respect")
    data = {**dict(zip(names, ratings, strict=True)), "text": text}
    response = client.post(f"/experiences/{engagement.pk}/review/", data)
    assert_shown_safely(response, *ratings, text)
    assert_shown_safely(client.get(f"/experiences/{engagement.pk}/review/"), text)
    assert_shown_safely(client.get("/experiences/"), text)
    saved = Review.objects.filter(engagement=engagement).first()
    if saved is not None:
        assert 20 <= len(saved.text) <= 5000
        assert "\x00" not in saved.text
