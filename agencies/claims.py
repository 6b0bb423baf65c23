"""Claims to represent an agency, the moderators' decisions on them, and who represents what.

A person may claim an agency with a verified e-mail address on its website's domain
(agencies/claim_domains.py states the rule). The address is evidence, not proof, so a
moderator approves every claim; an approved claim makes its user the agency's representative
until it is revoked.

Each service runs in one transaction that also writes its entry in the moderation log, and
the claimant is told of every decision by e-mail once it commits.
"""

import logging
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agencies.claim_domains import domain_match, is_shared_domain
from agencies.models import (
    CLAIM_MESSAGE_MAX_LENGTH,
    CLAIM_NOTE_MAX_LENGTH,
    OPEN_CLAIM_STATUSES,
    Agency,
    AgencyClaim,
    ClaimStatus,
)
from agencies.scores import scores_mark_stale
from reviews.models import Engagement, ModerationAction, ModerationActionKind
from reviews.risk import Signal, in_order, risk_level

logger = logging.getLogger(__name__)

# --- Reads -----------------------------------------------------------------------------------


def verified_addresses(user) -> list[str]:
    """``user``'s verified e-mail addresses, the primary one first; one query."""
    return list(
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
    )


@dataclass(frozen=True)
class Eligibility:
    """Whether a person may claim an agency: the address they would claim with, or why not."""

    address: str | None
    problem: str | None


def claim_eligibility(user, agency: Agency, addresses: list[str] | None = None) -> Eligibility:
    """The address ``user`` may claim ``agency`` with, or the reason they may not.

    ``addresses`` are the user's verified addresses when the caller has read them already.
    """
    if not agency.domain:
        return Eligibility(
            None,
            _("This agency has no website on record, so no address can show that you work there."),
        )
    if is_shared_domain(agency.domain):
        return Eligibility(
            None,
            _(
                "This agency's website is on %(domain)s, where anyone can have an address or a "
                "page, so it cannot be claimed by e-mail address."
            )
            % {"domain": agency.domain},
        )
    if addresses is None:
        addresses = verified_addresses(user)
    for address in addresses:
        if domain_match(address, agency.domain):
            return Eligibility(address, None)
    return Eligibility(
        None,
        _(
            "To claim this agency, add an address at %(domain)s to your account and verify it. "
            "Addresses at public webmail services do not qualify."
        )
        % {"domain": agency.domain},
    )


def represented_agencies(user) -> QuerySet[Agency]:
    """The listed agencies ``user`` represents (an approved claim), by name."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return (
        Agency.objects.listed()
        .filter(claims__user=user, claims__status=ClaimStatus.APPROVED)
        .order_by("name", "pk")
    )


def is_representative(user, agency: Agency) -> bool:
    """True when ``user`` has an approved claim on ``agency``; one query."""
    if not user.is_authenticated:
        return False
    return AgencyClaim.objects.filter(
        user_id=user.pk, agency_id=agency.pk, status=ClaimStatus.APPROVED
    ).exists()


def open_claim(user, agency: Agency) -> AgencyClaim | None:
    """``user``'s claim on ``agency`` that waits or is in force; None without one."""
    return AgencyClaim.objects.filter(
        user=user, agency=agency, status__in=OPEN_CLAIM_STATUSES
    ).first()


def claims_of(user) -> list[AgencyClaim]:
    """Every claim ``user`` made, newest first, with its agency; one query."""
    return list(
        AgencyClaim.objects.filter(user=user)
        .select_related("agency")
        .order_by("-created_at", "-pk")
    )


def claims_for_moderation(status: str = ClaimStatus.PENDING) -> QuerySet[AgencyClaim]:
    """Claims of ``status`` with their agency and claimant's account; pending ones oldest first.

    Decided ones come newest decision first. Each carries ``address_verified``: whether the
    address claimed with is still a verified address of the claimant.
    """
    still_verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("email"), verified=True
    )
    claims = (
        AgencyClaim.objects.filter(status=status)
        .select_related("agency", "user", "decided_by")
        .only(
            "id",
            "email",
            "message",
            "status",
            "note",
            "created_at",
            "decided_at",
            "agency__id",
            "agency__name",
            "agency__slug",
            "agency__website",
            "agency__domain",
            "user__id",
            "user__date_joined",
            "decided_by__id",
            "decided_by__email",
        )
        .annotate(address_verified=Exists(still_verified))
    )
    if status == ClaimStatus.PENDING:
        return claims.order_by("created_at", "pk")
    return claims.order_by("-decided_at", "-pk")


