"""An agency's representatives: their page, their public replies and their disputes.

Every role is tried: visitors, candidates, the representative, a representative of another
agency and moderators. A representative never learns who wrote a review.
"""

import datetime
import math

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.claims import claim_revoke
from agencies.representing import agency_reply_post, review_dispute
from agencies.scoring import Evidence, Tally, score_evidence
from agencies.scoring.config import DEFAULT_CONFIG, METRICS
from agencies.scoring.drivers import score_drivers
from reviews.models import (
    AgencyReply,
    ModerationAction,
    ModerationActionKind,
    ModerationReason,
    Report,
    ReportKind,
    ReportStatus,
    Review,
    ReviewStatus,
)
from reviews.moderation import reply_remove, report_create, report_resolve
from reviews.services import review_submit
from tests.agencies.representative_helpers import (
    claim_of,
    make_published_review,
    make_representative,
)
from tests.factories import make_agency, make_engagement, make_review, make_score, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db

AUTHOR_EMAIL = "secret.candidate@example.com"
REVIEW_TEXT = "They asked for my CV and never called back, even after I wrote twice."


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def agency():
    return make_agency(name="Acme Talent", website="https://acme-talent.example")


@pytest.fixture
def representative(agency, moderator):
    return make_representative(agency=agency, email="rep@acme-talent.example", moderator=moderator)


@pytest.fixture
def rival(moderator):
    """A representative of another agency."""
    other = make_agency(name="Globex Staffing", website="https://globex.example")
    return make_representative(agency=other, email="rep@globex.example", moderator=moderator)


@pytest.fixture
def review(agency):
    author = make_user(email=AUTHOR_EMAIL, first_name="Zebedee", last_name="Quill")
    return make_published_review(
        agency=agency,
        text=REVIEW_TEXT,
        candidate=author,
        role_title="Quantum plumber",
        reference="REF-777",
    )


@pytest.fixture
def signed_in(client, representative):
    client.force_login(representative)
    return client


# --- Replies ---------------------------------------------------------------------------------


def test_a_representatives_reply_appears_under_the_review_on_the_public_page(
    client, representative, review, agency
):
    reply, created = agency_reply_post(
        review=review, author=representative, text="We are sorry; we have changed our process."
    )
    assert created and reply.author == representative
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "We are sorry; we have changed our process." in page
    assert "rep@acme-talent.example" not in page


@pytest.mark.django_db(transaction=True)  # the page cache is invalidated on commit
def test_a_reply_refreshes_the_page_visitors_get_from_the_cache(
    client, representative, review, agency
):
    url = f"/agencies/{agency.slug}/"
    assert "Thanks for the feedback" not in client.get(url).content.decode()
    agency_reply_post(review=review, author=representative, text="Thanks for the feedback.")
    assert "Thanks for the feedback." in client.get(url).content.decode()


def test_the_dashboard_reply_form_publishes_the_reply(signed_in, review, agency):
    response = signed_in.post(
        f"/representatives/{agency.slug}/reviews/{review.pk}/reply/",
        {"text": "We have written to every candidate waiting."},
        follow=True,
    )
    assert "Your reply is published." in response.content.decode()
    assert (
        AgencyReply.objects.get(review=review).text == "We have written to every candidate waiting."
    )


def test_the_author_can_edit_the_reply_within_the_window(representative, review):
    agency_reply_post(review=review, author=representative, text="First words.")
    reply, created = agency_reply_post(review=review, author=representative, text="Better words.")
    assert not created
    assert reply.text == "Better words."
    assert AgencyReply.objects.filter(review=review).count() == 1


def test_a_reply_is_locked_once_the_window_has_passed(signed_in, representative, review, agency):
    reply, _ = agency_reply_post(review=review, author=representative, text="First words.")
    AgencyReply.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=48, minutes=1)
    )
    with pytest.raises(ValidationError, match="48 hours") as raised:
        agency_reply_post(review=review, author=representative, text="Too late.")
    assert raised.value.code == "locked"
    page = signed_in.get(f"/representatives/{agency.slug}/reviews/{review.pk}/reply/")
    assert "This reply can no longer be changed." in page.content.decode()
    response = signed_in.post(
        f"/representatives/{agency.slug}/reviews/{review.pk}/reply/", {"text": "Too late."}
    )
    assert "now locked" in response.content.decode()
    assert AgencyReply.objects.get(pk=reply.pk).text == "First words."


