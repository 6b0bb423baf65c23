"""What candidates log: engagements with agencies, their events, and reviews."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.event_kinds import Actor, Kind, actor_of
from reviews.risk import Level, Signal


def latest_date_anywhere() -> datetime.date:
    """Today's date where the day is furthest ahead (UTC+14).

    Candidates log in their own time zone, which the site does not know: a date is "in the
    future" only if it is in the future everywhere.
    """
    return (timezone.now() + datetime.timedelta(hours=14)).date()


class Source(models.TextChoices):
    LINKEDIN = "linkedin", _("LinkedIn")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    JOB_BOARD = "job_board", _("Job board")
    REFERRAL = "referral", _("Referral")
    APPLICATION = "application", _("Application")


class EventKind(models.TextChoices):
    APPLIED = Kind.APPLIED, _("Applied or sent an unsolicited CV")
    CONTACTED = Kind.CONTACTED, _("Agency got in touch about a role")
    CV_REQUESTED = Kind.CV_REQUESTED, _("Agency asked for the CV")
    CV_SENT = Kind.CV_SENT, _("Sent the CV")
    SALARY_ASKED = Kind.SALARY_ASKED, _("Agency asked about pay")
    SUBMITTED = Kind.SUBMITTED, _("Agency put the profile forward to the client")
    INTERVIEW = Kind.INTERVIEW, _("Interview took place")
    MESSAGE = Kind.MESSAGE, _("Wrote or called the agency")
    REPLY = Kind.REPLY, _("Agency replied")
    FEEDBACK = Kind.FEEDBACK, _("Agency gave substantive feedback")
    REJECTED = Kind.REJECTED, _("Agency said I was not selected")
    OFFER = Kind.OFFER, _("Offer communicated")
    FOLLOW_UP = Kind.FOLLOW_UP, _("Agency followed up on its own initiative")
    WITHDREW = Kind.WITHDREW, _("I withdrew")
    ROLE_NOT_REAL = Kind.ROLE_NOT_REAL, _("Learned the role did not exist")
    SILENCE = Kind.SILENCE, _("Agency stopped answering")


class ActorChoice(models.TextChoices):
    CANDIDATE = Actor.CANDIDATE, _("Candidate")
    AGENCY = Actor.AGENCY, _("Agency")
    BOTH = Actor.BOTH, _("Both")


class RiskSignal(models.TextChoices):
    """What the checks on arrival noticed (reviews/risk.py), in words for moderators."""

    NEW_ACCOUNT = Signal.NEW_ACCOUNT, _("The account is less than a week old")
    UNVERIFIED_EMAIL = Signal.UNVERIFIED_EMAIL, _("The account's e-mail address is not verified")
    BURST = Signal.BURST, _("Part of a burst of new accounts logging this agency")
    NEAR_DUPLICATE = Signal.NEAR_DUPLICATE, _("Nearly the same text as another review here")
    AGENCY_DOMAIN = Signal.AGENCY_DOMAIN, _("The author's e-mail is on the agency's own domain")
    EMAIL_ADDRESS = Signal.EMAIL_ADDRESS, _("The text contains an e-mail address")
    PHONE_NUMBER = Signal.PHONE_NUMBER, _("The text contains a phone number")
    LINK = Signal.LINK, _("The text contains a link")


class RiskLevel(models.TextChoices):
    NONE = Level.NONE, _("No risk signal")
    LOW = Level.LOW, _("Low risk")
    HIGH = Level.HIGH, _("High risk")


class Engagement(models.Model):
    """One candidate's process with one agency, usually about one role. Never public."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    role_title = models.CharField(_("role title"), max_length=200, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The engagement's label in the candidate's own files (imports)."),
    )
    source = models.CharField(_("how it started"), max_length=16, choices=Source.choices)
    started_on = models.DateField(_("started on"))
    excluded_from_scores = models.BooleanField(
        _("excluded from scores"),
        default=False,
        help_text=_("Set by moderators when this engagement is not genuine."),
    )
    # Set by the checks on arrival (reviews/screening.py) for a high-risk engagement; it
    # does not count towards scores until a moderator clears or excludes it.
    held_for_review = models.BooleanField(
        _("held for review"),
        default=False,
        help_text=_("Not counted towards scores until a moderator has looked at it."),
    )
    risk_signals = models.JSONField(_("risk signals"), default=list, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="engagement_source_known"
            ),
            # Lets each event and review carry its engagement's agency under a composite
            # foreign key (see the migrations), so they can be read by agency without a join.
            models.UniqueConstraint(fields=["id", "agency"], name="engagement_id_agency_unique"),
            # Importing a file twice finds each engagement again by its label.
            models.UniqueConstraint(
                fields=["candidate", "reference"],
                condition=~Q(reference=""),
                name="engagement_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values), name="engagement_risk_level_known"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "started_on"], name="engagement_agency_started_idx"),
            models.Index(fields=["candidate", "-started_on"], name="engagement_candidate_idx"),
            # The moderation queue reads the few held engagements among many.
            models.Index(
                fields=["agency", "created_at"],
                condition=Q(held_for_review=True),
                name="engagement_held_idx",
            ),
            # Burst detection counts an agency's engagements of the last hours.
            models.Index(fields=["agency", "-created_at"], name="engagement_agency_created_idx"),
        ]

    def __str__(self) -> str:
        role = self.role_title or _("(no role title)")  # outside the f-string, for makemessages
        return f"{role} @ {self.agency_id}"

    def clean(self) -> None:
        if self.started_on and self.started_on > latest_date_anywhere():
            raise ValidationError({"started_on": _("The start date cannot be in the future.")})


