"""Agency representatives' pages under /representatives/, and the moderators' claim page.

A signed-in person claims an agency from its public page; once a moderator approves the claim
at /moderation/claims/, they reach the agency's own page here: what drives each metric, its
published reviews with a reply form each, and the disputes they opened. Nothing here names a
candidate or dates a review more precisely than its month.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import claims
from agencies.claim_domains import domain_match
from agencies.display import flag_rows, metric_rows
from agencies.models import Agency, AgencyClaim, ClaimStatus
from agencies.queries import listed_agency_or_target, public_agency
from agencies.representative_display import driver_rows
from agencies.representative_forms import (
    ClaimDecisionForm,
    ClaimForm,
    ClaimListForm,
    DisputeForm,
    ReplyForm,
)
from agencies.representative_queries import disputes_by, published_review_of, reviews_to_answer
from agencies.representative_session import remember_represented
from agencies.representing import (
    agency_reply_post,
    reply_edit_deadline,
    reply_editable_by,
    review_dispute,
)
from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund, too_many_requests
from reviews.forms import add_service_errors
from reviews.models import AgencyReply, Report, Review
from reviews.moderation_views import moderator_required

REVIEWS_PAGE_SIZE = 20
CLAIMS_PAGE_SIZE = 20


def _dashboard_url(agency: Agency, anchor: str = "") -> str:
    url = reverse("representatives:dashboard", kwargs={"slug": agency.slug})
    return f"{url}#{anchor}" if anchor else url


def representative_required(view):
    """Sign-in for visitors; the agency (404 if not listed); 403 unless they represent it.

    The view gets the agency instead of its slug. The menu's memory of what the person
    represents is refreshed on the way, from the same query.
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        agency = public_agency(slug)
        if agency is None:
            raise Http404
        if agency.slug != slug:
            return redirect(request.path.replace(f"/{slug}/", f"/{agency.slug}/", 1))
        represented = list(claims.represented_agencies(request.user))
        remember_represented(request, represented)
        if agency.pk not in {each.pk for each in represented}:
            raise PermissionDenied
        return view(request, agency, *args, **kwargs)

    return wrapped


