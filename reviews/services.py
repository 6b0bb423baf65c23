"""Writes to engagements, events and reviews. Every way in comes through here.

Each write that can change an agency's score marks the agency stale in the same
transaction (``agencies.scores.scores_mark_stale``), which asks for one recompute after
commit.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.claims import is_representative
from agencies.models import Agency
from agencies.scores import scores_mark_stale
from reviews.models import (
    RATING_FIELDS,
    Engagement,
    Event,
    EventKind,
    Review,
    ReviewStatus,
    ReviewStatusChange,
)
from reviews.screening import engagement_screen, review_screen
from reviews.timeline import outcome_after_withdrawal, steps_of

REVIEW_TEXT_MIN_LENGTH = 20
REVIEW_TEXT_MAX_LENGTH = 5000


@transaction.atomic
def engagement_create(
    *, candidate, agency: Agency, source: str, started_on: datetime.date, role_title: str = ""
) -> Engagement:
    """Create a validated engagement of ``candidate`` with ``agency``, with its risk signals."""
    engagement = Engagement(
        candidate=candidate,
        agency=agency,
        source=source,
        started_on=started_on,
        role_title=role_title.strip(),
    )
    engagement.full_clean()
    engagement.save()
    engagement_screen(engagement=engagement)
    scores_mark_stale(agency_ids=[agency.pk])
    return engagement


@transaction.atomic
def engagement_moved(*, engagement: Engagement, from_agency_id: int | None) -> None:
    """After an engagement changed agency: its events and review follow it, both scores go stale.

    PostgreSQL moves them by itself (ON UPDATE CASCADE); SQLite needs these updates.
    """
    Event.objects.filter(engagement=engagement).exclude(agency_id=engagement.agency_id).update(
        agency_id=engagement.agency_id
    )
    Review.objects.filter(engagement=engagement).exclude(agency_id=engagement.agency_id).update(
        agency_id=engagement.agency_id
    )
    scores_mark_stale(agency_ids=[engagement.agency_id, *filter(None, [from_agency_id])])


def _in_timeline_order(events: Iterable[Event]) -> list[Event]:
    """Events in the order of ``Event.Meta.ordering``; an unsaved one last among its ties."""

    def key(event: Event) -> tuple:
        time = event.occurred_at
        return (
            event.occurred_on,
            time is not None,
            time or datetime.time.min,
            event.pk if event.pk is not None else float("inf"),
        )

    return sorted(events, key=key)


def _check_no_outcome_after_withdrawal(event: Event) -> None:
    """Refuse a write that would put a rejection or an offer after the candidate withdrew.

    Only a write that breaks the rule is refused: a timeline that was already broken
    (entered before the rule existed) can still be corrected one event at a time.
    """
    # Locking the engagement serialises writes to one timeline, so two requests at once
    # cannot each pass this check and together break the rule.
    Engagement.objects.select_for_update().filter(pk=event.engagement_id).values("pk").first()
    stored = list(
        Event.objects.filter(engagement_id=event.engagement_id).only(
            "pk", "kind", "occurred_on", "occurred_at"
        )
    )
    if outcome_after_withdrawal(steps_of(_in_timeline_order(stored))) is not None:
        return
    after = _in_timeline_order([e for e in stored if e.pk != event.pk] + [event])
    index = outcome_after_withdrawal(steps_of(after))
    if index is None:
        return
    outcome = after[index]
    if outcome is event:
        message = _(
            "You had already withdrawn by then: a rejection or an offer cannot come after "
            "your withdrawal. Check the date, or choose another kind (such as a reply)."
        )
    else:
        message = _(
            "This would put “%(outcome)s” (%(date)s) after your withdrawal, and an outcome "
            "cannot come after it. Check the dates."
        ) % {"outcome": EventKind(outcome.kind).label, "date": outcome.occurred_on.isoformat()}
    raise ValidationError({"kind": ValidationError(message, code="outcome_after_withdrawal")})


@transaction.atomic
def event_create(
    *,
    engagement: Engagement,
    kind: str,
    occurred_on: datetime.date,
    occurred_at: datetime.time | None = None,
    note: str = "",
    role_details_disclosed: bool | None = None,
) -> Event:
    """Add a validated event to an engagement's timeline; its agency's score goes stale."""
    event = Event(
        engagement=engagement,
        agency_id=engagement.agency_id,
        kind=kind,
        occurred_on=occurred_on,
        occurred_at=occurred_at,
        note=note,
        role_details_disclosed=role_details_disclosed,
    )
    event.full_clean()
    _check_no_outcome_after_withdrawal(event)
    event.save()
    scores_mark_stale(agency_ids=[engagement.agency_id])
    return event


@transaction.atomic
def event_update(*, event: Event, **changes) -> Event:
    """Change an event's kind, date, time, note or disclosure after validation."""
    allowed = {"kind", "occurred_on", "occurred_at", "note", "role_details_disclosed"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"event_update() cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(event, field, value)
    event.full_clean()
    _check_no_outcome_after_withdrawal(event)
    event.save()
    scores_mark_stale(agency_ids=[event.agency_id])
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Remove an event from its timeline."""
    agency_id = event.agency_id
    event.delete()
    scores_mark_stale(agency_ids=[agency_id])


@transaction.atomic
def review_publish(*, review: Review, actor=None, note: str = "") -> Review:
    """Publish a review and record the change in its history; publishing twice is a no-op."""
    review = Review.objects.select_for_update().select_related("engagement").get(pk=review.pk)
    if review.status == ReviewStatus.PUBLISHED:
        return review
    ReviewStatusChange.objects.create(
        review=review,
        from_status=review.status,
        to_status=ReviewStatus.PUBLISHED,
        note=note,
        actor=actor,
    )
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.save(update_fields=["status", "published_at", "updated_at"])
    # The agency's average rating changes with it.
    scores_mark_stale(agency_ids=[review.engagement.agency_id])
    return review


def _validate_review(review: Review) -> None:
    """Model validation plus the text's length limits (a TextField does not enforce them)."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        review.full_clean(exclude=["engagement"])
    except ValidationError as error:
        errors.update(error.error_dict)
    length = len(review.text)
    if 0 < length < REVIEW_TEXT_MIN_LENGTH or length > REVIEW_TEXT_MAX_LENGTH:
        errors.setdefault("text", []).append(
            ValidationError(
                _("The review must be between %(min)d and %(max)d characters long."),
                code="length",
                params={"min": REVIEW_TEXT_MIN_LENGTH, "max": REVIEW_TEXT_MAX_LENGTH},
            )
        )
    if errors:
        raise ValidationError(errors)


def representative_refusal() -> ValidationError:
    """The error for a review written or changed by a representative of the reviewed agency."""
    return ValidationError(
        _("You represent this agency, so you cannot review it."), code="representative"
    )


@transaction.atomic
def review_submit(
    *,
    engagement: Engagement,
    rating_communication: int,
    rating_honesty: int,
    rating_feedback: int,
    rating_respect: int,
    text: str,
) -> Review:
    """Submit the one review of an engagement; it waits for moderation.

    Nothing goes stale: only published reviews count, and publishing marks the agency.
    """
    review = Review(
        engagement=engagement,
        agency_id=engagement.agency_id,
        rating_communication=rating_communication,
        rating_honesty=rating_honesty,
        rating_feedback=rating_feedback,
        rating_respect=rating_respect,
        text=text.strip(),
        status=ReviewStatus.PENDING,
        submitted_at=timezone.now(),
    )
    _validate_review(review)
    if is_representative(engagement.candidate, engagement.agency):
        raise representative_refusal()
    already = _("This experience already has a review; edit that one instead.")
    if Review.objects.filter(engagement=engagement).exists():
        raise ValidationError(already, code="duplicate")
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:  # submitted twice at once: the database keeps one
        raise ValidationError(already, code="duplicate") from None
    ReviewStatusChange.objects.create(
        review=review,
        from_status="",
        to_status=ReviewStatus.PENDING,
        actor=engagement.candidate,
    )
    review_screen(review=review)
    return review


@transaction.atomic
def review_update(*, review: Review, **changes) -> Review:
    """Change a review's ratings or text, only while it waits for moderation.

    Refused, like a new review, once the author represents the agency: a review written
    before their claim was approved cannot become the agency's word about itself.
    """
    allowed = {*RATING_FIELDS, "text"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"review_update() cannot change {sorted(unknown)}")
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("engagement__candidate", "engagement__agency")
        .get(pk=review.pk)
    )
    if review.status != ReviewStatus.PENDING:
        raise ValidationError(
            _("This review has been moderated and can no longer be changed."), code="locked"
        )
    if is_representative(review.engagement.candidate, review.engagement.agency):
        raise representative_refusal()
    for field, value in changes.items():
        setattr(review, field, value.strip() if field == "text" else value)
    _validate_review(review)
    review.save()
    review_screen(review=review)  # a changed text is checked again
    return review
