"""The candidate's logbook: the dashboard, an engagement's timeline, its review.

Every page works without JavaScript (POST forms that redirect). With htmx the timeline's
rows swap in place: the views render whole pages either way, and htmx picks the part it
needs (hx-select), so there is one code path. Adding the agency and the engagement lives in
experience_views.py.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.claims import is_representative
from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund, too_many_requests
from reviews.access import candidate_required, own_engagement_or_404, own_event_or_404
from reviews.event_kinds import Kind
from reviews.forms import EventForm, ReviewForm, add_service_errors
from reviews.models import Engagement, Event, Review, ReviewStatus, SilenceNudge
from reviews.nudges import nudge_answer as nudge_answer_service
from reviews.nudges import read_nudge_token
from reviews.queries import logbook_of, timeline_of
from reviews.services import (
    event_create,
    event_delete,
    event_update,
    review_submit,
    review_update,
)
from reviews.timeline import Reading, State, read_timeline, steps_of, unprompted_replies

ANSWERABLE_STATES = frozenset({State.WAITING, State.GHOSTED})


def _read(events: list[Event]) -> Reading:
    return read_timeline(
        steps_of(events),
        today=timezone.localdate(),
        ghosting_days=settings.SCORING_GHOSTING_WINDOW_DAYS,
    )


def _quick_answers(events: list[Event], reading: Reading) -> frozenset[str]:
    """The one-click answers that make sense now: only while the agency owes an answer."""
    if reading.state not in ANSWERABLE_STATES:
        return frozenset()
    if events and events[-1].kind == Kind.SILENCE:
        return frozenset({Kind.REPLY})  # silence is already declared
    return frozenset({Kind.REPLY, Kind.SILENCE})


# --- Dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogbookRow:
    engagement: Engagement
    reading: Reading
    quick_answers: frozenset[str]
    review: Review | None


def _review_of(engagement: Engagement) -> Review | None:
    try:
        return engagement.review
    except Review.DoesNotExist:
        return None


@candidate_required
@require_safe
def my_experiences(request):
    rows = []
    for engagement in logbook_of(request.user):
        reading = _read(engagement.timeline)
        rows.append(
            LogbookRow(
                engagement=engagement,
                reading=reading,
                quick_answers=_quick_answers(engagement.timeline, reading),
                review=_review_of(engagement),
            )
        )
    return render(request, "reviews/my_experiences.html", {"rows": rows})


QUICK_ANSWER_MESSAGES = {
    Kind.REPLY: gettext_lazy("Logged: %(agency)s replied today."),
    Kind.SILENCE: gettext_lazy("Logged: still no answer from %(agency)s today."),
}


@candidate_required
@require_POST
def quick_answer(request, pk: int, kind: str):
    """The dashboard's "They replied" and "Still silence": log a `reply` or `silence` today."""
    engagement = own_engagement_or_404(request, pk)
    events = timeline_of(engagement)
    if kind not in _quick_answers(events, _read(events)):
        messages.info(request, _("Nothing to answer there: that engagement is not waiting."))
        return redirect("reviews:my_experiences")
    if not rate_limit_consume(user=request.user, action="event_create"):
        return too_many_requests(request)
    try:
        event_create(engagement=engagement, kind=kind, occurred_on=timezone.localdate())
    except ValidationError as error:
        rate_limit_refund(user=request.user, action="event_create")
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, QUICK_ANSWER_MESSAGES[kind] % {"agency": engagement.agency.name})
    return redirect("reviews:my_experiences")


# --- The timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    event: Event
    unprompted: bool  # a `reply` with nothing before it to reply to
    edit_form: EventForm | None  # the row is being edited
    confirming_delete: bool


def _event_id(value: str | None) -> int | None:
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def _timeline_page(
    request,
    engagement: Engagement,
    *,
    add_form: EventForm | None = None,
    editing: int | None = None,
    edit_form: EventForm | None = None,
    deleting: int | None = None,
):
    events = timeline_of(engagement)
    flagged = unprompted_replies(steps_of(events))
    rows = []
    for index, event in enumerate(events):
        form = None
        if event.pk == editing:
            form = edit_form or EventForm(engagement=engagement, event=event, prefix="edit")
        rows.append(
            TimelineRow(
                event=event,
                unprompted=index in flagged,
                edit_form=form,
                confirming_delete=event.pk == deleting and form is None,
            )
        )
    if add_form is None:
        today = timezone.localdate()
        add_form = EventForm(
            engagement=engagement, initial={"occurred_on": max(today, engagement.started_on)}
        )
    context = {
        "engagement": engagement,
        "rows": rows,
        "reading": _read(events),
        "add_form": add_form,
        "review": Review.objects.filter(engagement=engagement).only("status").first(),
        "ghosting_days": settings.SCORING_GHOSTING_WINDOW_DAYS,
    }
    return render(request, "reviews/timeline.html", context)