def test_the_edit_window_is_a_setting(settings, representative, review):
    settings.AGENCY_REPLY_EDIT_HOURS = 1
    reply, _ = agency_reply_post(review=review, author=representative, text="First words.")
    AgencyReply.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=59)
    )
    agency_reply_post(review=review, author=representative, text="Still in time.")
    AgencyReply.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    with pytest.raises(ValidationError, match="1 hours"):
        agency_reply_post(review=review, author=representative, text="Too late.")


def test_a_second_representative_cannot_replace_the_agencys_reply(
    representative, review, agency, moderator
):
    colleague = make_representative(
        agency=agency, email="colleague@acme-talent.example", moderator=moderator
    )
    agency_reply_post(review=review, author=representative, text="Our reply.")
    with pytest.raises(ValidationError, match="already replied"):
        agency_reply_post(review=review, author=colleague, text="Another reply.")


@pytest.mark.parametrize("who", ["candidate", "rival", "moderator", "revoked"])
def test_only_current_representatives_of_the_reviews_agency_can_reply(
    who, review, rival, moderator, representative
):
    if who == "revoked":
        claim_revoke(
            claim=claim_of(representative, review.engagement.agency), actor=moderator, note="Left."
        )
    author = {
        "candidate": make_user(),
        "rival": rival,
        "moderator": moderator,
        "revoked": representative,
    }[who]
    with pytest.raises(ValidationError, match="approved representatives"):
        agency_reply_post(review=review, author=author, text="Not ours to say.")
    assert not AgencyReply.objects.exists()


@pytest.mark.parametrize(
    "text", ["Call me on +34 612 345 678.", "Write to jane.smith@example.com please.", "   "]
)
def test_a_reply_with_contact_details_or_nothing_in_it_is_refused(representative, review, text):
    with pytest.raises(ValidationError):
        agency_reply_post(review=review, author=representative, text=text)
    assert not AgencyReply.objects.exists()


def test_a_reply_a_moderator_removed_cannot_be_replaced(representative, review, moderator):
    reply, _ = agency_reply_post(review=review, author=representative, text="Rude words.")
    reply_remove(reply=reply, actor=moderator, reason=ModerationReason.HARASSMENT)
    with pytest.raises(ValidationError, match="removed"):
        agency_reply_post(review=review, author=representative, text="Polite words.")


def test_a_review_that_is_not_published_cannot_be_answered(signed_in, representative, agency):
    pending = make_review(engagement=make_engagement(agency=agency))
    with pytest.raises(ValidationError, match="no longer shown"):
        agency_reply_post(review=pending, author=representative, text="Early words.")
    url = f"/representatives/{agency.slug}/reviews/{pending.pk}/reply/"
    assert signed_in.post(url, {"text": "Early words."}).status_code == 404


def test_a_review_of_another_agency_cannot_be_answered_through_this_agencys_page(signed_in, agency):
    elsewhere = make_published_review(agency=make_agency(name="Elsewhere"))
    url = f"/representatives/{agency.slug}/reviews/{elsewhere.pk}/reply/"
    assert signed_in.post(url, {"text": "Not ours."}).status_code == 404


def test_replies_are_rate_limited(settings, signed_in, agency):
    settings.RATE_LIMITS_PER_HOUR = {**settings.RATE_LIMITS_PER_HOUR, "agency_reply": 1}
    first, second = make_published_review(agency=agency), make_published_review(agency=agency)
    url = f"/representatives/{agency.slug}/reviews/%s/reply/"
    assert signed_in.post(url % first.pk, {"text": "Thank you."}).status_code == 302
    assert signed_in.post(url % second.pk, {"text": "Thank you."}).status_code == 429


def test_a_refused_reply_does_not_use_up_the_limit(settings, signed_in, review, agency):
    settings.RATE_LIMITS_PER_HOUR = {**settings.RATE_LIMITS_PER_HOUR, "agency_reply": 1}
    url = f"/representatives/{agency.slug}/reviews/{review.pk}/reply/"
    response = signed_in.post(url, {"text": "Ring 0612345678."})
    assert "phone number" in response.content.decode()
    assert signed_in.post(url, {"text": "Thank you."}).status_code == 302


