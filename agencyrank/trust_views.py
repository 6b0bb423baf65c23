"""The page that tells visitors how reviews and scores are kept honest."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.models import ModerationReason


@require_safe
def how_we_verify(request):
    """The trust rules in plain words, with the figures and reasons the site really applies."""
    return render(
        request,
        "how_we_verify.html",
        {
            "account_cap": settings.SCORING_ACCOUNT_CAP,
            "new_account_days": settings.MODERATION_NEW_ACCOUNT_DAYS,
            "moderation_reasons": ModerationReason.labels,
        },
    )
