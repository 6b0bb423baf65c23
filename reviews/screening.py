"""Risk checks on what arrives: each new engagement and review gets its risk signals.

The signals are computed once, when the thing arrives (and again when a pending review's
text changes), and stored on it, so the moderation queue reads them without recomputing.
A high-risk engagement (reviews/risk.py, ``HOLDING_SIGNALS``) is held out of scores until
a moderator clears or excludes it. A burst, ``MODERATION_BURST_ENGAGEMENTS`` engagements
with one agency from accounts younger than ``MODERATION_NEW_ACCOUNT_DAYS`` within
``MODERATION_BURST_WINDOW_HOURS``, holds every engagement in it (the ones that arrived
before the threshold too) and freezes the agency's public score until a moderator
releases it. The thresholds are settings; agencyrank/settings.py gives their rationale.
"""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
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


def screening_config() -> ScreeningConfig:
    """The thresholds of the checks on arrival, from settings."""
    return ScreeningConfig(
        new_account_days=settings.MODERATION_NEW_ACCOUNT_DAYS,
        burst_engagements=settings.MODERATION_BURST_ENGAGEMENTS,
        burst_window=datetime.timedelta(hours=settings.MODERATION_BURST_WINDOW_HOURS),
        duplicate_threshold=settings.MODERATION_DUPLICATE_PERCENT / 100,
        duplicate_lookback=settings.MODERATION_DUPLICATE_LOOKBACK,
    )


def account_signals(
    user, *, agency: Agency, now: datetime.datetime, config: ScreeningConfig
) -> set[Signal]:
    """The signals about ``user``'s account as an author about ``agency``; one query."""
    signals: set[Signal] = set()
    if account_is_new(user.date_joined, now=now, new_account_days=config.new_account_days):
        signals.add(Signal.NEW_ACCOUNT)
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    if not any(verified for _, verified in addresses):
        signals.add(Signal.UNVERIFIED_EMAIL)
    emails = {user.email, *(email for email, _ in addresses)}
    if any(on_agency_domain(email, agency.domain) for email in emails):
        signals.add(Signal.AGENCY_DOMAIN)
    return signals


def _burst_members(agency_id: int, *, now: datetime.datetime, config: ScreeningConfig):
    """The agency's engagements from new accounts that arrived within the burst window."""
    return Engagement.objects.filter(
        agency_id=agency_id,
        created_at__gte=now - config.burst_window,
        candidate__date_joined__gte=now - datetime.timedelta(days=config.new_account_days),
    )


def _log_holds(engagement_ids: list[int], agency_id: int, now: datetime.datetime) -> None:
    ModerationAction.objects.bulk_create(
        ModerationAction(
            action=ModerationActionKind.ENGAGEMENT_HELD,
            engagement_id=engagement_id,
            agency_id=agency_id,
            created_at=now,
        )
        for engagement_id in engagement_ids
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
    _log_holds([member.pk for member in members if member.held_for_review], agency.pk, now)
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
        burst_size = _burst_members(agency.pk, now=now, config=config).count()
        if burst_size >= config.burst_engagements:
            signals.add(Signal.BURST)
    engagement.risk_signals = in_order(signals)
    engagement.risk_level = risk_level(signals)
    engagement.held_for_review = holds_engagement(signals)
    engagement.save(update_fields=["risk_signals", "risk_level", "held_for_review", "updated_at"])
    if engagement.held_for_review:
        _log_holds([engagement.pk], agency.pk, now)
    if Signal.BURST in signals:
        _hold_burst(agency, now=now, config=config)
    if engagement.held_for_review:
        scores_mark_stale(agency_ids=[agency.pk])
    return engagement


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
