"""Template tags for agency representatives on pages that are not theirs.

The agency page and the moderation queue are rendered by views that know nothing of claims;
these tags add what those pages show about them, at a fixed number of queries.
"""

from django import template

from agencies import claims
from agencies.models import Agency, AgencyClaim, ClaimStatus
from reviews.models import Report, ReportKind

register = template.Library()


@register.inclusion_tag("agencies/representative/_agency_link.html", takes_context=True)
def representative_link(context, agency: Agency) -> dict:
    """The agency page's link for a signed-in person: their dashboard, their claim, or a claim.

    Nothing for visitors, so the page every anonymous visitor gets stays the same (and
    cacheable); two queries for a signed-in person.
    """
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    existing = claims.open_claim(user, agency)
    if existing is not None:
        return {"agency": agency, "claim": existing}
    eligibility = claims.claim_eligibility(user, agency)
    return {"agency": agency, "can_claim": eligibility.address is not None}


@register.simple_tag
def disputed_report_ids(reports) -> frozenset[int]:
    """The ids of the disputes among ``reports``; one query."""
    ids = [report.pk for report in reports]
    if not ids:
        return frozenset()
    return frozenset(
        Report.objects.filter(pk__in=ids, kind=ReportKind.DISPUTE).values_list("pk", flat=True)
    )


@register.simple_tag
def pending_claim_count() -> int:
    """How many claims wait for a moderator; one query."""
    return AgencyClaim.objects.filter(status=ClaimStatus.PENDING).count()
