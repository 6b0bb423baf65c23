"""Everything a candidate entered, as the import's CSV and as a complete JSON document.

Both are reads: exporting never changes the database. An engagement without a reference
of its own is labelled ``agencyrank-<id>`` in the CSV, and the import finds it again by
that label (docs/import-format.md, "Importing an export").
"""

import datetime
from collections.abc import Iterator

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from agencies.models import AgencyClaim, AgencyMark
from reviews.importing.format import EXPORT_COLUMNS, STARTED, escape_cell, generated_reference
from reviews.models import (
    AgencyReply,
    Engagement,
    Event,
    ModerationAction,
    Report,
    Review,
    ReviewStatusChange,
    SilenceNudge,
)

JSON_FORMAT = "agencyrank-account-export"
JSON_VERSION = 1

# Every model that holds a person's data, reached from the user by foreign keys (directly,
# or through their e-mail addresses, engagements and reviews). A test walks the models and
# fails when one is missing here, so a new model cannot slip out of the export unseen.
EXPORTED_MODELS = frozenset(
    {
        "accounts.User",
        "account.EmailAddress",
        "account.EmailConfirmation",
        "admin.LogEntry",
        "reviews.Engagement",
        "reviews.Event",
        "reviews.Review",
        "reviews.ReviewStatusChange",
        "reviews.AgencyReply",
        "reviews.SilenceNudge",
        "agencies.AgencyMark",
        "agencies.AgencyClaim",
        "reviews.Report",
        "reviews.ModerationAction",
        "mfa.Authenticator",
    }
)


def engagement_reference(engagement: Engagement) -> str:
    """The label of an engagement in the CSV: its own reference, or one made from its id."""
    return engagement.reference or generated_reference(engagement.pk)


def _clock(time: datetime.time | None) -> str:
    if time is None:
        return ""
    return time.strftime("%H:%M:%S" if time.second else "%H:%M")