# --- Writes ----------------------------------------------------------------------------------


def _already_decided() -> ValidationError:
    return ValidationError(
        _("Another moderator has just decided on this claim; the page now shows their decision."),
        code="already_decided",
    )


def _check_note(note: str, *, required: bool) -> str:
    note = note.strip()
    if required and not note:
        raise ValidationError({"note": _("Say why: the claimant is told.")})
    if len(note) > CLAIM_NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": CLAIM_NOTE_MAX_LENGTH}}
        )
    return note


def _log(action: str, *, actor, claim: AgencyClaim, note: str = "") -> None:
    # The claim is identified in the log by its account and agency: a person has one open
    # claim per agency, and the claim row itself records who decided and when.
    ModerationAction.objects.create(
        action=action, actor=actor, account_id=claim.user_id, agency_id=claim.agency_id, note=note
    )


def _locked(claim: AgencyClaim, *, status: str) -> AgencyClaim:
    locked = (
        AgencyClaim.objects.select_for_update(of=("self",))
        .select_related("agency", "user")
        .get(pk=claim.pk)
    )
    if locked.status != status:
        raise _already_decided()
    return locked


@transaction.atomic
def claim_request(*, user, agency: Agency, message: str = "") -> AgencyClaim:
    """Ask to represent ``agency``, with an optional job title; it waits for a moderator.

    Refused unless ``user`` has a verified address on the agency's domain (the module's rule),
    and while they already have a claim on it waiting or approved.
    """
    message = message.strip()
    if len(message) > CLAIM_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep it under %(max)d characters.") % {"max": CLAIM_MESSAGE_MAX_LENGTH}}
        )
    if agency.merged_into_id is not None or not agency.is_active:
        raise ValidationError(_("This agency is no longer listed."), code="not_listed")
    eligibility = claim_eligibility(user, agency)
    if eligibility.address is None:
        raise ValidationError(eligibility.problem, code="not_eligible")
    if open_claim(user, agency) is not None:
        raise _already_open()
    try:
        with transaction.atomic():
            claim = AgencyClaim.objects.create(
                user=user, agency=agency, email=eligibility.address, message=message
            )
    except IntegrityError:  # the same claim sent twice at once: the database keeps one
        raise _already_open() from None
    _log(ModerationActionKind.CLAIM_REQUESTED, actor=user, claim=claim, note=claim.email)
    return claim


def _already_open() -> ValidationError:
    return ValidationError(
        _("You have already claimed this agency; see its status on your agency page."),
        code="already_open",
    )


def representative_engagements_hold(*, user_ids: list[int], agency_id: int, actor) -> int:
    """Hold representatives' own counting engagements with an agency out of its score; how many.

    Screening already holds those logged from an address on the agency's domain; this catches
    the ones logged before. A moderator can still let one count (a genuine past experience).
    The caller marks the agency's score stale.
    """
    engagements = list(
        Engagement.objects.select_for_update()
        .filter(
            candidate_id__in=user_ids,
            agency_id=agency_id,
            held_for_review=False,
            excluded_from_scores=False,
        )
        .only("pk", "risk_signals", "risk_level", "held_for_review")
        .order_by("pk")
    )
    for engagement in engagements:
        signals = {*engagement.risk_signals, Signal.AGENCY_DOMAIN}
        engagement.risk_signals = in_order(signals)
        engagement.risk_level = risk_level(signals)
        engagement.held_for_review = True
    Engagement.objects.bulk_update(engagements, ["risk_signals", "risk_level", "held_for_review"])
    now = timezone.now()
    ModerationAction.objects.bulk_create(
        ModerationAction(
            action=ModerationActionKind.ENGAGEMENT_HELD,
            actor=actor,
            engagement=engagement,
            agency_id=agency_id,
            created_at=now,
        )
        for engagement in engagements
    )
    return len(engagements)