# --- A representative cannot review their own agency ------------------------------------------


def review_fields() -> dict:
    return {
        "rating_communication": 5,
        "rating_honesty": 5,
        "rating_feedback": 5,
        "rating_respect": 5,
        "text": "The best agency I have ever dealt with, truly.",
    }


def test_a_representative_cannot_review_their_own_agency(representative, agency):
    engagement = make_engagement(candidate=representative, agency=agency)
    with pytest.raises(ValidationError, match="You represent this agency") as raised:
        review_submit(engagement=engagement, **review_fields())
    assert raised.value.code == "representative"
    assert not Review.objects.exists()


def test_the_review_form_says_why_a_representative_cannot_review_their_agency(
    signed_in, representative, agency
):
    engagement = make_engagement(candidate=representative, agency=agency)
    response = signed_in.post(f"/experiences/{engagement.pk}/review/", review_fields())
    assert response.status_code == 200
    assert "You represent this agency, so you cannot review it." in response.content.decode()
    assert not Review.objects.exists()


def test_a_representative_may_review_another_agency(representative):
    engagement = make_engagement(candidate=representative, agency=make_agency(name="Other"))
    assert review_submit(engagement=engagement, **review_fields()).status == ReviewStatus.PENDING


def test_once_revoked_a_former_representative_may_review_the_agency(
    representative, agency, moderator
):
    claim_revoke(claim=claim_of(representative, agency), actor=moderator, note="Left in May.")
    engagement = make_engagement(candidate=representative, agency=agency)
    assert review_submit(engagement=engagement, **review_fields()).pk


# --- The agency's page for its representatives -----------------------------------------------


@pytest.fixture
def scored(agency):
    return make_score(
        agency=agency,
        score=61,
        rank=4,
        engagements=12,
        tallies={
            "reply_rate": (4, 10),
            "ghosting_rate": (3, 8),
            "feedback_rate": (2, 4),
            "follow_up_rate": (1, 2),
            "cv_harvest_rate": (0, 5),
            "salary_fishing_rate": (0, 6),
        },
    )


