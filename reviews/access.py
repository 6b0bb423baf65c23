"""Who may open a logbook page: its owner, signed in with a verified e-mail. Nobody else.

Every engagement view fetches through ``own_engagement_or_404``, so anyone else's
engagement (staff included: they use the admin) is a 404, the same answer as an engagement
that does not exist, and existence never leaks.
"""

from allauth.account.decorators import verified_email_required
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from reviews.models import Engagement, Event

# Signed in (or sent to sign in) and verified (or shown allauth's "verify your e-mail" page,
# which sends a fresh verification link).
candidate_required = verified_email_required


def own_engagement_or_404(request: HttpRequest, pk: int) -> Engagement:
    """The signed-in candidate's engagement ``pk``, with its agency; 404 for anyone else's."""
    return get_object_or_404(
        Engagement.objects.select_related("agency"), pk=pk, candidate_id=request.user.pk
    )


def own_event_or_404(engagement: Engagement, pk: int) -> Event:
    """Event ``pk`` of ``engagement`` (already checked as the candidate's own); else 404."""
    event = get_object_or_404(Event, pk=pk, engagement=engagement)
    event.engagement = engagement  # validation reads its start date
    return event
