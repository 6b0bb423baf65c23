"""Small builders for test data, going through the services where one exists."""

import datetime
import itertools

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency, AgencyScore
from agencies.scoring import Evidence, Tally
from agencies.services import agency_create
from reviews.models import Engagement, Event, Review, Source

_numbers = itertools.count(1)


# New accounts do not count towards scores for a probation period (MODERATION_NEW_ACCOUNT_DAYS);
# the accounts tests make are established ones unless a test asks for a new one.
ESTABLISHED_FOR = datetime.timedelta(days=60)


def make_user(
    *,
    email: str | None = None,
    password: str = "a-long-test-password-42",
    verified: bool = True,
    **fields,
) -> User:
    """An established account (opened 60 days ago); with a verified primary e-mail unless told
    otherwise."""
    email = email or f"person{next(_numbers)}@example.com"
    fields.setdefault("date_joined", timezone.now() - ESTABLISHED_FOR)
    user = User.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def make_new_user(**fields) -> User:
    """An account opened just now, still in its probation."""
    return make_user(date_joined=timezone.now(), **fields)


def days_ago(days: int) -> datetime.date:
    """The date ``days`` days before today, in the site's time zone."""
    return timezone.localdate() - datetime.timedelta(days=days)


def make_agency(*, name: str | None = None, country: str = "GB", **fields) -> Agency:
    """An agency created through the service."""
    return agency_create(name=name or f"Agency {next(_numbers)}", country=country, **fields)


def make_engagement(
    *,
    candidate: User | None = None,
    agency: Agency | None = None,
    started_on: datetime.date | None = None,
    **fields,
) -> Engagement:
    """An engagement of ``candidate`` with ``agency`` (both made when omitted)."""
    return Engagement.objects.create(
        candidate=candidate or make_user(),
        agency=agency or make_agency(),
        started_on=started_on or datetime.date(2026, 1, 5),
        source=fields.pop("source", Source.LINKEDIN),
        **fields,
    )


def make_event(
    *, engagement: Engagement, kind: str, occurred_on: datetime.date | None = None, **fields
) -> Event:
    """An event on ``engagement`` carrying its agency."""
    return Event.objects.create(
        engagement=engagement,
        agency_id=engagement.agency_id,
        kind=kind,
        occurred_on=occurred_on or engagement.started_on,
        **fields,
    )


def make_review(*, engagement: Engagement | None = None, rating: int = 4, **fields) -> Review:
    """A pending review with the same rating on all four scales, carrying its agency."""
    engagement = engagement or make_engagement()
    return Review.objects.create(
        engagement=engagement,
        agency_id=engagement.agency_id,
        rating_communication=rating,
        rating_honesty=rating,
        rating_feedback=rating,
        rating_respect=rating,
        text=fields.pop("text", "Clear and polite throughout."),
        **fields,
    )


def make_score(*, agency: Agency, tallies: dict | None = None, **fields) -> AgencyScore:
    """A score row for ``agency`` as the scoring jobs would write it.

    ``tallies`` maps a metric to (hits, cases); its shown rate is set from them unless given.
    """
    tallies = tallies or {}
    evidence = Evidence(
        engagements=fields.get("engagements", 0),
        tallies={
            metric: Tally(hits, cases, float(hits), float(cases))
            for metric, (hits, cases) in tallies.items()
        },
        reply_delays=fields.pop("reply_delays", {}),
    )
    for metric, (hits, cases) in tallies.items():
        fields.setdefault(metric, hits / cases if cases else None)
    if fields.get("score") is not None:
        fields.setdefault("score_low", max(fields["score"] - 7, 0))
        fields.setdefault("score_high", min(fields["score"] + 7, 100))
    return AgencyScore.objects.create(
        agency=agency, evidence=evidence.to_json(), updated_at=timezone.now(), **fields
    )


def make_staff(**fields) -> User:
    """A staff account with an authenticator app set up, as every staff page requires."""
    user = make_user(is_staff=True, **fields)
    TOTP.activate(user, generate_totp_secret())
    return user
