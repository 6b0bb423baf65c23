"""Moderators' decisions on reviews, replies, reports, engagements, accounts and scores.

Every decision is a service here, inside one transaction that also writes its entry in the
moderation log (``ModerationAction``) and marks the agency's score stale when what counts
changes. Nothing is deleted: a review is rejected or removed, an engagement or account is
excluded, an account suspended, each with its record. Two moderators deciding on the same
thing at once: the first decision wins (a row lock and a status check), and the second gets
a ``ValidationError`` with the code ``already_decided``, saying so.
"""

from reviews.moderation.access import (
    MODERATE_PERMISSION,
    MODERATORS_GROUP,
    is_moderator,
    moderator_grant,
)
from reviews.moderation.common import NOTE_MAX_LENGTH
from reviews.moderation.content import reply_remove, review_approve, review_reject, review_remove
from reviews.moderation.reports import report_create, report_resolve
from reviews.moderation.standing import (
    account_exclude,
    account_include,
    account_suspend,
    account_unsuspend,
    agency_score_release,
    engagement_exclude,
    engagement_hold_clear,
    engagement_include,
    held_engagements_decide,
)

__all__ = [
    "MODERATE_PERMISSION",
    "MODERATORS_GROUP",
    "NOTE_MAX_LENGTH",
    "account_exclude",
    "account_include",
    "account_suspend",
    "account_unsuspend",
    "agency_score_release",
    "engagement_exclude",
    "engagement_hold_clear",
    "engagement_include",
    "held_engagements_decide",
    "is_moderator",
    "moderator_grant",
    "reply_remove",
    "report_create",
    "report_resolve",
    "review_approve",
    "review_reject",
    "review_remove",
]
