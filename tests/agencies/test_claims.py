"""Claiming an agency: who may, how moderators decide, and what the claimant is told."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.claim_domains import domain_match, is_shared_domain
from agencies.claims import (
    claim_approve,
    claim_reject,
    claim_request,
    claim_revoke,
    is_representative,
    represented_agencies,
)
from agencies.models import AgencyClaim, ClaimStatus
from reviews.models import Engagement, ModerationAction, ModerationActionKind
from reviews.moderation import moderator_grant
from tests.agencies.representative_helpers import make_representative
from tests.database import rejected_by_database
from tests.factories import make_agency, make_engagement, make_staff, make_user
from tests.reviews.moderation_helpers import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency(name="Acme Talent", website="https://www.Acme-Talent.example/jobs")


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@agencyrank.example")


@pytest.fixture
def employee():
    return make_user(email="jane.doe@acme-talent.example")


@pytest.fixture
def pending(employee, agency):
    return claim_request(user=employee, agency=agency, message="Head of talent")


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "domain", "match"),
    [
        ("jane@acme.example", "acme.example", "exact"),
        ("Jane@ACME.Example", "acme.example", "exact"),
        ("jane@uk.acme.example", "acme.example", "subdomain"),
        ("jane@acme.example", "uk.acme.example", None),
        ("jane@notacme.example", "acme.example", None),
        ("jane@acme.example.evil.test", "acme.example", None),
        ("jane@gmail.com", "gmail.com", None),
        ("jane@mail.gmail.com", "gmail.com", None),
        ("jane@linkedin.com", "linkedin.com", None),
        ("jane@acme.example", "", None),
        ("not-an-address", "acme.example", None),
    ],
)
def test_an_address_qualifies_on_the_agencys_domain_or_a_subdomain_but_never_on_webmail(
    email, domain, match
):
    assert domain_match(email, domain) == match


def test_webmail_and_free_site_domains_are_shared_but_lookalike_company_domains_are_not():
    assert is_shared_domain("gmail.com")
    assert is_shared_domain("yahoo.co.uk")
    assert is_shared_domain("acme.wixsite.com")
    assert not is_shared_domain("gmailcareers.com")
    assert not is_shared_domain("acme-talent.example")


# --- Requesting ------------------------------------------------------------------------------


def test_a_verified_address_on_the_domain_makes_a_pending_claim_that_is_logged(pending, employee):
    assert pending.status == ClaimStatus.PENDING
    assert pending.email == "jane.doe@acme-talent.example"
    assert pending.message == "Head of talent"
    assert not is_representative(employee, pending.agency)
    entry = ModerationAction.objects.get(action=ModerationActionKind.CLAIM_REQUESTED)
    assert entry.actor == employee
    assert entry.account == employee and entry.agency == pending.agency


def test_a_secondary_verified_address_on_the_domain_is_used_to_claim(agency):
    person = make_user(email="jane@example.com")
    EmailAddress.objects.create(user=person, email="jane@acme-talent.example", verified=True)
    assert claim_request(user=person, agency=agency).email == "jane@acme-talent.example"


def test_an_unverified_address_on_the_domain_does_not_qualify(agency):
    person = make_user(email="jane@acme-talent.example", verified=False)
    with pytest.raises(ValidationError, match="verify it"):
        claim_request(user=person, agency=agency)
    assert not AgencyClaim.objects.exists()


def test_a_candidate_with_an_address_elsewhere_cannot_claim(agency):
    with pytest.raises(ValidationError, match=r"acme-talent\.example"):
        claim_request(user=make_user(email="jane@example.com"), agency=agency)


def test_an_agency_whose_website_is_on_webmail_cannot_be_claimed_by_anyone_there():
    agency = make_agency(name="Bedroom Recruiting", website="https://gmail.com")
    with pytest.raises(ValidationError, match="anyone can have an address"):
        claim_request(user=make_user(email="bedroom@gmail.com"), agency=agency)


def test_an_agency_without_a_website_cannot_be_claimed():
    agency = make_agency(name="No Site Ltd")
    with pytest.raises(ValidationError, match="no website on record"):
        claim_request(user=make_user(email="jane@nosite.example"), agency=agency)


def test_a_second_claim_while_the_first_waits_is_refused(pending, employee, agency):
    with pytest.raises(ValidationError, match="already claimed"):
        claim_request(user=employee, agency=agency)
    assert AgencyClaim.objects.count() == 1


def test_the_database_keeps_one_open_claim_per_person_and_agency(pending, employee, agency):
    assert rejected_by_database(
        lambda: AgencyClaim.objects.create(user=employee, agency=agency, email=employee.email)
    )


def test_after_a_rejection_the_person_may_claim_again(pending, employee, agency, moderator):
    claim_reject(claim=pending, actor=moderator, note="We could not confirm your role.")
    again = claim_request(user=employee, agency=agency)
    assert again.status == ClaimStatus.PENDING and again.pk != pending.pk


def test_a_job_title_longer_than_the_limit_is_refused(employee, agency):
    with pytest.raises(ValidationError):
        claim_request(user=employee, agency=agency, message="x" * 201)


# --- Deciding --------------------------------------------------------------------------------


def test_approving_makes_the_claimant_the_representative_and_tells_them(
    pending, employee, agency, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=pending, actor=moderator, note="Welcome aboard.")
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.APPROVED
    assert pending.decided_by == moderator and pending.decided_at is not None
    assert is_representative(employee, agency)
    assert list(represented_agencies(employee)) == [agency]
    [message] = mail.outbox
    assert message.to == ["jane.doe@acme-talent.example"]
    assert message.subject == "You now represent Acme Talent on AgencyRank"
    assert "Welcome aboard." in message.body
    assert f"/representatives/{agency.slug}/" in message.body
    assert "Acme Talent" in message.alternatives[0][0]
    entry = ModerationAction.objects.get(action=ModerationActionKind.CLAIM_APPROVED)
    assert entry.actor == moderator and entry.account == employee and entry.agency == agency


def test_approving_holds_the_representatives_own_engagements_with_the_agency(
    employee, agency, moderator
):
    before = make_engagement(candidate=employee, agency=agency)
    elsewhere = make_engagement(candidate=employee, agency=make_agency(name="Other Agency"))
    claim_approve(claim=claim_request(user=employee, agency=agency), actor=moderator)
    assert Engagement.objects.get(pk=before.pk).held_for_review
    assert "agency_domain" in Engagement.objects.get(pk=before.pk).risk_signals
    assert not Engagement.objects.get(pk=elsewhere.pk).held_for_review


def test_a_moderator_cannot_approve_their_own_claim(agency):
    moderator = make_moderator(email="mod@acme-talent.example")
    claim = claim_request(user=moderator, agency=agency)
    with pytest.raises(ValidationError, match="Another moderator"):
        claim_approve(claim=claim, actor=moderator)


def test_approval_is_refused_once_the_address_is_no_longer_verified(pending, employee, moderator):
    EmailAddress.objects.filter(user=employee).update(verified=False)
    with pytest.raises(ValidationError, match="no longer verified"):
        claim_approve(claim=pending, actor=moderator)
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.PENDING


def test_rejecting_needs_a_note_which_the_claimant_is_told(
    pending, employee, moderator, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        claim_reject(claim=pending, actor=moderator, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        claim_reject(claim=pending, actor=moderator, note="Your address is a shared inbox.")
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.REJECTED
    assert not is_representative(employee, pending.agency)
    [message] = mail.outbox
    assert message.subject == "Your claim to represent Acme Talent was not approved"
    assert "Your address is a shared inbox." in message.body
    assert ModerationAction.objects.filter(action=ModerationActionKind.CLAIM_REJECTED).count() == 1


def test_nothing_is_sent_when_the_decision_rolls_back(pending, moderator):
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_approve(claim=pending, actor=moderator)
        raise RuntimeError
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.PENDING
    assert mail.outbox == []


def test_a_claim_decided_by_another_moderator_cannot_be_decided_again(pending, moderator):
    claim_approve(claim=pending, actor=moderator)
    with pytest.raises(ValidationError, match="just decided") as raised:
        claim_reject(claim=pending, actor=make_moderator(), note="Too late.")
    assert raised.value.code == "already_decided"


def test_revoking_ends_the_representation_with_a_note(
    pending, employee, agency, moderator, django_capture_on_commit_callbacks
):
    claim_approve(claim=pending, actor=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        claim_revoke(claim=pending, actor=moderator, note="They left the agency in May.")
    assert not is_representative(employee, agency)
    assert list(represented_agencies(employee)) == []
    assert mail.outbox[-1].subject == "You no longer represent Acme Talent on AgencyRank"
    assert ModerationAction.objects.filter(action=ModerationActionKind.CLAIM_REVOKED).count() == 1


def test_a_representative_of_an_agency_that_was_merged_away_represents_nothing(agency, moderator):
    representative = make_representative(
        agency=agency, email="rep@acme-talent.example", moderator=moderator
    )
    agency.merged_into = make_agency(name="Acme Group")
    agency.save()
    assert list(represented_agencies(representative)) == []


# --- Pages -----------------------------------------------------------------------------------


def test_visitors_see_no_claim_link_and_the_agency_page_stays_the_same_for_all(client, agency):
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Claim this agency" not in page
    assert "csrfmiddlewaretoken" not in page.split('id="score-heading"')[0]


def test_a_signed_in_person_on_the_domain_is_offered_to_claim_the_agency(client, employee, agency):
    client.force_login(employee)
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Claim this agency" in page
    assert f'href="/representatives/claim/{agency.slug}/"' in page


def test_a_candidate_with_an_address_elsewhere_is_not_offered_to_claim(client, agency):
    client.force_login(make_user(email="candidate@example.com"))
    assert "Claim this agency" not in client.get(f"/agencies/{agency.slug}/").content.decode()


def test_the_claim_page_asks_visitors_to_sign_in(client, agency):
    response = client.get(f"/representatives/claim/{agency.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_claiming_through_the_page_and_following_its_status(client, employee, agency):
    client.force_login(employee)
    page = client.get(f"/representatives/claim/{agency.slug}/").content.decode()
    assert "jane.doe@acme-talent.example" in page
    response = client.post(
        f"/representatives/claim/{agency.slug}/", {"message": "Recruitment lead"}, follow=True
    )
    page = response.content.decode()
    assert "Your claim is sent" in page
    assert "Waiting for a moderator" in page
    claim = AgencyClaim.objects.get()
    assert claim.user == employee and claim.message == "Recruitment lead"
    detail = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "waiting for a moderator" in detail
    assert "Claim this agency" not in detail


def test_the_claim_page_explains_why_a_person_cannot_claim(client, agency):
    client.force_login(make_user(email="candidate@example.com"))
    page = client.get(f"/representatives/claim/{agency.slug}/").content.decode()
    assert "add an address at acme-talent.example" in page
    response = client.post(f"/representatives/claim/{agency.slug}/", {"message": ""})
    assert response.status_code == 200
    assert not AgencyClaim.objects.exists()


def test_claiming_an_unknown_agency_is_a_404(client, employee):
    client.force_login(employee)
    assert client.get("/representatives/claim/no-such-agency/").status_code == 404


def test_claims_are_rate_limited(client, settings, agency):
    settings.RATE_LIMITS_PER_HOUR = {**settings.RATE_LIMITS_PER_HOUR, "agency_claim": 1}
    other = make_agency(name="Acme Two", website="https://acme-talent.example/two")
    client.force_login(make_user(email="jane@acme-talent.example"))
    assert client.post(f"/representatives/claim/{agency.slug}/", {}).status_code == 302
    assert client.post(f"/representatives/claim/{other.slug}/", {}).status_code == 429


# --- The moderators' claim page --------------------------------------------------------------


def test_only_moderators_reach_the_claim_page(client, pending):
    assert client.get("/moderation/claims/").status_code == 302
    client.force_login(make_user())
    assert client.get("/moderation/claims/").status_code == 404
    client.force_login(make_staff())  # staff, but not a moderator
    assert client.get("/moderation/claims/").status_code == 404


def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(client, pending):
    moderator = make_user(email="nomfa@agencyrank.example")
    moderator_grant(user=moderator)
    client.force_login(moderator)
    response = client.get("/moderation/claims/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_moderators_see_pending_claims_oldest_first_with_the_evidence(
    client, moderator, pending, agency
):
    newer = claim_request(
        user=make_user(email="bob@uk.acme-talent.example"),
        agency=make_agency(name="Second Agency", website="https://acme-talent.example/second"),
    )
    AgencyClaim.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(moderator)
    page = client.get("/moderation/claims/").content.decode()
    assert page.index("jane.doe@acme-talent.example") < page.index("bob@uk.acme-talent.example")
    assert "Head of talent" in page
    assert "Same domain" in page and "A subdomain of the agency's domain" in page
    assert "acme-talent.example" in page
    assert newer.agency.name in page


def test_a_moderator_approves_from_the_claim_page_and_the_representative_sees_it(
    client, moderator, pending, employee, agency
):
    client.force_login(moderator)
    response = client.post(
        f"/moderation/claims/{pending.pk}/approve/", {"note": "Checked on LinkedIn."}, follow=True
    )
    assert "The claimant is told by e-mail." in response.content.decode()
    assert is_representative(employee, agency)
    client.force_login(employee)
    assert "Your agency" in client.get("/").content.decode()
    detail = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert f'href="/representatives/{agency.slug}/"' in detail


def test_rejecting_on_the_page_without_a_note_changes_nothing(client, moderator, pending):
    client.force_login(moderator)
    response = client.post(f"/moderation/claims/{pending.pk}/reject/", {"note": ""}, follow=True)
    assert "Say why" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ClaimStatus.PENDING


def test_an_unknown_decision_is_a_404(client, moderator, pending):
    client.force_login(moderator)
    assert client.post(f"/moderation/claims/{pending.pk}/promote/", {}).status_code == 404


def test_a_moderator_revokes_a_representative_from_the_approved_list(client, moderator, agency):
    representative = make_representative(
        agency=agency, email="rep@acme-talent.example", moderator=moderator
    )
    claim = AgencyClaim.objects.get(user=representative)
    client.force_login(moderator)
    assert (
        "rep@acme-talent.example"
        in client.get("/moderation/claims/?status=approved").content.decode()
    )
    client.post(f"/moderation/claims/{claim.pk}/revoke/", {"note": "Left the agency."})
    assert not is_representative(representative, agency)


def test_the_moderation_queue_points_to_the_waiting_claims(client, moderator, pending):
    client.force_login(moderator)
    page = client.get("/moderation/").content.decode()
    assert "1 agency claim waiting" in page
    assert 'href="/moderation/claims/"' in page


def claims_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/moderation/claims/").status_code == 200
    return len(queries)


def test_the_claim_page_runs_the_same_queries_for_five_and_for_twenty_claims(client, moderator):
    def add(count: int) -> None:
        for _ in range(count):
            agency = make_agency(website=f"https://agency{AgencyClaim.objects.count()}.example")
            claim_request(user=make_user(email=f"rep@{agency.domain}"), agency=agency)

    client.force_login(moderator)
    add(5)
    five = claims_page_queries(client)
    add(15)
    assert claims_page_queries(client) == five
