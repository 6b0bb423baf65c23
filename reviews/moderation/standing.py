"""What counts towards scores: held and excluded engagements, accounts, frozen scores.

Each change marks the agencies whose scores it changes stale, in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.scores import scores_mark_stale
from agencyrank.page_cache import public_data_changed
from reviews.models import Engagement, ModerationAction, ModerationActionKind
from reviews.moderation.common import already_decided, check_note, check_reason, log_action


def _flags_set(locked, changes: dict[str, object], also_save: list[str] | None = None) -> None:
    """Apply and save ``changes``; refused when the first of them already holds."""
    field, value = next(iter(changes.items()))
    if getattr(locked, field) == value:
        raise already_decided()
    for name, new in changes.items():
        setattr(locked, name, new)
    locked.save(update_fields=[*changes, *(also_save or [])])


# --- Engagements -----------------------------------------------------------------------------


def _engagement_set(
    engagement: Engagement, *, actor, kind: str, changes: dict[str, bool], reason="", note=""
) -> Engagement:
    """Lock, apply ``changes`` (see ``_flags_set``), log ``kind`` and mark the agency stale."""
    locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
    _flags_set(locked, changes, also_save=["updated_at"])
    log_action(
        kind,
        actor=actor,
        engagement=locked,
        agency_id=locked.agency_id,
        reason=reason,
        note=note,
    )
    scores_mark_stale(agency_ids=[locked.agency_id])
    return locked


@transaction.atomic
def engagement_exclude(*, engagement: Engagement, actor, reason: str, note: str = "") -> Engagement:
    """Exclude an engagement from scores (held or not) with a reason; the score follows."""
    check_reason(reason)
    return _engagement_set(
        engagement,
        actor=actor,
        kind=ModerationActionKind.ENGAGEMENT_EXCLUDED,
        changes={"excluded_from_scores": True, "held_for_review": False},
        reason=reason,
        note=check_note(note),
    )


@transaction.atomic
def engagement_include(*, engagement: Engagement, actor, note: str = "") -> Engagement:
    """Count an excluded engagement again (a mistaken exclusion); the score follows."""
    return _engagement_set(
        engagement,
        actor=actor,
        kind=ModerationActionKind.ENGAGEMENT_INCLUDED,
        changes={"excluded_from_scores": False},
        note=check_note(note),
    )


@transaction.atomic
def engagement_hold_clear(*, engagement: Engagement, actor, note: str = "") -> Engagement:
    """Let a held engagement count: a moderator found it genuine; the score follows."""
    return _engagement_set(
        engagement,
        actor=actor,
        kind=ModerationActionKind.HOLD_CLEARED,
        changes={"held_for_review": False},
        note=check_note(note),
    )


@transaction.atomic
def held_engagements_decide(
    *, agency: Agency, actor, exclude: bool, reason: str = "", note: str = ""
) -> int:
    """Exclude (with a reason) or clear every engagement held for ``agency``; how many.

    One log entry per engagement, as if each were decided on its own.
    """
    if exclude:
        check_reason(reason)
    note = check_note(note)
    held = list(
        Engagement.objects.select_for_update()
        .filter(agency=agency, held_for_review=True)
        .order_by("pk")
    )
    if not held:
        return 0
    for engagement in held:
        engagement.held_for_review = False
        engagement.excluded_from_scores = engagement.excluded_from_scores or exclude
    Engagement.objects.bulk_update(held, ["held_for_review", "excluded_from_scores"])
    now = timezone.now()
    action = (
        ModerationActionKind.ENGAGEMENT_EXCLUDED if exclude else ModerationActionKind.HOLD_CLEARED
    )
    ModerationAction.objects.bulk_create(
        ModerationAction(
            action=action,
            actor=actor,
            engagement=engagement,
            agency=agency,
            reason=reason if exclude else "",
            note=note,
            created_at=now,
        )
        for engagement in held
    )
    scores_mark_stale(agency_ids=[agency.pk])
    return len(held)


# --- Agencies --------------------------------------------------------------------------------


@transaction.atomic
def agency_score_release(*, agency: Agency, actor, note: str = "") -> Agency:
    """Unfreeze an agency's public score; it is recomputed from what counts now."""
    note = check_note(note)
    locked = Agency.objects.select_for_update().get(pk=agency.pk)
    _flags_set(locked, {"score_frozen_at": None}, also_save=["updated_at"])
    log_action(ModerationActionKind.SCORE_RELEASED, actor=actor, agency=locked, note=note)
    scores_mark_stale(agency_ids=[locked.pk])
    public_data_changed()
    return locked


# --- Accounts --------------------------------------------------------------------------------


def _agencies_of(account) -> list[int]:
    return list(
        Engagement.objects.filter(candidate=account).values_list("agency_id", flat=True).distinct()
    )


def _check_not_staff(account) -> None:
    # Staff accounts are managed by administrators in the admin, never from the queue.
    if account.is_staff or account.is_superuser:
        raise ValidationError(
            _("Staff accounts cannot be excluded or suspended here."), code="staff"
        )


def _account_set(
    account, *, actor, kind: str, changes: dict[str, bool], reason="", note="", staff_ok=True
):
    """Lock, apply ``changes`` (see ``_flags_set``), log ``kind``, mark its agencies stale."""
    locked = type(account).objects.select_for_update().get(pk=account.pk)
    if not staff_ok:
        _check_not_staff(locked)
    _flags_set(locked, changes)
    log_action(kind, actor=actor, account=locked, reason=reason, note=note)
    scores_mark_stale(agency_ids=_agencies_of(locked))
    return locked


@transaction.atomic
def account_exclude(*, account, actor, reason: str, note: str = ""):
    """Stop counting everything an account logs; every agency it logged is rescored."""
    check_reason(reason)
    return _account_set(
        account,
        actor=actor,
        kind=ModerationActionKind.ACCOUNT_EXCLUDED,
        changes={"excluded_from_scores": True},
        reason=reason,
        note=check_note(note),
        staff_ok=False,
    )


@transaction.atomic
def account_include(*, account, actor, note: str = ""):
    """Count an excluded account's logs again; every agency it logged is rescored."""
    return _account_set(
        account,
        actor=actor,
        kind=ModerationActionKind.ACCOUNT_INCLUDED,
        changes={"excluded_from_scores": False},
        note=check_note(note),
    )


@transaction.atomic
def account_suspend(*, account, actor, reason: str, note: str = ""):
    """Suspend an account: it can no longer sign in, and its logs stop counting.

    Suspension makes the account inactive, which Django and allauth both refuse at sign-in;
    its open sessions end at their next request. Lifting it makes the account active again.
    """
    check_reason(reason)
    return _account_set(
        account,
        actor=actor,
        kind=ModerationActionKind.ACCOUNT_SUSPENDED,
        changes={"is_suspended": True, "is_active": False},
        reason=reason,
        note=check_note(note),
        staff_ok=False,
    )


@transaction.atomic
def account_unsuspend(*, account, actor, note: str = ""):
    """Lift a suspension: the account can sign in again and its logs count again."""
    return _account_set(
        account,
        actor=actor,
        kind=ModerationActionKind.ACCOUNT_UNSUSPENDED,
        changes={"is_suspended": False, "is_active": True},
        note=check_note(note),
    )