def _timeline_url(engagement: Engagement, event: Event | None = None) -> str:
    url = reverse("reviews:timeline", args=[engagement.pk])
    return f"{url}#event-{event.pk}" if event is not None else url


@candidate_required
@require_safe
def timeline(request, pk: int):
    """An engagement's events; ``?edit=<id>`` or ``?delete=<id>`` turns that row into a form."""
    engagement = own_engagement_or_404(request, pk)
    return _timeline_page(
        request,
        engagement,
        editing=_event_id(request.GET.get("edit")),
        deleting=_event_id(request.GET.get("delete")),
    )


@candidate_required
@require_POST
def event_add(request, pk: int):
    engagement = own_engagement_or_404(request, pk)
    form = EventForm(request.POST, engagement=engagement)
    if form.is_valid():
        if not rate_limit_consume(user=request.user, action="event_create"):
            return too_many_requests(request)
        try:
            event = event_create(engagement=engagement, **form.cleaned_data)
        except ValidationError as error:
            rate_limit_refund(user=request.user, action="event_create")
            add_service_errors(form, error)
        else:
            messages.success(request, _("Event added."))
            return redirect(_timeline_url(engagement, event))
    return _timeline_page(request, engagement, add_form=form)


@candidate_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int, event_pk: int):
    engagement = own_engagement_or_404(request, pk)
    event = own_event_or_404(engagement, event_pk)
    if request.method == "GET":
        return redirect(f"{_timeline_url(engagement)}?edit={event.pk}#event-{event.pk}")
    form = EventForm(request.POST, engagement=engagement, event=event, prefix="edit")
    if form.is_valid():
        try:
            event_update(event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Event updated."))
            return redirect(_timeline_url(engagement, event))
    return _timeline_page(request, engagement, editing=event.pk, edit_form=form)


@candidate_required
@require_http_methods(["GET", "POST"])
def event_remove(request, pk: int, event_pk: int):
    """POST deletes; GET shows the row's confirmation (the step that works without JS)."""
    engagement = own_engagement_or_404(request, pk)
    event = own_event_or_404(engagement, event_pk)
    if request.method == "GET":
        return redirect(f"{_timeline_url(engagement)}?delete={event.pk}#event-{event.pk}")
    event_delete(event=event)
    messages.success(request, _("Event deleted."))
    return redirect(_timeline_url(engagement))


# --- The review --------------------------------------------------------------------------------


@candidate_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """The engagement's one review: written and edited while pending, then read-only.

    A representative of the engagement's agency is told why they cannot review it, instead
    of a form they could only be refused on.
    """
    engagement = own_engagement_or_404(request, pk)
    existing = Review.objects.filter(engagement=engagement).first()
    moderated = existing is not None and existing.status != ReviewStatus.PENDING
    if not moderated and is_representative(request.user, engagement.agency):
        return render(
            request,
            "reviews/review.html",
            {"engagement": engagement, "review": existing, "representative": True},
        )
    if moderated:
        if request.method == "POST":
            messages.error(
                request, _("This review has been moderated and can no longer be changed.")
            )
            return redirect("reviews:review", pk=engagement.pk)
        decision = existing.history.order_by("-created_at", "-pk").first()
        return render(
            request,
            "reviews/review.html",
            {"engagement": engagement, "review": existing, "decision": decision},
        )
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                if existing is None:
                    if not rate_limit_consume(user=request.user, action="review_submit"):
                        return too_many_requests(request)
                    review_submit(engagement=engagement, **form.cleaned_data)
                    done = _("Thanks — your review will appear once a moderator has checked it.")
                else:
                    review_update(review=existing, **form.cleaned_data)
                    done = _(
                        "Your review is updated. It will appear once a moderator has checked it."
                    )
            except ValidationError as error:
                if existing is None:
                    rate_limit_refund(user=request.user, action="review_submit")
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("reviews:timeline", pk=engagement.pk)
    else:
        form = ReviewForm(review=existing)
    return render(
        request, "reviews/review.html", {"engagement": engagement, "review": existing, "form": form}
    )


# --- Nudge e-mails ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def nudge_answer(request, token: str):
    """A one-click answer from a nudge e-mail: GET shows it, POST logs it."""
    decoded = read_nudge_token(token)
    nudge = None
    if decoded is not None:
        nudge = (
            SilenceNudge.objects.select_related("engagement__agency").filter(pk=decoded[0]).first()
        )
    if nudge is None:
        return render(request, "reviews/nudge_invalid.html", status=404)
    answer = decoded[1]
    if request.method == "POST":
        nudge_answer_service(nudge_id=nudge.pk, answer=answer)
        nudge.refresh_from_db()
    context = {
        "nudge": nudge,
        "agency": nudge.engagement.agency.name,
        "answer": answer,
        "token": token,
    }
    return render(request, "reviews/nudge_answer.html", context)