def _disclosure(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def experiences_csv_rows(candidate) -> Iterator[list[str]]:
    """The header, then one row per event (and per undated start) of ``candidate``'s logbook.

    Re-importing the rows for the same candidate adds nothing.
    """
    yield list(EXPORT_COLUMNS)
    engagements = (
        Engagement.objects.filter(candidate=candidate)
        .select_related("agency")
        .order_by("started_on", "pk")
    )
    events: dict[int, list[dict]] = {}
    for event in (
        Event.objects.filter(engagement__candidate=candidate)
        .order_by("engagement_id", "occurred_on", F("occurred_at").asc(nulls_first=True), "pk")
        .values(
            "engagement_id", "kind", "occurred_on", "occurred_at", "note", "role_details_disclosed"
        )
    ):
        events.setdefault(event["engagement_id"], []).append(event)
    for engagement in engagements:
        agency = engagement.agency
        fixed = {
            "agency": agency.name,
            "agency_website": agency.website,
            "country": str(agency.country.code or ""),
            "engagement": engagement_reference(engagement),
            "role": engagement.role_title,
            "source": engagement.source,
        }
        timeline = events.get(engagement.pk, [])
        rows = []
        # Without this row an engagement with no events would be lost, and one that began
        # before its first event would come back starting later.
        if not timeline or engagement.started_on < timeline[0]["occurred_on"]:
            rows.append({"date": engagement.started_on.isoformat(), "event": STARTED})
        rows.extend(
            {
                "date": event["occurred_on"].isoformat(),
                "time": _clock(event["occurred_at"]),
                "event": event["kind"],
                "note": event["note"],
                "role_details_disclosed": _disclosure(event["role_details_disclosed"]),
            }
            for event in timeline
        )
        for row in rows:
            cells = fixed | row
            yield [escape_cell(cells.get(column, "")) for column in EXPORT_COLUMNS]


def account_export(user) -> dict:
    """Everything stored about ``user``, as plain JSON-ready data (see EXPORTED_MODELS)."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": timezone.now(),
        "account": _account(user),
        "email_addresses": _email_addresses(user),
        "engagements": _engagements(user),
        # Only in the JSON: the experiences CSV is the import's format, and the lists have
        # their own CSV on the "My agencies" page.
        "agency_lists": [
            {
                "agency": {"name": mark.agency.name, "slug": mark.agency.slug},
                "verdict": mark.verdict,
                "note": mark.note,
                "score_when_marked": mark.score_when_marked,
                "marked_at": mark.marked_at,
                "created_at": mark.created_at,
                "updated_at": mark.updated_at,
            }
            for mark in AgencyMark.objects.filter(user=user)
            .select_related("agency")
            .order_by("marked_at", "pk")
        ],
        "agency_claims": [
            {
                "agency": {"name": claim.agency.name, "slug": claim.agency.slug},
                "email": claim.email,
                "job_title": claim.message,
                "status": claim.status,
                "note": claim.note,
                "created_at": claim.created_at,
                "decided_at": claim.decided_at,
            }
            for claim in AgencyClaim.objects.filter(user=user)
            .select_related("agency")
            .order_by("created_at", "pk")
        ],
        "agency_replies_written": [
            {
                "agency": reply.review.engagement.agency.name,
                "review": reply.review_id,
                "text": reply.text,
                "created_at": reply.created_at,
                "updated_at": reply.updated_at,
                "removed_at": reply.removed_at,
            }
            for reply in AgencyReply.objects.filter(author=user)
            .select_related("review__engagement__agency")
            .order_by("created_at", "pk")
        ],
        "moderation_decisions": list(
            ReviewStatusChange.objects.filter(actor=user)
            .order_by("created_at", "pk")
            .values("review_id", "from_status", "to_status", "reason", "note", "created_at")
        ),
        "reports_made": _reports_made(user),
        # Which second factors the account has, never their secrets (allauth keeps the TOTP
        # seed in ``data``).
        "two_factor_methods": list(
            Authenticator.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("type", "created_at", "last_used_at")
        ),
        "moderation_actions_taken": list(
            ModerationAction.objects.filter(actor=user)
            .order_by("created_at", "pk")
            .values(
                "action",
                "review_id",
                "agency_reply_id",
                "engagement_id",
                "account_id",
                "agency_id",
                "report_id",
                "reason",
                "note",
                "created_at",
            )
        ),
        "moderation_about_you": _moderation_about(user),
        "admin_actions": [
            {
                "action_time": entry.action_time,
                "action": {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag, ""),
                "content_type": entry.content_type.natural_key() if entry.content_type else None,
                "object_id": entry.object_id,
                "object_repr": entry.object_repr,
                "change_message": entry.get_change_message(),
            }
            for entry in LogEntry.objects.filter(user=user)
            .select_related("content_type")
            .order_by("action_time", "pk")
        ],
    }


def _reports_made(user) -> list[dict]:
    reports = (
        Report.objects.filter(reporter=user)
        .select_related("review__engagement__agency", "agency_reply__review__engagement__agency")
        .order_by("created_at", "pk")
    )
    return [
        {
            "about": "review" if report.review_id else "agency_reply",
            "kind": report.kind,
            "agency": (report.review or report.agency_reply.review).engagement.agency.name,
            "reason": report.reason,
            "text": report.text,
            "status": report.status,
            "created_at": report.created_at,
            "resolved_at": report.resolved_at,
        }
        for report in reports
    ]


def _moderation_about(user) -> list[dict]:
    """Moderation decisions on the person's account, engagements, reviews and replies.

    What they are told of each: the action, its reason and its date; moderators' internal
    notes and names stay with the moderators.
    """
    return list(
        ModerationAction.objects.filter(
            Q(account=user)
            | Q(engagement__candidate=user)
            | Q(review__engagement__candidate=user)
            | Q(agency_reply__author=user)
        )
        .order_by("created_at", "pk")
        .values("action", "reason", "created_at")
    )


def _account(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_suspended": user.is_suspended,
        "excluded_from_scores": user.excluded_from_scores,
        "has_password": user.has_usable_password(),
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def _email_addresses(user) -> list[dict]:
    addresses = EmailAddress.objects.filter(user=user).order_by("pk")
    confirmations: dict[int, list[dict]] = {}
    for confirmation in (
        EmailConfirmation.objects.filter(email_address__user=user)
        .order_by("created")
        .values("email_address_id", "created", "sent")
    ):
        # The confirmation key is a secret credential, not data about the person.
        confirmations.setdefault(confirmation.pop("email_address_id"), []).append(confirmation)
    return [
        {
            "email": address.email,
            "primary": address.primary,
            "verified": address.verified,
            "confirmations": confirmations.get(address.pk, []),
        }
        for address in addresses
    ]


def _engagements(user) -> list[dict]:
    engagements = (
        Engagement.objects.filter(candidate=user)
        .select_related("agency", "review", "review__agency_reply")
        .prefetch_related(
            "events",
            Prefetch("nudges", queryset=SilenceNudge.objects.order_by("awaiting_since", "pk")),
            Prefetch(
                "review__history", queryset=ReviewStatusChange.objects.order_by("created_at", "pk")
            ),
        )
        .order_by("started_on", "pk")
    )
    return [
        {
            "reference": engagement.reference,
            "csv_reference": engagement_reference(engagement),
            "agency": {
                "name": engagement.agency.name,
                "slug": engagement.agency.slug,
                "website": engagement.agency.website,
                "country": str(engagement.agency.country.code or ""),
            },
            "role_title": engagement.role_title,
            "source": engagement.source,
            "started_on": engagement.started_on,
            "excluded_from_scores": engagement.excluded_from_scores,
            "held_for_review": engagement.held_for_review,
            "risk_signals": engagement.risk_signals,
            "created_at": engagement.created_at,
            "updated_at": engagement.updated_at,
            "events": [
                {
                    "kind": event.kind,
                    "actor": str(event.actor),
                    "occurred_on": event.occurred_on,
                    "occurred_at": event.occurred_at,
                    "note": event.note,
                    "role_details_disclosed": event.role_details_disclosed,
                    "created_at": event.created_at,
                    "updated_at": event.updated_at,
                }
                for event in engagement.events.all()
            ],
            "review": _review(engagement),
            "silence_nudges": [
                {
                    "awaiting_since": nudge.awaiting_since,
                    "created_at": nudge.created_at,
                    "sent_at": nudge.sent_at,
                    "answer": nudge.answer,
                    "answered_at": nudge.answered_at,
                }
                for nudge in engagement.nudges.all()
            ],
        }
        for engagement in engagements
    ]


def _review(engagement: Engagement) -> dict | None:
    try:
        review: Review = engagement.review
    except Review.DoesNotExist:
        return None
    try:
        reply = review.agency_reply
    except AgencyReply.DoesNotExist:
        reply = None
    return {
        "rating_communication": review.rating_communication,
        "rating_honesty": review.rating_honesty,
        "rating_feedback": review.rating_feedback,
        "rating_respect": review.rating_respect,
        "text": review.text,
        "status": review.status,
        "submitted_at": review.submitted_at,
        "published_at": review.published_at,
        "updated_at": review.updated_at,
        "risk_signals": review.risk_signals,
        # What the author is told of each decision: the change, its reason and its date;
        # moderators' internal notes and names stay with the moderators.
        "history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "reason": change.reason,
                "created_at": change.created_at,
            }
            for change in review.history.all()
        ],
        # Public on the agency's page already; the representative's name is not.
        "agency_reply": None
        if reply is None
        else {"text": reply.text, "created_at": reply.created_at, "updated_at": reply.updated_at},
    }