class Event(models.Model):
    """One interaction on an engagement's timeline."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("engagement"), on_delete=models.CASCADE, related_name="events"
    )
    # Always the engagement's agency (a composite foreign key enforces it on PostgreSQL):
    # scoring reads every event of an agency in date order from one index.
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="events",
        editable=False,
    )
    kind = models.CharField(_("what happened"), max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    occurred_at = models.TimeField(_("time"), null=True, blank=True)
    note = models.TextField(_("private note"), max_length=2000, blank=True)
    role_details_disclosed = models.BooleanField(
        _("client and pay band disclosed before the question"),
        null=True,
        blank=True,
        help_text=_("Only for pay questions: yes, no or unknown."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["occurred_on", F("occurred_at").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_known"),
            models.CheckConstraint(
                condition=Q(role_details_disclosed__isnull=True) | Q(kind=Kind.SALARY_ASKED),
                name="event_disclosure_only_on_salary_asked",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "occurred_on"], name="event_agency_date_idx"),
            models.Index(fields=["engagement", "occurred_on"], name="event_engagement_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.occurred_on}"

    @property
    def actor(self) -> Actor:
        """Who acted: derived from the kind, never stored."""
        return actor_of(self.kind)

    def get_actor_display(self) -> str:
        return str(ActorChoice(self.actor).label)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        today = latest_date_anywhere()
        if self.occurred_on and self.occurred_on > today:
            errors["occurred_on"] = ValidationError(_("The date cannot be in the future."))
        elif (
            self.occurred_on
            and self.engagement_id
            and self.occurred_on < self.engagement.started_on
        ):
            errors["occurred_on"] = ValidationError(
                _("The date cannot be before the engagement began (%(date)s)."),
                params={"date": self.engagement.started_on.isoformat()},
            )
        if self.role_details_disclosed is not None and self.kind != Kind.SALARY_ASKED:
            errors["role_details_disclosed"] = ValidationError(
                _("Disclosure is recorded only for pay questions.")
            )
        if errors:
            raise ValidationError(errors)


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed")


class ModerationReason(models.TextChoices):
    """Grounds for rejecting or removing a review. None of them is about sentiment."""

    PERSONAL_DATA = "personal_data", _("Contains personal data")
    HARASSMENT = "harassment", _("Harassment")
    NOT_GENUINE = "not_genuine", _("Not a genuine experience")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    OFF_TOPIC = "off_topic", _("Off-topic")
    ILLEGAL_CONTENT = "illegal_content", _("Illegal content")


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
RATING_FIELDS = ("rating_communication", "rating_honesty", "rating_feedback", "rating_respect")


class Review(models.Model):
    """A candidate's review of one engagement: four ratings and a text."""

    engagement = models.OneToOneField(
        Engagement, verbose_name=_("engagement"), on_delete=models.CASCADE, related_name="review"
    )
    # Always the engagement's agency (a composite foreign key enforces it on PostgreSQL, as
    # for events): an agency's page reads its latest published reviews from one index
    # instead of joining all its engagements.
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="reviews",
        editable=False,
    )
    rating_communication = models.PositiveSmallIntegerField(
        _("communication"), validators=RATING_VALIDATORS
    )
    rating_honesty = models.PositiveSmallIntegerField(_("honesty"), validators=RATING_VALIDATORS)
    rating_feedback = models.PositiveSmallIntegerField(_("feedback"), validators=RATING_VALIDATORS)
    rating_respect = models.PositiveSmallIntegerField(
        _("respect for my time and data"), validators=RATING_VALIDATORS
    )
    text = models.TextField(_("review"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    risk_signals = models.JSONField(_("risk signals"), default=list, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.NONE
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-submitted_at"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__range": (1, 5)}), name=f"review_{name}_1_5"
                )
                for name in RATING_FIELDS
            ],
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="review_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(risk_level__in=RiskLevel.values), name="review_risk_level_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="review_status_idx"),
            # The agency page's latest published reviews: the first rows of this index.
            models.Index(
                fields=["agency", "-published_at", "-id"],
                condition=Q(status=ReviewStatus.PUBLISHED),
                name="review_agency_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of engagement {self.engagement_id} ({self.status})"

    @property
    def average_rating(self) -> float:
        return sum(getattr(self, name) for name in RATING_FIELDS) / len(RATING_FIELDS)


class ReviewStatusChange(models.Model):
    """One entry of a review's moderation history; rows are only ever added."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ReviewStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ReviewStatus.choices)
    reason = models.CharField(
        _("reason"), max_length=32, choices=ModerationReason.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("review status change")
        verbose_name_plural = _("review status changes")
        ordering = ["review", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason="") | Q(reason__in=ModerationReason.values),
                name="statuschange_reason_known",
            ),
            # Rejecting or removing a review always states why.
            models.CheckConstraint(
                condition=~Q(to_status__in=[ReviewStatus.REJECTED, ReviewStatus.REMOVED])
                | ~Q(reason=""),
                name="statuschange_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class AgencyReply(models.Model):
    """An agency representative's public reply to a review (one per review)."""

    review = models.OneToOneField(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="agency_reply"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agency_replies",
    )
    text = models.TextField(_("reply"), max_length=3000)
    # Moderators remove a reply (an upheld report) without deleting it; the reason is in
    # the moderation log.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agency reply")
        verbose_name_plural = _("agency replies")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="agencyreply_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Reply to review {self.review_id}"


class NudgeAnswer(models.TextChoices):
    REPLIED = "reply", _("The agency got back to me")
    SILENCE = "silence", _("Still no answer")


class SilenceNudge(models.Model):
    """A "did the agency get back to you?" e-mail, sent once per engagement and silence."""

    engagement = models.ForeignKey(
        Engagement,
        verbose_name=_("engagement"),
        on_delete=models.CASCADE,
        related_name="nudges",
    )
    awaiting_since = models.DateField(
        _("waiting since"), help_text=_("The date of the awaiting point the silence follows.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=8, choices=NudgeAnswer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("silence nudge")
        verbose_name_plural = _("silence nudges")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "awaiting_since"], name="nudge_once_per_silence"
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answer__in=NudgeAnswer.values), name="nudge_answer_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Nudge for engagement {self.engagement_id} ({self.awaiting_since})"


# --- Moderation --------------------------------------------------------------------------------


class ReportReason(models.TextChoices):
    """Why someone reports a published review or an agency reply."""

    PERSONAL_DATA = "personal_data", _("It contains personal data")
    HARASSMENT = "harassment", _("Harassment or abuse")
    NOT_GENUINE = "not_genuine", _("Not a genuine experience")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    OFF_TOPIC = "off_topic", _("Off-topic")
    ILLEGAL_CONTENT = "illegal_content", _("Illegal content")
    OTHER = "other", _("Something else")


class ReportKind(models.TextChoices):
    """A report from anyone, or a dispute: an agency's representative contesting a review."""

    REPORT = "report", _("Report")
    DISPUTE = "dispute", _("Dispute by the agency")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """Someone's report of a published review or agency reply, until a moderator decides.

    Exactly one target. A person has at most one open report per target; once decided,
    the same person may report it again (new facts, a changed text).
    """

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        # What the person wrote goes with their account; the decision stays in the log.
        on_delete=models.CASCADE,
        related_name="reports",
    )
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    agency_reply = models.ForeignKey(
        AgencyReply,
        verbose_name=_("agency reply"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=ReportReason.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ReportKind.choices, default=ReportKind.REPORT
    )
    text = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, agency_reply__isnull=True)
                | Q(review__isnull=True, agency_reply__isnull=False),
                name="report_one_target",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_known"
            ),
            # An agency disputes what candidates wrote about it, never its own replies.
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.DISPUTE) | Q(review__isnull=False),
                name="report_dispute_of_review",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN) | Q(resolved_at__isnull=False),
                name="report_decided_has_date",
            ),
            # Reporting twice while the first is open only says "already reported".
            models.UniqueConstraint(
                fields=["reporter", "review"],
                condition=Q(status=ReportStatus.OPEN, review__isnull=False),
                name="report_one_open_per_review",
            ),
            models.UniqueConstraint(
                fields=["reporter", "agency_reply"],
                condition=Q(status=ReportStatus.OPEN, agency_reply__isnull=False),
                name="report_one_open_per_reply",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status=ReportStatus.OPEN),
                name="report_open_idx",
            ),
        ]

    def __str__(self) -> str:
        target = f"review {self.review_id}" if self.review_id else f"reply {self.agency_reply_id}"
        return f"Report of {target} ({self.status})"


