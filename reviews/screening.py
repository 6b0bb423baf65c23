"""Risk checks on what arrives: each new engagement and review gets its risk signals.

The signals are computed once, when the thing arrives (and again when a pending review's
text changes), and stored on it, so the moderation queue reads them without recomputing.
A high-risk engagement (reviews/risk.py, ``HOLDING_SIGNALS``) is held out of scores until
a moderator clears or excludes it. A burst, ``MODERATION_BURST_ENGAGEMENTS`` engagements
with one agency from accounts younger than ``MODERATION_NEW_ACCOUNT_DAYS`` within
``MODERATION_BURST_WINDOW_HOURS`` (each account counting for at most
``SCORING_ACCOUNT_CAP`` of them, as in a score), holds every engagement in it (the ones
that arrived before the threshold too) and freezes the agency's public score until a
moderator releases it. The thresholds are settings; agencyrank/settings.py gives their
rationale. Engagements that arrive together (an import) go through ``engagements_screen``:
the same checks, with one burst check for all their agencies rather than one per engagement.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import Agency
from agencies.scores import score_recompute, scores_mark_stale
from agencyrank.page_cache import public_data_changed
from reviews.models import Engagement, ModerationAction, ModerationActionKind, Review
from reviews.risk import (
    Signal,
    account_is_new,
    holds_engagement,
    in_order,
    is_near_duplicate,
    on_agency_domain,
    risk_level,
    text_signals,
)


@dataclass(frozen=True)
class ScreeningConfig:
    new_account_days: int
    burst_engagements: int
    burst_window: datetime.timedelta
    duplicate_threshold: float
    duplicate_lookback: int
    account_cap: int


def screening_config() -> ScreeningConfig:
    """The thresholds of the checks on arrival, from settings."""
    return ScreeningConfig(
        new_account_days=settings.MODERATION_NEW_ACCOUNT_DAYS,
        burst_engagements=settings.MODERATION_BURST_ENGAGEMENTS,
        burst_window=datetime.timedelta(hours=settings.MODERATION_BURST_WINDOW_HOURS),
        duplicate_threshold=settings.MODERATION_DUPLICATE_PERCENT / 100,
        duplicate_lookback=settings.MODERATION_DUPLICATE_LOOKBACK,
        account_cap=settings.SCORING_ACCOUNT_CAP,
    )


def _account_signals(
    *,
    joined_at: datetime.datetime,
    email: str,
    addresses: list[tuple[str, bool]],
    agency_domain: str,
    now: datetime.datetime,
    config: ScreeningConfig,
) -> set[Signal]:
    """The signals about an account, from its opening date and its (address, verified)s."""
    signals: set[Signal] = set()
    if account_is_new(joined_at, now=now, new_account_days=config.new_account_days):
        signals.add(Signal.NEW_ACCOUNT)
    if not any(verified for _, verified in addresses):
        signals.add(Signal.UNVERIFIED_EMAIL)
    emails = {email, *(address for address, _ in addresses)}
    if any(on_agency_domain(address, agency_domain) for address in emails):
        signals.add(Signal.AGENCY_DOMAIN)
    return signals


def account_signals(
    user, *, agency: Agency, now: datetime.datetime, config: ScreeningConfig
) -> set[Signal]:
    """The signals about ``user``'s account as an author about ``agency``; one query."""
    return _account_signals(
        joined_at=user.date_joined,
        email=user.email,
        addresses=list(EmailAddress.objects.filter(user=user).values_list("email", "verified")),
        agency_domain=agency.domain,
        now=now,
        config=config,
    )


def _in_burst_window(*, now: datetime.datetime, config: ScreeningConfig) -> Q:
    """Engagements from new accounts that arrived within the burst window."""
    return Q(
        created_at__gte=now - config.burst_window,
        candidate__date_joined__gte=now - datetime.timedelta(days=config.new_account_days),
    )


def _burst_members(agency_id: int, *, now: datetime.datetime, config: ScreeningConfig):
    """The agency's engagements from new accounts that arrived within the burst window."""
    return Engagement.objects.filter(_in_burst_window(now=now, config=config), agency_id=agency_id)