# --- Claims ----------------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    """The agencies the person represents, and every claim they made with its status."""
    represented = list(claims.represented_agencies(request.user))
    remember_represented(request, represented)
    return render(
        request,
        "agencies/representative/index.html",
        {"represented": represented, "claims": claims.claims_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, slug: str):
    """Claim to represent an agency: who may, with which address, and the request itself."""
    agency = listed_agency_or_target(slug)
    if agency is None:
        raise Http404
    if agency.slug != slug:
        return redirect("representatives:claim", slug=agency.slug)
    existing = claims.open_claim(request.user, agency)
    eligibility = claims.claim_eligibility(request.user, agency)
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        if not rate_limit_consume(user=request.user, action="agency_claim"):
            return too_many_requests(request)
        try:
            claims.claim_request(user=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            rate_limit_refund(user=request.user, action="agency_claim")
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your claim is sent. A moderator will check it and e-mail you the decision."),
            )
            return redirect("representatives:index")
    return render(
        request,
        "agencies/representative/claim.html",
        {"agency": agency, "existing": existing, "eligibility": eligibility, "form": form},
    )


# --- The agency's own page -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """A published review as its agency's representative sees it, with what they can do."""

    review: Review
    reply: AgencyReply | None  # the reply shown under it, if any
    reply_removed: bool
    editable_until: datetime | None  # set while the person's own reply can still change
    dispute: Report | None  # the person's latest dispute of it
    form: ReplyForm | None  # a reply form when the review has no reply yet


def _review_rows(request, reviews: list[Review], disputes: list[Report]) -> list[ReviewRow]:
    latest_dispute: dict[int, Report] = {}
    for dispute in disputes:  # newest first: the first seen is the latest
        latest_dispute.setdefault(dispute.review_id, dispute)
    now = timezone.now()
    rows = []
    for review in reviews:
        try:
            reply = review.agency_reply
        except AgencyReply.DoesNotExist:
            reply = None
        editable = reply is not None and reply_editable_by(reply, request.user, now=now)
        rows.append(
            ReviewRow(
                review=review,
                reply=reply if reply is not None and reply.removed_at is None else None,
                reply_removed=reply is not None and reply.removed_at is not None,
                editable_until=reply_edit_deadline(reply) if editable else None,
                dispute=latest_dispute.get(review.pk),
                form=ReplyForm(auto_id=f"reply-{review.pk}-%s") if reply is None else None,
            )
        )
    return rows


@representative_required
@require_safe
def dashboard(request, agency: Agency):
    """The agency's metrics and what drives them, its reviews to answer, and the disputes."""
    score = getattr(agency, "score", None)
    page = Paginator(reviews_to_answer(agency), REVIEWS_PAGE_SIZE).get_page(request.GET.get("page"))
    disputes = disputes_by(request.user, agency)
    return render(
        request,
        "agencies/representative/dashboard.html",
        {
            "agency": agency,
            "score": score,
            "ranked": score is not None and score.rank is not None,
            "metrics": metric_rows(score),
            "drivers": driver_rows(score),
            "flags": flag_rows(score),
            "page": page,
            "rows": _review_rows(request, list(page.object_list), disputes),
            "disputes": disputes,
        },
    )


def _answerable_review(agency: Agency, pk: int) -> Review:
    review = published_review_of(agency, pk)
    if review is None:
        raise Http404
    return review


@representative_required
@require_http_methods(["GET", "POST"])
def reply(request, agency: Agency, pk: int):
    """Write the agency's public reply to a review, or change one's own while it can change."""
    review = _answerable_review(agency, pk)
    try:
        current = review.agency_reply
    except AgencyReply.DoesNotExist:
        current = None
    editable = current is not None and reply_editable_by(current, request.user)
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            if not rate_limit_consume(user=request.user, action="agency_reply"):
                return too_many_requests(request)
            try:
                _reply, created = agency_reply_post(
                    review=review, author=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                rate_limit_refund(user=request.user, action="agency_reply")
                add_service_errors(form, error)
            else:
                done = _("Your reply is published.") if created else _("Your reply is updated.")
                messages.success(request, done)
                return redirect(_dashboard_url(agency, f"review-{review.pk}"))
    else:
        form = ReplyForm(initial={"text": current.text} if editable else None)
    return render(
        request,
        "agencies/representative/reply.html",
        {
            "agency": agency,
            "review": review,
            "current": current,
            "editable_until": reply_edit_deadline(current) if editable else None,
            # A refused post shows its errors even when the reply can no longer change.
            "form": form if current is None or editable or form.is_bound else None,
        },
    )


@representative_required
@require_http_methods(["GET", "POST"])
def dispute(request, agency: Agency, pk: int):
    """Dispute a review: the rule it breaks and why; it goes to the moderators."""
    review = _answerable_review(agency, pk)
    form = DisputeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not rate_limit_consume(user=request.user, action="report_create"):
            return too_many_requests(request)
        try:
            _dispute, created = review_dispute(
                review=review, representative=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            rate_limit_refund(user=request.user, action="report_create")
            add_service_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("Your dispute is sent. The review stays up until a moderator decides."),
                )
            else:
                rate_limit_refund(user=request.user, action="report_create")
                messages.info(request, _("You have already disputed this review."))
            return redirect(_dashboard_url(agency, "disputes"))
    return render(
        request,
        "agencies/representative/dispute.html",
        {"agency": agency, "review": review, "form": form},
    )


# --- Moderators: claims ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the moderators see it, with the evidence for it."""

    claim: AgencyClaim
    match: str | None  # "exact", "subdomain", or None when the address no longer matches
    form: ClaimDecisionForm


@moderator_required
@require_safe
def claims_queue(request):
    """Claims of one status with their evidence; waiting ones oldest first, with decisions."""
    form = ClaimListForm(request.GET)
    status = (form.is_valid() and form.cleaned_data["status"]) or ClaimStatus.PENDING
    page = Paginator(claims.claims_for_moderation(status), CLAIMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        ClaimRow(
            claim=each,
            match=domain_match(each.email, each.agency.domain),
            form=ClaimDecisionForm(auto_id=f"claim-{each.pk}-%s"),
        )
        for each in page.object_list
    ]
    return render(
        request,
        "agencies/representative/claims_queue.html",
        {"form": form, "status": status, "page": page, "rows": rows},
    )


CLAIM_ACTIONS = {
    "approve": (claims.claim_approve, ClaimStatus.PENDING),
    "reject": (claims.claim_reject, ClaimStatus.PENDING),
    "revoke": (claims.claim_revoke, ClaimStatus.APPROVED),
}


@moderator_required
@require_POST
def claim_decision(request, pk: int, action: str):
    """Approve or reject a waiting claim, or revoke an approved one, with a note."""
    if action not in CLAIM_ACTIONS:
        raise Http404
    service, listed_under = CLAIM_ACTIONS[action]
    claim = get_object_or_404(AgencyClaim, pk=pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            decided = service(claim=claim, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Claim to %(agency)s: %(status)s. The claimant is told by e-mail.")
                % {"agency": decided.agency.name, "status": decided.get_status_display()},
            )
    return redirect(f"{reverse('moderation_claims:queue')}?status={listed_under}")
