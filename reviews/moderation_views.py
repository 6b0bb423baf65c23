"""Moderation pages under /moderation/ (the public "report this" pages: report_views.py).

Only moderators (``reviews.moderation.is_moderator``) reach the moderation pages; a visitor
is sent to sign in, and anyone else signed in gets 404, as for a page that does not exist.
Every form posts to a view that runs one service and redirects back (to a page under
/moderation/ only), with a message saying what happened, or why nothing did.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Agency
from reviews import moderation
from reviews.models import (
    AgencyReply,
    Engagement,
    Report,
    ReportStatus,
    Review,
)
from reviews.moderation.display import engagement_row, review_row
from reviews.moderation.queries import (
    agencies_needing_attention,
    engagement_for_moderation,
    held_engagements,
    moderation_log,
    open_reports,
    pending_reviews,
    reports_on,
    reviews_for_moderation,
)
from reviews.moderation_forms import (
    Decision,
    HeldEngagementsForm,
    LogFilterForm,
    NoteForm,
    ReasonedForm,
    ReportResolveForm,
    ReviewDecisionForm,
)

QUEUE_PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


def moderator_required(view):
    """Sign-in for visitors, 404 for anyone who is not a moderator."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not moderation.is_moderator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the posted ``next`` page when it is a moderation page, else ``default``."""
    target = request.POST.get("next", "")
    if target.startswith("/moderation/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_refused(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@moderator_required
@require_safe
def queue(request):
    """Pending reviews oldest first with their signals; open reports; agencies on hold."""
    page = Paginator(pending_reviews(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "reviews/moderation/queue.html",
        {
            "page": page,
            "rows": [review_row(review, now) for review in page.object_list],
            "reports": open_reports(),
            "agencies": agencies_needing_attention(),
        },
    )


@moderator_required
@require_safe
def review_detail(request, pk: int):
    """One review, whatever its status: its text, signals, history, reports and decisions."""
    review = get_object_or_404(reviews_for_moderation(), pk=pk)
    now = timezone.now()
    reply = AgencyReply.objects.filter(review=review).only("id", "text", "removed_at").first()
    return render(
        request,
        "reviews/moderation/review.html",
        {
            "row": review_row(review, now),
            "history": review.history.order_by("created_at", "pk"),
            "reports": reports_on(review),
            "reply": reply,
            "reply_form": ReasonedForm(prefix="reply"),
        },
    )


def _review_decide(request, review: Review, form: ReviewDecisionForm) -> None:
    decision = form.cleaned_data["decision"]
    reason, note = form.cleaned_data["reason"], form.cleaned_data["note"]
    if decision == Decision.APPROVE:
        moderation.review_approve(review=review, actor=request.user, note=note)
        messages.success(request, _("Review approved and published."))
    elif decision == Decision.REJECT:
        moderation.review_reject(review=review, actor=request.user, reason=reason, note=note)
        messages.success(request, _("Review rejected; its author is told why."))
    else:
        moderation.review_remove(review=review, actor=request.user, reason=reason, note=note)
        messages.success(request, _("Review removed; its author is told why."))


@moderator_required
@require_POST
def review_decision(request, pk: int):
    """Approve, reject or remove a review (the queue's and the review page's forms)."""
    review = get_object_or_404(Review, pk=pk)
    form = ReviewDecisionForm(request.POST, prefix=f"review-{pk}")
    if not form.is_valid():
        _form_refused(request, form)
    else:
        try:
            _review_decide(request, review, form)
        except ValidationError as error:
            _refused(request, error)
    return _back(request, "moderation:queue")


@moderator_required
@require_POST
def reply_removal(request, pk: int):
    """Remove the agency reply of review ``pk`` with a reason."""
    reply = get_object_or_404(AgencyReply, review_id=pk)
    form = ReasonedForm(request.POST, prefix="reply")
    if not form.is_valid():
        _form_refused(request, form)
    else:
        try:
            moderation.reply_remove(reply=reply, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Agency reply removed; its author is told why."))
    return redirect("moderation:review", pk=pk)


@moderator_required
@require_safe
def engagement_detail(request, pk: int):
    """One engagement: its timeline, signals and standing, with the tools to decide on it."""
    engagement = engagement_for_moderation(pk)
    if engagement is None:
        raise Http404
    review = Review.objects.filter(engagement=engagement).only("id", "status").first()
    return render(
        request,
        "reviews/moderation/engagement.html",
        {
            "row": engagement_row(engagement, timezone.now()),
            "review": review,
            # One page, several forms: each its own element ids.
            "exclude_form": ReasonedForm(auto_id="engagement-exclude-%s"),
            "account_exclude_form": ReasonedForm(auto_id="account-exclude-%s"),
            "suspend_form": ReasonedForm(auto_id="account-suspend-%s"),
        },
    )


# Each action: its form (a reason, or a note only for undoing), its service, its message.
ENGAGEMENT_ACTIONS = {
    "exclude": (
        ReasonedForm,
        moderation.engagement_exclude,
        gettext_lazy("Engagement excluded from scores."),
    ),
    "include": (NoteForm, moderation.engagement_include, gettext_lazy("Engagement counted again.")),
    "clear-hold": (
        NoteForm,
        moderation.engagement_hold_clear,
        gettext_lazy("Hold cleared: the engagement counts."),
    ),
}
ACCOUNT_ACTIONS = {
    "exclude": (
        ReasonedForm,
        moderation.account_exclude,
        gettext_lazy("Account excluded from scores."),
    ),
    "include": (NoteForm, moderation.account_include, gettext_lazy("Account counted again.")),
    "suspend": (ReasonedForm, moderation.account_suspend, gettext_lazy("Account suspended.")),
    "unsuspend": (NoteForm, moderation.account_unsuspend, gettext_lazy("Suspension lifted.")),
}


def _run(request, form_class, service, done, **target) -> None:
    form = form_class(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return
    try:
        service(actor=request.user, **target, **form.cleaned_data)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done)


@moderator_required
@require_POST
def engagement_action(request, pk: int, action: str):
    """Exclude an engagement, count it again, or clear its hold."""
    if action not in ENGAGEMENT_ACTIONS:
        raise Http404
    engagement = get_object_or_404(Engagement, pk=pk)
    _run(request, *ENGAGEMENT_ACTIONS[action], engagement=engagement)
    return _back(request, "moderation:queue")


@moderator_required
@require_POST
def account_action(request, pk: int, action: str):
    """Exclude an account from scores, count it again, suspend it or lift the suspension."""
    if action not in ACCOUNT_ACTIONS:
        raise Http404
    account = get_object_or_404(get_user_model(), pk=pk)
    _run(request, *ACCOUNT_ACTIONS[action], account=account)
    return _back(request, "moderation:queue")


@moderator_required
@require_safe
def agency_detail(request, pk: int):
    """An agency's frozen score and held engagements, with the tools to decide on them."""
    agency = get_object_or_404(Agency.objects.only("id", "name", "slug", "score_frozen_at"), pk=pk)
    now = timezone.now()
    return render(
        request,
        "reviews/moderation/agency.html",
        {
            "agency": agency,
            "rows": [engagement_row(engagement, now) for engagement in held_engagements(agency)],
            "exclude_form": HeldEngagementsForm(initial={"exclude": "1"}, auto_id="exclude-%s"),
            "clear_form": HeldEngagementsForm(initial={"exclude": "0"}, auto_id="clear-%s"),
            "release_form": NoteForm(auto_id="release-%s"),
        },
    )


@moderator_required
@require_POST
def agency_held(request, pk: int):
    """Exclude, or let count, every engagement held for the agency."""
    agency = get_object_or_404(Agency, pk=pk)
    form = HeldEngagementsForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
    else:
        count = moderation.held_engagements_decide(
            agency=agency, actor=request.user, **form.cleaned_data
        )
        if not count:
            messages.info(request, _("No engagement is held for this agency any more."))
        elif form.cleaned_data["exclude"]:
            messages.success(request, _("%(count)d engagements excluded.") % {"count": count})
        else:
            messages.success(request, _("%(count)d engagements count again.") % {"count": count})
    return redirect("moderation:agency", pk=pk)


@moderator_required
@require_POST
def agency_release(request, pk: int):
    """Release the agency's frozen score."""
    agency = get_object_or_404(Agency, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
    else:
        try:
            moderation.agency_score_release(
                agency=agency, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The score is released and will be recomputed."))
    return redirect("moderation:agency", pk=pk)


@moderator_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """One report with what it points at; uphold it (the content comes down) or dismiss it."""
    report = get_object_or_404(
        Report.objects.select_related(
            "review__engagement__agency", "agency_reply__review__engagement__agency"
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = ReportResolveForm(request.POST)
        if not form.is_valid():
            _form_refused(request, form)
        else:
            try:
                moderation.report_resolve(report=report, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Report decided."))
                return redirect("moderation:queue")
        return redirect("moderation:report", pk=pk)
    review = report.review or report.agency_reply.review
    return render(
        request,
        "reviews/moderation/report.html",
        {
            "report": report,
            "review": review,
            "agency": review.engagement.agency,
            "open": report.status == ReportStatus.OPEN,
            "uphold_form": ReportResolveForm(initial={"upheld": "1"}, auto_id="uphold-%s"),
            "dismiss_form": NoteForm(auto_id="dismiss-%s"),
        },
    )


@moderator_required
@require_safe
def log(request):
    """The moderation log, newest first, filterable by action."""
    form = LogFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    page = Paginator(moderation_log(action), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/moderation/log.html",
        {"form": form, "page": page, "action": action},
    )