def _burst_sizes(
    agency_ids: Iterable[int], *, now: datetime.datetime, config: ScreeningConfig
) -> dict[int, int]:
    """How many engagements of its burst window count towards a burst, by agency; one query.

    An account counts for at most as many engagements as a score counts of it
    (``SCORING_ACCOUNT_CAP``): a brigade needs many accounts to move a score, and one new
    person importing a history of many engagements with one agency is no brigade.
    """
    sizes: dict[int, int] = {}
    for agency_id, count in (
        Engagement.objects.filter(_in_burst_window(now=now, config=config))
        .filter(agency_id__in=set(agency_ids))
        .order_by()
        .values("agency_id", "candidate_id")
        .annotate(count=Count("pk"))
        .values_list("agency_id", "count")
    ):
        sizes[agency_id] = sizes.get(agency_id, 0) + min(count, config.account_cap)
    return sizes


def _log_holds(held: Iterable[tuple[int, int]], now: datetime.datetime) -> None:
    """One log entry per (engagement id, agency id) held by the checks."""
    ModerationAction.objects.bulk_create(
        ModerationAction(
            action=ModerationActionKind.ENGAGEMENT_HELD,
            engagement_id=engagement_id,
            agency_id=agency_id,
            created_at=now,
        )
        for engagement_id, agency_id in held
    )


def _hold_burst(agency: Agency, *, now: datetime.datetime, config: ScreeningConfig) -> None:
    """Hold every engagement of the burst, give each the signal, and freeze the score.

    The engagements that arrived before the threshold was reached may already have moved
    the score: the score is recomputed without them first, then frozen there.
    """
    # Members already marked were held before; if one is no longer held, a moderator
    # cleared it, and that decision stands.
    members = [
        member
        for member in _burst_members(agency.pk, now=now, config=config)
        .select_for_update()
        .only("pk", "risk_signals", "held_for_review", "excluded_from_scores")
        if Signal.BURST not in member.risk_signals
    ]
    for member in members:
        signals = {*member.risk_signals, Signal.BURST}
        member.risk_signals = in_order(signals)
        member.risk_level = risk_level(signals)
        member.held_for_review = not member.excluded_from_scores
    Engagement.objects.bulk_update(members, ["risk_signals", "risk_level", "held_for_review"])
    _log_holds(((member.pk, agency.pk) for member in members if member.held_for_review), now)
    if agency.score_frozen_at is None:
        score_recompute(agency_id=agency.pk)
        agency.score_frozen_at = now
        agency.save(update_fields=["score_frozen_at", "updated_at"])
        public_data_changed()  # the agency page shows the freeze notice
        ModerationAction.objects.create(
            action=ModerationActionKind.SCORE_FROZEN, agency=agency, created_at=now
        )


@transaction.atomic
def engagement_screen(
    *, engagement: Engagement, now: datetime.datetime | None = None
) -> Engagement:
    """Give a newly arrived engagement its risk signals; hold it, and its burst, if high-risk."""
    now = now or timezone.now()
    config = screening_config()
    # One screening per agency at a time, so that engagements arriving together all see
    # each other when counting towards a burst.
    agency = Agency.objects.select_for_update().get(pk=engagement.agency_id)
    signals = account_signals(engagement.candidate, agency=agency, now=now, config=config)
    if Signal.NEW_ACCOUNT in signals:
        burst_size = _burst_sizes([agency.pk], now=now, config=config).get(agency.pk, 0)
        if burst_size >= config.burst_engagements:
            signals.add(Signal.BURST)
    engagement.risk_signals = in_order(signals)
    engagement.risk_level = risk_level(signals)
    engagement.held_for_review = holds_engagement(signals)
    engagement.save(update_fields=["risk_signals", "risk_level", "held_for_review", "updated_at"])
    if engagement.held_for_review:
        _log_holds([(engagement.pk, agency.pk)], now)
    if Signal.BURST in signals:
        _hold_burst(agency, now=now, config=config)
    if engagement.held_for_review:
        scores_mark_stale(agency_ids=[agency.pk])
    return engagement


