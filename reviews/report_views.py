"""The "report this" pages, for any signed-in account.

The agency page links to them with plain links (it is cached for visitors, so it carries no
form); the form lives here. One open report per person and target: a second one only says
"already reported". New reports count against a per-account hourly limit.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencyrank.ratelimits import rate_limit_consume, rate_limit_refund, too_many_requests
from reviews.models import AgencyReply, Report, ReportStatus, Review, ReviewStatus
from reviews.moderation import report_create
from reviews.moderation_forms import ReportForm


def _report(request, *, review: Review | None = None, reply: AgencyReply | None = None):
    shown = review if review is not None else reply.review
    agency = shown.engagement.agency
    target = {"review": review} if review is not None else {"agency_reply": reply}
    already = Report.objects.filter(
        reporter=request.user, status=ReportStatus.OPEN, **target
    ).exists()
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        if not rate_limit_consume(user=request.user, action="report_create"):
            return too_many_requests(request)
        try:
            report_create(reporter=request.user, **target, **form.cleaned_data)
        except ValidationError as error:
            rate_limit_refund(user=request.user, action="report_create")
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Thank you. A moderator will look at it; we have sent you a receipt.")
            )
        return redirect("agencies:detail", slug=agency.slug)
    if already and request.method == "POST":
        messages.info(request, _("You have already reported this; a moderator will look at it."))
        return redirect("agencies:detail", slug=agency.slug)
    return render(
        request,
        "reviews/moderation/report_new.html",
        {
            "form": form,
            "already": already,
            "agency": agency,
            "text": reply.text if reply is not None else review.text,
            "what": "reply" if reply is not None else "review",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_review(request, pk: int):
    """Report a published review."""
    review = get_object_or_404(
        Review.objects.select_related("engagement__agency"), pk=pk, status=ReviewStatus.PUBLISHED
    )
    return _report(request, review=review)


@login_required
@require_http_methods(["GET", "POST"])
def report_reply(request, pk: int):
    """Report an agency reply that is shown."""
    reply = get_object_or_404(
        AgencyReply.objects.select_related("review__engagement__agency"),
        pk=pk,
        removed_at__isnull=True,
        review__status=ReviewStatus.PUBLISHED,
    )
    return _report(request, reply=reply)
