"""The candidate's logbook."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.queries import engagements_of


@login_required
@require_safe
def my_experiences(request):
    return render(
        request, "reviews/my_experiences.html", {"engagements": engagements_of(request.user)}
    )