# No savepoint of its own: it runs inside an import, which is saved whole or not at all.
@transaction.atomic(savepoint=False)
def engagements_screen(
    *, engagements: list[Engagement], now: datetime.datetime | None = None
) -> None:
    """Screen engagements that arrived together as ``engagement_screen`` screens one.

    The same signals, holds and bursts, in a few queries whatever their number: one burst
    count for all the agencies they name, and a burst held once per agency.
    """
    if not engagements:
        return
    now = now or timezone.now()
    config = screening_config()
    # As in engagement_screen, one screening per agency at a time; locked in one order, so
    # that two screenings naming the same agencies wait for each other instead of deadlocking.
    agencies = {
        agency.pk: agency
        for agency in Agency.objects.select_for_update()
        .filter(pk__in={engagement.agency_id for engagement in engagements})
        .order_by("pk")
    }
    # Each account with its addresses, in one query: a row per address (or one without).
    accounts: dict[int, tuple[datetime.datetime, str]] = {}
    addresses: dict[int, list[tuple[str, bool]]] = {}
    for pk, joined_at, email, address, verified in (
        get_user_model()
        .objects.filter(pk__in={engagement.candidate_id for engagement in engagements})
        .values_list("pk", "date_joined", "email", "emailaddress__email", "emailaddress__verified")
    ):
        accounts[pk] = (joined_at, email)
        addresses.setdefault(pk, [])
        if address is not None:
            addresses[pk].append((address, verified))
    found: dict[int, set[Signal]] = {}
    for engagement in engagements:
        joined_at, email = accounts[engagement.candidate_id]
        found[engagement.pk] = _account_signals(
            joined_at=joined_at,
            email=email,
            addresses=addresses[engagement.candidate_id],
            agency_domain=agencies[engagement.agency_id].domain,
            now=now,
            config=config,
        )
    from_new = {e.agency_id for e in engagements if Signal.NEW_ACCOUNT in found[e.pk]}
    bursting: set[int] = set()
    if from_new:
        sizes = _burst_sizes(from_new, now=now, config=config)
        bursting = {
            agency_id for agency_id, size in sizes.items() if size >= config.burst_engagements
        }
    # Few distinct outcomes among many engagements: one UPDATE for each.
    outcomes: dict[tuple[str, ...], list[int]] = {}
    held: list[tuple[int, int]] = []
    for engagement in engagements:
        signals = found[engagement.pk]
        if Signal.NEW_ACCOUNT in signals and engagement.agency_id in bursting:
            signals.add(Signal.BURST)
        engagement.risk_signals = in_order(signals)
        engagement.risk_level = risk_level(signals)
        engagement.held_for_review = holds_engagement(signals)
        if signals:
            outcomes.setdefault(tuple(engagement.risk_signals), []).append(engagement.pk)
        if engagement.held_for_review:
            held.append((engagement.pk, engagement.agency_id))
    for codes, pks in outcomes.items():
        Engagement.objects.filter(pk__in=pks).update(
            risk_signals=list(codes),
            risk_level=risk_level(codes),
            held_for_review=holds_engagement(codes),
            updated_at=now,
        )
    _log_holds(held, now)
    # The engagements of each burst that arrived earlier, and the freeze.
    for agency_id in sorted(bursting):
        _hold_burst(agencies[agency_id], now=now, config=config)
    scores_mark_stale(agency_ids={agency_id for _, agency_id in held})


def _near_duplicate(review: Review, *, agency_id: int, config: ScreeningConfig) -> bool:
    """True when the review's text nearly repeats one of the agency's latest other reviews."""
    others = (
        Review.objects.filter(engagement__agency_id=agency_id)
        .exclude(pk=review.pk)
        .order_by("-submitted_at", "-pk")
        .values_list("text", flat=True)[: config.duplicate_lookback]
    )
    return is_near_duplicate(review.text, others, threshold=config.duplicate_threshold)


@transaction.atomic
def review_screen(*, review: Review, now: datetime.datetime | None = None) -> Review:
    """Give a submitted (or edited) review its risk signals: account, text and copies."""
    now = now or timezone.now()
    config = screening_config()
    engagement = review.engagement
    agency = engagement.agency
    signals = account_signals(engagement.candidate, agency=agency, now=now, config=config)
    signals |= text_signals(review.text)
    if Signal.BURST in engagement.risk_signals:
        signals.add(Signal.BURST)
    if _near_duplicate(review, agency_id=agency.pk, config=config):
        signals.add(Signal.NEAR_DUPLICATE)
    review.risk_signals = in_order(signals)
    review.risk_level = risk_level(signals)
    review.save(update_fields=["risk_signals", "risk_level", "updated_at"])
    return review
