"""Reads about engagements, events and reviews."""

import datetime

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet

from reviews.event_kinds import ACTOR_BY_KIND, AWAITING_KINDS, OUTCOME_KINDS, Actor, Kind
from reviews.models import Engagement, Event


def logbook_of(candidate) -> QuerySet[Engagement]:
    """A candidate's engagements, newest first, each with its agency, review and events.

    Two queries however many engagements: the engagements (with agency and review), and
    their events in timeline order (as ``timeline``).
    """
    events = Event.objects.only(
        "pk", "engagement_id", "kind", "occurred_on", "occurred_at"
    ).order_by(*Event._meta.ordering)
    return (
        Engagement.objects.filter(candidate=candidate)
        .select_related("agency", "review")
        .prefetch_related(Prefetch("events", queryset=events, to_attr="timeline"))
        .order_by("-started_on", "-pk")
    )


def timeline_of(engagement: Engagement) -> list[Event]:
    """An engagement's events in timeline order (date, then time, then entry order)."""
    return list(engagement.events.order_by(*Event._meta.ordering))


def engagements_turned_silent(
    *, today: datetime.date, window_days: int, catch_up_days: int = 7
) -> QuerySet[Engagement]:
    """Counted engagements whose last awaiting point has just gone ``window_days`` unanswered.

    "Just": within the last ``catch_up_days`` days, so an hourly sweep sees each silence a
    few times (and a sweep that was down for a while catches up) but not forever. Annotated
    with ``last_awaiting`` (the date the silence follows). Engagements with an outcome, or
    whose candidate already declared silence since that point, are left out.
    """
    newest = today - datetime.timedelta(days=window_days + 1)
    oldest = newest - datetime.timedelta(days=catch_up_days)
    verified = EmailAddress.objects.filter(user=OuterRef("candidate"), verified=True)
    agency_kinds = [kind for kind, actor in ACTOR_BY_KIND.items() if actor != Actor.CANDIDATE]
    return (
        Engagement.objects.filter(
            excluded_from_scores=False,
            candidate__is_active=True,
            candidate__is_suspended=False,
        )
        .filter(Exists(verified))
        .annotate(
            last_awaiting=Max("events__occurred_on", filter=Q(events__kind__in=AWAITING_KINDS)),
            last_answer=Max("events__occurred_on", filter=Q(events__kind__in=agency_kinds)),
            last_silence=Max("events__occurred_on", filter=Q(events__kind=Kind.SILENCE)),
            outcomes=Count("events", filter=Q(events__kind__in=OUTCOME_KINDS)),
        )
        .filter(outcomes=0, last_awaiting__range=(oldest, newest))
        .filter(Q(last_answer__isnull=True) | Q(last_answer__lt=F("last_awaiting")))
        .filter(Q(last_silence__isnull=True) | Q(last_silence__lt=F("last_awaiting")))
        .order_by("pk")
    )
