"""What the moderation pages show, as plain data for the templates.

A moderator sees an author as an account number, its age, its verification and standing;
never its e-mail address or name (reviews/moderation/queries.py says why).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import ngettext

from reviews.models import Engagement, EventKind, Review, RiskSignal
from reviews.moderation_forms import ReviewDecisionForm
from reviews.risk import HIGH_SIGNALS, Signal


@dataclass(frozen=True)
class SignalRow:
    code: str
    label: str
    high: bool


@dataclass(frozen=True)
class AccountFacts:
    """What a moderator may know about an author: never the e-mail address or the name."""

    number: int
    age_days: int
    verified: bool
    suspended: bool
    excluded: bool
    staff: bool


@dataclass(frozen=True)
class TimelineStep:
    kind: str
    occurred_on: datetime.date


def signal_label(code: str) -> str:
    """A stored signal code in plain words; "new account" says how new, from the setting."""
    if code != Signal.NEW_ACCOUNT:
        return str(RiskSignal(code).label)
    days = settings.MODERATION_NEW_ACCOUNT_DAYS
    if days == 7:  # the default reads better as a week
        return str(RiskSignal.NEW_ACCOUNT.label)
    return ngettext(
        "The account is less than %(count)d day old",
        "The account is less than %(count)d days old",
        days,
    ) % {"count": days}


def signal_rows(codes: list[str]) -> list[SignalRow]:
    """Stored signal codes as plain words, high-risk ones marked."""
    known = set(RiskSignal.values)
    return [
        SignalRow(code, signal_label(code), code in HIGH_SIGNALS) for code in codes if code in known
    ]


def account_facts(account, *, verified: bool, now: datetime.datetime) -> AccountFacts:
    """What a moderator may know of ``account``."""
    return AccountFacts(
        number=account.pk,
        age_days=(now - account.date_joined).days,
        verified=verified,
        suspended=account.is_suspended,
        excluded=account.excluded_from_scores,
        staff=account.is_staff or account.is_superuser,
    )


def timeline_steps(engagement: Engagement) -> list[TimelineStep]:
    """The engagement's prefetched ``timeline`` as kinds in words with their dates."""
    return [
        TimelineStep(str(EventKind(event.kind).label), event.occurred_on)
        for event in engagement.timeline
    ]


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    engagement: Engagement
    signals: list[SignalRow]
    account: AccountFacts
    timeline: list[TimelineStep]
    form: ReviewDecisionForm


def review_row(review: Review, now: datetime.datetime) -> ReviewRow:
    """A review as the queue and the review page show it, with its decision form."""
    engagement = review.engagement
    return ReviewRow(
        review=review,
        engagement=engagement,
        signals=signal_rows(review.risk_signals),
        account=account_facts(engagement.candidate, verified=review.author_verified, now=now),
        timeline=timeline_steps(engagement),
        form=ReviewDecisionForm(prefix=f"review-{review.pk}"),
    )


@dataclass(frozen=True)
class EngagementRow:
    engagement: Engagement
    signals: list[SignalRow]
    account: AccountFacts
    timeline: list[TimelineStep]


def engagement_row(engagement: Engagement, now: datetime.datetime) -> EngagementRow:
    """An engagement as the engagement and agency pages show it."""
    return EngagementRow(
        engagement=engagement,
        signals=signal_rows(engagement.risk_signals),
        account=account_facts(engagement.candidate, verified=engagement.author_verified, now=now),
        timeline=timeline_steps(engagement),
    )