@transaction.atomic
def claim_approve(*, claim: AgencyClaim, actor, note: str = "") -> AgencyClaim:
    """Make the claimant the agency's representative; logged, and the claimant told.

    Refused when the address claimed with is no longer verified or no longer on the agency's
    domain, and for a moderator's own claim. Their own engagements with the agency are held.
    """
    note = _check_note(note, required=False)
    locked = _locked(claim, status=ClaimStatus.PENDING)
    if locked.user_id == actor.pk:
        raise ValidationError(
            _("Another moderator must decide on your own claim."), code="own_claim"
        )
    still_verified = EmailAddress.objects.filter(
        user_id=locked.user_id, email__iexact=locked.email, verified=True
    ).exists()
    if not still_verified or domain_match(locked.email, locked.agency.domain) is None:
        raise ValidationError(
            _(
                "The address this claim was made with is no longer verified or no longer on the "
                "agency's domain: reject the claim instead."
            ),
            code="evidence_gone",
        )
    held = representative_engagements_hold(
        user_ids=[locked.user_id], agency_id=locked.agency_id, actor=actor
    )
    if held:
        scores_mark_stale(agency_ids=[locked.agency_id])
    return _decide(locked, ClaimStatus.APPROVED, ModerationActionKind.CLAIM_APPROVED, actor, note)


@transaction.atomic
def claim_reject(*, claim: AgencyClaim, actor, note: str) -> AgencyClaim:
    """Turn a waiting claim down, saying why; logged, and the claimant told."""
    note = _check_note(note, required=True)
    locked = _locked(claim, status=ClaimStatus.PENDING)
    return _decide(locked, ClaimStatus.REJECTED, ModerationActionKind.CLAIM_REJECTED, actor, note)


@transaction.atomic
def claim_revoke(*, claim: AgencyClaim, actor, note: str) -> AgencyClaim:
    """End a representative's standing (they left the agency, say), saying why; logged, told.

    Their replies stay: they were the agency's word when written.
    """
    note = _check_note(note, required=True)
    locked = _locked(claim, status=ClaimStatus.APPROVED)
    return _decide(locked, ClaimStatus.REVOKED, ModerationActionKind.CLAIM_REVOKED, actor, note)


def _decide(claim: AgencyClaim, status: str, kind: str, actor, note: str) -> AgencyClaim:
    """Record the decision on a locked claim, log it, and tell the claimant once it commits."""
    claim.status = status
    claim.note = note
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "note", "decided_by", "decided_at", "updated_at"])
    _log(kind, actor=actor, claim=claim, note=note)
    _tell_claimant(claim)
    return claim


# --- E-mail ----------------------------------------------------------------------------------


def claim_decision_message(claim: AgencyClaim) -> EmailMultiAlternatives:
    """The e-mail telling a claimant the decision on their claim, with the moderator's note.

    In the site's language (accounts store none); replies go to the moderators.
    """
    context = {
        "agency": claim.agency.name,
        "outcome": claim.status,
        "note": claim.note,
        "requested_on": claim.created_at,
        "dashboard_url": settings.SITE_URL
        + reverse("representatives:dashboard", kwargs={"slug": claim.agency.slug}),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("agencies/email/claim_decision_subject.txt", context).strip()
        text = render_to_string("agencies/email/claim_decision_message.txt", context)
        html = render_to_string("agencies/email/claim_decision_message.html", context)
    message = EmailMultiAlternatives(
        subject, text, to=[claim.user.email], reply_to=[settings.MODERATION_REPLY_TO]
    )
    message.attach_alternative(html, "text/html")
    return message


def _send(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:  # the decision stands; the mail server's outage is logged, not raised
        logger.exception("could not send a claim decision e-mail")


def _tell_claimant(claim: AgencyClaim) -> None:
    message = claim_decision_message(claim)
    transaction.on_commit(lambda: _send(message))
