"""Writes to accounts that are ours rather than allauth's."""

from django.db import transaction

from agencies.scores import scores_mark_stale
from reviews.models import Engagement


@transaction.atomic
def account_delete(*, user) -> list[int]:
    """Erase ``user`` and everything they logged; returns the agencies to be rescored.

    Deleting the account deletes, by cascade, its e-mail addresses, engagements with their
    events, notes, reviews (and their history and replies) and nudges. What the person wrote
    on behalf of an agency or as a moderator stays, without their name (SET_NULL). The
    agencies their engagements touched are marked stale in the same transaction, so their
    scores are recomputed without this data once it is gone.
    """
    agency_ids = sorted(
        set(Engagement.objects.filter(candidate=user).values_list("agency_id", flat=True))
    )
    user.delete()
    scores_mark_stale(agency_ids=agency_ids)
    return agency_ids