class ModerationActionKind(models.TextChoices):
    REVIEW_APPROVED = "review_approved", _("Review approved")
    REVIEW_REJECTED = "review_rejected", _("Review rejected")
    REVIEW_REMOVED = "review_removed", _("Review removed")
    REPLY_REMOVED = "reply_removed", _("Agency reply removed")
    REPORT_UPHELD = "report_upheld", _("Report upheld")
    REPORT_DISMISSED = "report_dismissed", _("Report dismissed")
    ENGAGEMENT_HELD = "engagement_held", _("Engagement held for review")
    HOLD_CLEARED = "hold_cleared", _("Hold cleared: the engagement counts")
    ENGAGEMENT_EXCLUDED = "engagement_excluded", _("Engagement excluded from scores")
    ENGAGEMENT_INCLUDED = "engagement_included", _("Engagement counted again")
    ACCOUNT_EXCLUDED = "account_excluded", _("Account excluded from scores")
    ACCOUNT_INCLUDED = "account_included", _("Account counted again")
    ACCOUNT_SUSPENDED = "account_suspended", _("Account suspended")
    ACCOUNT_UNSUSPENDED = "account_unsuspended", _("Account suspension lifted")
    SCORE_FROZEN = "score_frozen", _("Agency score frozen")
    SCORE_RELEASED = "score_released", _("Agency score released")
    CLAIM_REQUESTED = "claim_requested", _("Agency claim requested")
    CLAIM_APPROVED = "claim_approved", _("Agency claim approved")
    CLAIM_REJECTED = "claim_rejected", _("Agency claim rejected")
    CLAIM_REVOKED = "claim_revoked", _("Agency representative revoked")
    AGENCY_MERGED = "agency_merged", _("Duplicate agency merged")


