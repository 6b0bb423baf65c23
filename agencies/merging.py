"""Merging a duplicate agency (the source) into the agency it duplicates (the target).

Duplicates are merged, never deleted (PRODUCT.md). The source stays, inactive and pointing at
the target, so its old slug redirects there, an import that matches its name or domain lands
on the target, and the moderation log still names it. What people logged and wrote about it
moves to the target; only derived rows go (its score and its stale mark). Its monthly
snapshots stay, as history.

The rules, where two rows would otherwise collide:

- Engagements move, and with them their events and reviews (on PostgreSQL the composite
  foreign keys' ON UPDATE CASCADE carries each one's agency along) and agency replies. Holds
  and exclusions move as they are.
- Agencies merged into the source earlier now point at the target: every merge is one hop.
- A private mark moves, unless its author has also marked the target. Then the target's mark
  stays with whichever verdict was given last, and the source's note is added below the
  target's, after the source's name: a private note is never lost. The source's mark goes.
- A waiting or approved claim moves when the address it was made with is on the target's
  website domain (agencies/claim_domains.py) and its claimant has no open claim on the target.
  Otherwise a waiting claim is rejected and an approved one revoked, with a note saying why,
  logged, and the claimant is told. A representative who moves has their own engagements with
  the target held, as at approval (agencies/claims.py).
- The target keeps its own name, website, country, city, specialties and frozen score: those
  are what the moderator chose to keep. The source's frozen score is released, since the
  source is no longer scored; its held engagements stay held on the target.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.claim_domains import domain_match
from agencies.claims import claim_decision_message, representative_engagements_hold
from agencies.models import (
    OPEN_CLAIM_STATUSES,
    Agency,
    AgencyClaim,
    AgencyMark,
    AgencyScore,
    ClaimStatus,
    StaleAgency,
)
from agencies.scores import scores_mark_stale
from agencyrank.page_cache import public_data_changed
from reviews.models import Engagement, Event, ModerationAction, ModerationActionKind, Review

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class MergeSummary:
    """What a merge moves (or moved) from the source to the target, counted."""

    engagements: int
    events: int
    reviews: int
    marks_moved: int
    marks_combined: int
    claims_moved: int
    claims_closed: int
    duplicates: int  # agencies merged into the source earlier, now pointing at the target


# --- Checks ----------------------------------------------------------------------------------


def merge_refusal(*, source: Agency, target: Agency) -> ValidationError | None:
    """Why ``source`` cannot be merged into ``target`` as they are read; None when it can.

    A target that was itself merged is refused rather than followed: the moderator confirms
    the agency that will really be kept. Since neither agency may be merged already, a merge
    can never close a cycle.
    """
    if source.pk == target.pk:
        return ValidationError(_("An agency cannot be merged into itself."), code="itself")
    if source.merged_into_id is not None:
        return ValidationError(
            _("%(source)s was already merged into another agency.") % {"source": source.name},
            code="already_merged",
        )
    if target.merged_into_id is not None:
        return ValidationError(
            _(
                "%(target)s was itself merged into another agency: merge into the agency it "
                "was merged into."
            )
            % {"target": target.name},
            code="target_merged",
        )
    if not target.is_active:
        return ValidationError(
            _("%(target)s is not active: an agency is merged only into a listed one.")
            % {"target": target.name},
            code="target_inactive",
        )
    return None


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
        )
    return note


# --- Reads -----------------------------------------------------------------------------------


def _source_markers(source: Agency):
    return AgencyMark.objects.filter(agency=source).values("user_id")


def _open_claims(agency: Agency):
    return AgencyClaim.objects.filter(agency=agency, status__in=OPEN_CLAIM_STATUSES)


@dataclass(frozen=True)
class _ClaimsSplit:
    moving: list[AgencyClaim]
    closing: list[AgencyClaim]
    claimed_target: set[int]  # claimants who already have an open claim on the target


def _claims_split(claims: list[AgencyClaim], target: Agency) -> _ClaimsSplit:
    """The source's open ``claims`` split into those that move and those that close."""
    claimed_target = set(
        _open_claims(target)
        .filter(user_id__in=[claim.user_id for claim in claims])
        .values_list("user_id", flat=True)
    )
    moving, closing = [], []
    for claim in claims:
        fits = domain_match(claim.email, target.domain) is not None
        (moving if fits and claim.user_id not in claimed_target else closing).append(claim)
    return _ClaimsSplit(moving, closing, claimed_target)


