"""The candidate's logbook."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from reviews.models import SilenceNudge
from reviews.nudges import nudge_answer as nudge_answer_service
from reviews.nudges import read_nudge_token
from reviews.queries import engagements_of


@login_required
@require_safe
def my_experiences(request):
    return render(
        request, "reviews/my_experiences.html", {"engagements": engagements_of(request.user)}
    )


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