# Decisions against someone's content or account always state their ground.
REASONED_ACTIONS = frozenset(
    {
        ModerationActionKind.REVIEW_REJECTED,
        ModerationActionKind.REVIEW_REMOVED,
        ModerationActionKind.REPLY_REMOVED,
        ModerationActionKind.REPORT_UPHELD,
        ModerationActionKind.ENGAGEMENT_EXCLUDED,
        ModerationActionKind.ACCOUNT_EXCLUDED,
        ModerationActionKind.ACCOUNT_SUSPENDED,
    }
)


class ModerationAction(models.Model):
    """One entry of the moderation log: who did what to which target, why, and when.

    Rows are only ever added, in the same transaction as the action they record. The
    target is one or more explicit nullable foreign keys rather than a generic relation, so
    the log can be filtered and joined like any table, and the database keeps each
    reference valid. When a target is erased with its author's account the entry stays,
    pointing at nothing. ``actor`` is empty for what the checks on arrival did on their own
    (a hold, a frozen score).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    action = models.CharField(_("action"), max_length=32, choices=ModerationActionKind.choices)
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency_reply = models.ForeignKey(
        AgencyReply,
        verbose_name=_("agency reply"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    engagement = models.ForeignKey(
        Engagement,
        verbose_name=_("engagement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A merge names two agencies: ``agency`` is the duplicate, this the agency it went into.
    merged_into = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(
        _("reason"), max_length=32, choices=ModerationReason.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate", _("Can work the moderation queue"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ModerationActionKind.values),
                name="moderationaction_action_known",
            ),
            models.CheckConstraint(
                condition=Q(reason="") | Q(reason__in=ModerationReason.values),
                name="moderationaction_reason_known",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=REASONED_ACTIONS) | ~Q(reason=""),
                name="moderationaction_decision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="moderationaction_recent_idx"),
            models.Index(
                fields=["action", "-created_at", "-id"], name="moderationaction_action_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"