def merge_summary(*, source: Agency, target: Agency) -> MergeSummary:
    """What merging ``source`` into ``target`` would move, counted; a handful of queries."""
    split = _claims_split(list(_open_claims(source).only("id", "user_id", "email")), target)
    marks = AgencyMark.objects.filter(agency=source).count()
    combined = AgencyMark.objects.filter(agency=target, user__in=_source_markers(source)).count()
    return MergeSummary(
        engagements=Engagement.objects.filter(agency=source).count(),
        events=Event.objects.filter(agency=source).count(),
        reviews=Review.objects.filter(agency=source).count(),
        marks_moved=marks - combined,
        marks_combined=combined,
        claims_moved=len(split.moving),
        claims_closed=len(split.closing),
        duplicates=Agency.objects.filter(merged_into=source).count(),
    )


# --- The merge -------------------------------------------------------------------------------


def _locked_pair(source: Agency, target: Agency) -> tuple[Agency, Agency]:
    """Both agencies as they are now, locked in the order of their ids.

    One order for every merge, so two merges of the same pair at once wait for each other
    instead of deadlocking; the second then sees the first's result. A non-key lock: engagements,
    events and marks still being written elsewhere keep their foreign-key checks on these rows
    (a key lock would make those writers and this merge wait for each other).
    """
    locked = {
        agency.pk: agency
        for agency in Agency.objects.select_for_update(no_key=True)
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    if source.pk not in locked or target.pk not in locked:
        raise Agency.DoesNotExist
    return locked[source.pk], locked[target.pk]


def _marks_merge(source: Agency, target: Agency) -> tuple[int, int]:
    """Move the source's marks to the target, combining a person's two; (moved, combined)."""
    marks = list(
        AgencyMark.objects.select_for_update()
        .filter(agency__in=[source, target], user__in=_source_markers(source))
        .order_by("pk")
    )
    on_target = {mark.user_id: mark for mark in marks if mark.agency_id == target.pk}
    now = timezone.now()
    combined, dropped = [], []
    for mark in marks:
        kept = on_target.get(mark.user_id)
        if mark.agency_id != source.pk or kept is None:
            continue
        if mark.marked_at > kept.marked_at:  # the verdict given last is the person's view now
            kept.verdict = mark.verdict
            kept.marked_at = mark.marked_at
            kept.score_when_marked = mark.score_when_marked
        source_note, kept_note = mark.note.strip(), kept.note.strip()
        if source_note and source_note != kept_note:
            # The combined note may pass the form's limit; the person shortens it when they
            # next edit it, rather than losing any of it now.
            kept.note = f"{kept_note}\n\n{source.name}: {source_note}" if kept_note else source_note
        kept.updated_at = now
        combined.append(kept)
        dropped.append(mark.pk)
    AgencyMark.objects.bulk_update(
        combined, ["verdict", "marked_at", "score_when_marked", "note", "updated_at"]
    )
    # A mark is the person's own list entry, not a record: the one it was folded into stays.
    AgencyMark.objects.filter(pk__in=dropped).delete()
    moved = AgencyMark.objects.filter(agency=source).update(agency=target, updated_at=now)
    return moved, len(combined)


def _closing_note(source: Agency, target: Agency, *, claimed: bool) -> str:
    """Why the claim ends, in the site's language (the claimant's e-mail is in it too)."""
    names = {"source": source.name, "target": target.name}
    with translation.override(settings.LANGUAGE_CODE):
        if claimed:
            return (
                gettext(
                    "%(source)s was a duplicate of %(target)s and has been merged into it. You "
                    "already have a claim on %(target)s: that claim is the one that counts."
                )
                % names
            )
        return (
            gettext(
                "%(source)s was a duplicate of %(target)s and has been merged into it. The address "
                "you claimed with is not on %(target)s's website domain: to represent it, claim it "
                "with an address there."
            )
            % names
        )


def _send_after_commit(claim: AgencyClaim) -> None:
    message = claim_decision_message(claim)

    def send() -> None:
        try:
            message.send()
        except Exception:  # the merge stands; the mail server's outage is logged, not raised
            logger.exception("could not send a claim decision e-mail")

    transaction.on_commit(send)


def _claims_merge(source: Agency, target: Agency, actor) -> tuple[int, int, list[int]]:
    """Move or close the source's open claims; (moved, closed, representatives who moved)."""
    claims = list(
        _open_claims(source).select_for_update(of=("self",)).select_related("user").order_by("pk")
    )
    split = _claims_split(claims, target)
    now = timezone.now()
    AgencyClaim.objects.filter(pk__in=[claim.pk for claim in split.moving]).update(
        agency=target, updated_at=now
    )
    for claim in split.closing:
        approved = claim.status == ClaimStatus.APPROVED
        claim.status = ClaimStatus.REVOKED if approved else ClaimStatus.REJECTED
        claim.note = _closing_note(source, target, claimed=claim.user_id in split.claimed_target)
        claim.decided_by = actor
        claim.decided_at = now
        claim.save(update_fields=["status", "note", "decided_by", "decided_at", "updated_at"])
        ModerationAction.objects.create(
            action=(
                ModerationActionKind.CLAIM_REVOKED
                if approved
                else ModerationActionKind.CLAIM_REJECTED
            ),
            actor=actor,
            account_id=claim.user_id,
            agency=source,
            note=claim.note,
        )
        claim.agency = source
        _send_after_commit(claim)
    representatives = [
        claim.user_id for claim in split.moving if claim.status == ClaimStatus.APPROVED
    ]
    return len(split.moving), len(split.closing), representatives


@transaction.atomic
def agencies_merge(*, source: Agency, target: Agency, actor, note: str = "") -> MergeSummary:
    """Merge the duplicate ``source`` into ``target`` by the module's rules; what moved.

    Refused (``ValidationError``) by ``merge_refusal`` on the agencies as locked, so a second
    moderator merging the same pair at once is told it was already done. The source's score
    row goes (it must hold no rank); the target's score is marked stale and recomputed with
    the moved engagements after commit, and the ranks refreshed after that.
    """
    note = _check_note(note)
    source, target = _locked_pair(source, target)
    refusal = merge_refusal(source=source, target=target)
    if refusal is not None:
        raise refusal
    events = Event.objects.filter(agency=source).count()
    reviews = Review.objects.filter(agency=source).count()
    # Claims and marks are locked before engagements move: a claim approval locks its claim,
    # then the claimant's engagements, and this merge takes them in the same order.
    claims_moved, claims_closed, representatives = _claims_merge(source, target, actor)
    marks_moved, marks_combined = _marks_merge(source, target)
    now = timezone.now()
    engagements = Engagement.objects.filter(agency=source).update(agency=target, updated_at=now)
    # PostgreSQL has already moved the events and reviews (ON UPDATE CASCADE); other databases
    # need these.
    Event.objects.filter(agency=source).update(agency=target)
    Review.objects.filter(agency=source).update(agency=target)
    representative_engagements_hold(user_ids=representatives, agency_id=target.pk, actor=actor)
    duplicates = Agency.objects.filter(merged_into=source).update(
        merged_into=target, updated_at=now
    )
    source.merged_into = target
    source.is_active = False
    source.score_frozen_at = None
    source.save(update_fields=["merged_into", "is_active", "score_frozen_at", "updated_at"])
    AgencyScore.objects.filter(agency=source).delete()
    StaleAgency.objects.filter(agency=source).delete()
    ModerationAction.objects.create(
        action=ModerationActionKind.AGENCY_MERGED,
        actor=actor,
        agency=source,
        merged_into=target,
        note=note,
    )
    scores_mark_stale(agency_ids=[target.pk])
    public_data_changed()
    return MergeSummary(
        engagements=engagements,
        events=events,
        reviews=reviews,
        marks_moved=marks_moved,
        marks_combined=marks_combined,
        claims_moved=claims_moved,
        claims_closed=claims_closed,
        duplicates=duplicates,
    )