def test_visitors_are_asked_to_sign_in_for_the_agencys_own_page(client, agency):
    response = client.get(f"/representatives/{agency.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["candidate", "rival", "moderator"])
def test_nobody_but_its_representatives_reaches_the_agencys_own_page(
    client, who, agency, review, rival, moderator
):
    client.force_login({"candidate": make_user(), "rival": rival, "moderator": moderator}[who])
    assert client.get(f"/representatives/{agency.slug}/").status_code == 403
    reply_url = f"/representatives/{agency.slug}/reviews/{review.pk}/reply/"
    assert client.post(reply_url, {"text": "Hello."}).status_code == 403
    dispute_url = f"/representatives/{agency.slug}/reviews/{review.pk}/dispute/"
    assert client.post(dispute_url, {"reason": "harassment", "text": "x" * 30}).status_code == 403
    assert not AgencyReply.objects.exists() and not Report.objects.exists()


def test_a_revoked_representative_loses_the_page_and_the_menu_link(
    signed_in, representative, agency, moderator
):
    assert "Your agency" in signed_in.get("/").content.decode()
    claim_revoke(claim=claim_of(representative, agency), actor=moderator, note="Left.")
    assert signed_in.get(f"/representatives/{agency.slug}/").status_code == 403
    assert "Your agency" not in signed_in.get("/").content.decode()


def test_the_menu_shows_your_agency_to_representatives_only(client, representative):
    client.force_login(make_user())
    assert "Your agency" not in client.get("/").content.decode()
    client.force_login(representative)
    assert 'href="/representatives/"' in client.get("/").content.decode()


def test_an_unknown_agency_is_a_404(signed_in):
    assert signed_in.get("/representatives/no-such-agency/").status_code == 404


def test_the_page_shows_which_metrics_cost_the_most_points_first(signed_in, agency, scored):
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    drivers = page.split('id="drivers-heading"')[1].split("</table>")[0]
    assert "Not answered within 14 days: 6 of 10" in drivers
    assert "3 of 8 ended engagements ended in silence" in drivers
    assert "2 of 4 interviews were not followed by news within 21 days" in drivers
    # Reply rate weighs most and is the weakest here; CV harvesting never happened.
    assert drivers.index("Reply rate") < drivers.index("Ghosting rate")
    assert drivers.index("Ghosting rate") < drivers.index("CV harvesting")
    assert "61" in page.split('id="score-heading"')[1]


def test_the_points_lost_add_up_to_what_separates_the_score_from_100():
    evidence = Evidence(
        engagements=9,
        tallies={
            metric: Tally(hits, cases, float(hits), float(cases))
            for metric, (hits, cases) in zip(
                METRICS, [(7, 10), (2, 9), (3, 5), (0, 2), (1, 4), (0, 9)], strict=True
            )
        },
        reply_delays={},
    )
    platform = DEFAULT_CONFIG.default_platform_rates
    result = score_evidence(evidence, platform=platform)
    drivers = score_drivers(evidence, result.estimates)
    assert math.isclose(sum(d.points_lost for d in drivers), 100 - result.raw_score)
    assert [d.points_lost for d in drivers] == sorted(
        (d.points_lost for d in drivers), reverse=True
    )
    by_metric = {d.metric: d for d in drivers}
    assert (by_metric["reply_rate"].against, by_metric["reply_rate"].cases) == (3, 10)
    assert (by_metric["ghosting_rate"].against, by_metric["ghosting_rate"].cases) == (2, 9)


def test_an_agency_without_evidence_shows_nothing_counted_yet(signed_in, agency):
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert "No experience with this agency has been counted yet." in page
    assert "Not enough data yet" in page


def test_the_page_never_shows_who_wrote_a_review_nor_when_exactly(
    signed_in, agency, review, scored, representative
):
    review_dispute(
        review=review,
        representative=representative,
        reason="not_genuine",
        text="Nobody of that description applied to us.",
    )
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert REVIEW_TEXT in page
    assert "March 2026" in page
    for secret in (
        AUTHOR_EMAIL,
        "Zebedee",
        "Quill",
        "Quantum plumber",
        "REF-777",
        f"/experiences/{review.engagement_id}/",
        "17 March",
        "March 17",
        "2026-03-17",
    ):
        assert secret not in page, secret
    for url in (
        f"/representatives/{agency.slug}/reviews/{review.pk}/reply/",
        f"/representatives/{agency.slug}/reviews/{review.pk}/dispute/",
    ):
        page = signed_in.get(url).content.decode()
        assert REVIEW_TEXT in page and "March 2026" in page
        assert AUTHOR_EMAIL not in page and "Zebedee" not in page and "Quantum plumber" not in page


def test_the_page_lists_published_reviews_only_with_a_reply_form_each(signed_in, agency, review):
    make_review(engagement=make_engagement(agency=agency), text="Still waiting for moderation.")
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert "Still waiting for moderation." not in page
    assert f'action="/representatives/{agency.slug}/reviews/{review.pk}/reply/"' in page


def test_the_page_offers_to_edit_ones_own_reply_only_while_it_can_change(
    signed_in, agency, review, representative
):
    reply, _ = agency_reply_post(review=review, author=representative, text="Our answer.")
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert "Our answer." in page and "Edit the reply" in page
    AgencyReply.objects.filter(pk=reply.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert "Our answer." in page and "Edit the reply" not in page


def dashboard_queries(client, agency) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/representatives/{agency.slug}/").status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_five_and_for_twenty_five_reviews(
    signed_in, agency, scored, representative
):
    def add(count: int) -> None:
        for number in range(count):
            review = make_published_review(agency=agency, text=f"Review number {number}, fine.")
            if number % 2:
                agency_reply_post(review=review, author=representative, text="Thank you.")
            if number % 3 == 0:
                review_dispute(
                    review=review,
                    representative=representative,
                    reason="off_topic",
                    text="This is about another company entirely.",
                )

    add(5)
    five = dashboard_queries(signed_in, agency)
    add(20)
    assert dashboard_queries(signed_in, agency) == five


# --- Disputes --------------------------------------------------------------------------------


def test_a_dispute_goes_to_the_moderation_queue_and_the_review_stays_up(
    client, signed_in, agency, review, moderator
):
    response = signed_in.post(
        f"/representatives/{agency.slug}/reviews/{review.pk}/dispute/",
        {"reason": "not_genuine", "text": "We never advertised that role; no such process."},
        follow=True,
    )
    page = response.content.decode()
    assert "Your dispute is sent." in page
    assert "Waiting for a moderator" in page.split('id="disputes-heading"')[1]
    dispute = Report.objects.get()
    assert dispute.kind == ReportKind.DISPUTE and dispute.status == ReportStatus.OPEN
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert REVIEW_TEXT in client.get(f"/agencies/{agency.slug}/").content.decode()

    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert "Dispute by the agency" in queue
    assert f'href="/moderation/reports/{dispute.pk}/"' in queue
    report_page = client.get(f"/moderation/reports/{dispute.pk}/").content.decode()
    assert "approved representative" in report_page


def test_upholding_a_dispute_removes_the_review_and_the_representative_sees_the_outcome(
    signed_in, agency, review, representative, moderator, django_capture_on_commit_callbacks
):
    dispute, created = review_dispute(
        review=review,
        representative=representative,
        reason="personal_data",
        text="It names our recruiter in full, with her phone.",
    )
    assert created
    with django_capture_on_commit_callbacks(execute=True):
        report_resolve(
            report=dispute,
            actor=moderator,
            upheld=True,
            reason=ModerationReason.PERSONAL_DATA,
            note="Names a recruiter.",
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.REMOVED
    assert review.history.last().reason == ModerationReason.PERSONAL_DATA
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    disputes = page.split('id="disputes-heading"')[1]
    assert "Upheld: the review was removed" in disputes
    assert REVIEW_TEXT not in page  # removed content is not shown again
    # The author is told the review was removed, never by whom it was disputed.
    [message] = [m for m in mail.outbox if m.to == [AUTHOR_EMAIL]]
    assert "rep@acme-talent.example" not in message.body
    assert "dispute" not in message.body.lower()
    dispute.refresh_from_db()
    assert dispute.status == ReportStatus.UPHELD and dispute.resolved_by == moderator


def test_a_dismissed_dispute_leaves_the_review_up_and_says_so(
    signed_in, agency, review, representative, moderator
):
    dispute, _ = review_dispute(
        review=review,
        representative=representative,
        reason="not_genuine",
        text="We do not believe this happened at all.",
    )
    report_resolve(report=dispute, actor=moderator, upheld=False)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    page = signed_in.get(f"/representatives/{agency.slug}/").content.decode()
    assert "Dismissed: the review stays" in page


def test_a_dispute_decision_is_recorded_in_the_moderation_log(review, representative, moderator):
    dispute, _ = review_dispute(
        review=review,
        representative=representative,
        reason="harassment",
        text="It insults our staff by name repeatedly.",
    )
    report_resolve(report=dispute, actor=moderator, upheld=False, note="Harsh but fair.")
    dispute.refresh_from_db()
    assert dispute.status == ReportStatus.DISMISSED
    logged = ModerationAction.objects.get(report=dispute)
    assert logged.action == ModerationActionKind.REPORT_DISMISSED
    assert logged.actor == moderator and logged.note == "Harsh but fair."


def test_disputing_twice_keeps_one_dispute(review, representative):
    first, created = review_dispute(
        review=review, representative=representative, reason="off_topic", text="x" * 25
    )
    again, created_again = review_dispute(
        review=review, representative=representative, reason="harassment", text="y" * 25
    )
    assert created and not created_again and again.pk == first.pk
    assert Report.objects.count() == 1


def test_a_representative_who_already_reported_the_review_is_told_so(review, representative):
    report_create(reporter=representative, review=review, reason="off_topic")
    with pytest.raises(ValidationError, match="already reported"):
        review_dispute(
            review=review, representative=representative, reason="off_topic", text="z" * 25
        )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "other", "text": "A long enough explanation."}, "Select a valid choice"),
        ({"reason": "harassment", "text": "Too short"}, "at least 20 characters"),
        ({"text": "A long enough explanation."}, "This field is required"),
    ],
)
def test_a_dispute_names_a_rule_and_explains(signed_in, agency, review, data, error):
    response = signed_in.post(f"/representatives/{agency.slug}/reviews/{review.pk}/dispute/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Report.objects.exists()


def test_only_representatives_of_the_agency_can_dispute_its_reviews(review, rival):
    with pytest.raises(ValidationError, match="approved representatives"):
        review_dispute(review=review, representative=rival, reason="off_topic", text="q" * 25)
