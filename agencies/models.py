"""Agencies and the scores that background jobs compute for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from agencies.matching import domain_from_website, normalise_name
from agencies.scoring import METRICS


class SpecialtyCode(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology")
    FINANCE = "finance", _("Finance and accounting")
    ENGINEERING = "engineering", _("Engineering")
    HEALTHCARE = "healthcare", _("Healthcare")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    LEGAL = "legal", _("Legal")
    HUMAN_RESOURCES = "human_resources", _("Human resources")
    EXECUTIVE = "executive", _("Executive search")
    HOSPITALITY = "hospitality", _("Hospitality")
    LOGISTICS = "logistics", _("Logistics")
    EDUCATION = "education", _("Education")
    CONSTRUCTION = "construction", _("Construction")
    CREATIVE = "creative", _("Creative and design")
    ADMINISTRATION = "administration", _("Administration")


class Specialty(models.Model):
    """One entry of the fixed list of specialties; rows are created by a migration."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=SpecialtyCode.choices)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=SpecialtyCode.values), name="specialty_code_known"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())


class AgencyQuerySet(models.QuerySet):
    def listed(self) -> "AgencyQuerySet":
        """Agencies shown to the public: active and not merged into another."""
        return self.filter(is_active=True, merged_into__isnull=True)


class Agency(models.Model):
    """A recruitment or placement agency. Duplicates are merged, never deleted."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    domain = models.CharField(
        _("domain"),
        max_length=253,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Derived from the website; used to match agencies on import."),
    )
    name_key = models.CharField(
        _("normalised name"),
        max_length=200,
        db_index=True,
        editable=False,
        help_text=_("Case-, accent- and punctuation-insensitive name used for matching."),
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    specialties = models.ManyToManyField(
        Specialty, verbose_name=_("specialties"), related_name="agencies", blank=True
    )
    # The codes of ``specialties``, comma-separated in code order ("" without any), written
    # by the database (triggers, migration 0015) however the links change, so that a list of
    # agencies shows them without looking them up agency by agency. Read it; never write it.
    specialty_codes = models.TextField(_("specialty codes"), blank=True, default="", editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        help_text=_("Set when this agency was a duplicate; its pages redirect there."),
    )
    # Set when a burst of new accounts logs this agency (reviews/screening.py): the scoring
    # jobs then keep its public score as it was until a moderator releases it.
    score_frozen_at = models.DateTimeField(
        _("score frozen since"),
        null=True,
        blank=True,
        help_text=_("Unusual activity is being reviewed; the public score does not change."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="agency_not_merged_into_itself"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="agency_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["country", "city"], name="agency_country_city_idx"),
            # Counting the listed agencies where the database keeps no count (SQLite, a
            # filter on the score) reads this index only; so does joining a page's score
            # rows to their listed agencies.
            models.Index(
                fields=["id"],
                name="agency_listed_idx",
                condition=Q(is_active=True, merged_into__isnull=True),
            ),
            # The ranking's and the API's city filter, which takes any case (city__iexact):
            # without it, each filtered page read every agency twice (5 ms on 10,000).
            models.Index(
                Upper("city"),
                F("id"),
                name="agency_listed_city_idx",
                condition=Q(is_active=True, merged_into__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specialty_code_list(self) -> list[str]:
        """The codes of the agency's specialties, in code order, as last read from its row."""
        return self.specialty_codes.split(",") if self.specialty_codes else []

    def clean(self) -> None:
        target = self.merged_into
        if target is None:
            return
        if target.pk == self.pk:
            raise ValidationError({"merged_into": _("An agency cannot be merged into itself.")})
        if target.merged_into_id is not None:
            raise ValidationError(
                {
                    "merged_into": _(
                        "That agency was itself merged into %(name)s; choose that one."
                    )
                    % {"name": target.merged_into}
                }
            )

    def refresh_match_keys(self) -> None:
        """Recompute the derived matching keys from the name and website."""
        self.domain = domain_from_website(self.website)
        self.name_key = normalise_name(self.name)


# One column per metric of the scoring core.
RATE_FIELDS = METRICS


def _rate_constraints() -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (0, 1)}),
            name=f"agencyscore_{name}_0_1",
        )
        for name in RATE_FIELDS
    ]


# Each public flag: its name, as the API and the pages give it, and the score row's field
# that raises it; in the order the pages list their badges.
SCORE_FLAGS = (
    ("ghosting", "flag_ghosting"),
    ("cv_harvesting", "flag_cv_harvesting"),
    ("salary_fishing", "flag_salary_fishing"),
)


class AgencyScore(models.Model):
    """An agency's current metrics and score. Written only by the scoring jobs."""

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score",
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    score_low = models.FloatField(_("score, low end of range"), null=True, blank=True)
    score_high = models.FloatField(_("score, high end of range"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    engagements = models.PositiveIntegerField(_("engagements counted"), default=0)
    reply_rate = models.FloatField(_("reply rate"), null=True, blank=True)
    median_reply_days = models.FloatField(_("median reply time (days)"), null=True, blank=True)
    ghosting_rate = models.FloatField(_("ghosting rate"), null=True, blank=True)
    feedback_rate = models.FloatField(_("feedback rate"), null=True, blank=True)
    follow_up_rate = models.FloatField(_("follow-up rate"), null=True, blank=True)
    cv_harvest_rate = models.FloatField(_("CV-harvest rate"), null=True, blank=True)
    salary_fishing_rate = models.FloatField(_("salary-fishing rate"), null=True, blank=True)
    evidence = models.JSONField(
        _("evidence counts"),
        default=dict,
        blank=True,
        help_text=_("How many cases each metric is computed from."),
    )
    flag_ghosting = models.BooleanField(_("ghosting flag"), default=False)
    flag_cv_harvesting = models.BooleanField(_("CV-harvesting flag"), default=False)
    flag_salary_fishing = models.BooleanField(_("salary-fishing flag"), default=False)
    rating = models.FloatField(_("average rating"), null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("published reviews"), default=0)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("agency score")
        verbose_name_plural = _("agency scores")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__range=(0, 100)),
                name="agencyscore_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True)
                | Q(score_low__lte=F("score"), score_high__gte=F("score")),
                name="agencyscore_score_inside_range",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="agencyscore_rank_positive"
            ),
            models.CheckConstraint(
                condition=Q(median_reply_days__isnull=True) | Q(median_reply_days__gte=0),
                name="agencyscore_median_reply_days_positive",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)),
                name="agencyscore_rating_1_5",
            ),
            *_rate_constraints(),
        ]
        indexes = [
            # The API lists scored agencies best first, ties broken by evidence.
            models.Index(
                F("score").desc(),
                F("engagements").desc(),
                name="agencyscore_ranking_idx",
                condition=Q(score__isnull=False),
            ),
            # The ranking page reads ranked agencies in each of its orders (agencies/ranking.py)
            # and stops after the page, instead of sorting every listed agency.
            *(
                models.Index(*order, name=name, condition=Q(rank__isnull=False))
                for name, order in (
                    (
                        "agencyscore_rank_idx",
                        (F("rank").asc(), F("engagements").desc(nulls_last=True)),
                    ),
                    ("agencyscore_reply_rate_idx", (F("reply_rate").desc(nulls_last=True),)),
                    (
                        "agencyscore_reply_days_idx",
                        (F("median_reply_days").asc(nulls_last=True),),
                    ),
                    ("agencyscore_ghosting_idx", (F("ghosting_rate").asc(nulls_last=True),)),
                    ("agencyscore_rating_idx", (F("rating").desc(nulls_last=True),)),
                )
            ),
            # Counting the ranked ones among the listed: a merge of two index-only scans.
            models.Index(
                fields=["agency"], name="agencyscore_ranked_idx", condition=Q(rank__isnull=False)
            ),
            # The minimum-evidence filter (the ranking's min_evidence, the API's
            # min_engagements) reads the agencies with enough evidence from this index alone,
            # not the score rows, whose evidence JSON makes them wide: counting at least 20
            # on the bench data read 3,300 pages of them (12 ms). Key columns rather than an
            # INCLUDE, which SQLite lacks.
            models.Index(
                fields=["engagements", "agency", "rank"], name="agencyscore_engagements_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.score})"

    @property
    def flags(self) -> list[str]:
        """The public flags raised for this agency, as the API names them."""
        return [name for name, field in SCORE_FLAGS if getattr(self, field)]


class ScoreSnapshot(models.Model):
    """An agency's score at the start of a month, for the trend chart."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="snapshots"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    score = models.FloatField(_("score"), null=True, blank=True)
    score_low = models.FloatField(_("score, low end of range"), null=True, blank=True)
    score_high = models.FloatField(_("score, high end of range"), null=True, blank=True)
    engagements = models.PositiveIntegerField(_("engagements counted"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        ordering = ["agency", "month"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="snapshot_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_is_first_day"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__range=(0, 100)),
                name="snapshot_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.month:%Y-%m}"


class StaleAgency(models.Model):
    """An agency whose score is out of date.

    Written in the same transaction as the change, so it survives a broker outage; the
    recompute clears it, and a periodic reconciler picks up any left behind.
    """

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), db_index=True)

    class Meta:
        verbose_name = _("agency with an out-of-date score")
        verbose_name_plural = _("agencies with out-of-date scores")

    def __str__(self) -> str:
        return f"{self.agency_id} stale since {self.marked_at:%Y-%m-%d %H:%M}"


class SingleRow(models.Model):
    """A table of one row, whose id is always 1."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="%(class)s_single_row"),
        ]


class ListedAgencyCount(SingleRow):
    """How many agencies are listed (one row), kept exact by triggers on the agency table.

    Counting the listed agencies reads every one of them (about 1 ms per 10,000 even from an
    index alone), and the ranking and the API's plain list show that number on every page.
    On PostgreSQL, triggers on ``agencies_agency`` add and take away one as agencies are
    created, listed, unlisted or deleted, and set it to 0 when the table is truncated
    (migration 0009). Without the row (SQLite, or after a test emptied every table) readers
    count instead (``agencies.ranking.listed_count_sql``).
    """

    listed = models.IntegerField(_("listed agencies"))

    class Meta(SingleRow.Meta):
        verbose_name = _("listed agency count")
        verbose_name_plural = _("listed agency counts")

    def __str__(self) -> str:
        return str(self.listed)


class PlatformRates(SingleRow):
    """The platform-wide rate of each metric, that agency rates are shrunk toward (one row)."""

    rates = models.JSONField(_("rates"), default=dict)
    updated_at = models.DateTimeField(_("updated"))

    class Meta(SingleRow.Meta):
        verbose_name = _("platform-wide rates")
        verbose_name_plural = _("platform-wide rates")

    def __str__(self) -> str:
        return f"Platform rates of {self.updated_at:%Y-%m-%d}"


class MarkVerdict(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    AVOID = "avoid", _("Avoid")


MARK_NOTE_MAX_LENGTH = 2000


class AgencyMark(models.Model):
    """A person's private verdict on an agency, with a note only they ever see.

    Hiring managers keep these lists to pick agencies and to remember which to avoid. The
    score at the time of the verdict is kept so the list can show how the agency moved since.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agency_marks",
    )
    # An agency is deleted only when it was never used (duplicates are merged instead); a
    # private list must not stand in the way of removing such an entry.
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="marks"
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=MarkVerdict.choices)
    note = models.TextField(_("private note"), max_length=MARK_NOTE_MAX_LENGTH, blank=True)
    score_when_marked = models.FloatField(_("score when marked"), null=True, blank=True)
    marked_at = models.DateTimeField(
        _("marked"), help_text=_("When the current verdict was given.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agency mark")
        verbose_name_plural = _("agency marks")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="agencymark_one_per_agency"),
            models.CheckConstraint(
                condition=Q(verdict__in=MarkVerdict.values), name="agencymark_verdict_known"
            ),
        ]
        indexes = [
            # "My agencies" reads one person's marks, latest verdict first.
            models.Index(fields=["user", "-marked_at"], name="agencymark_user_marked_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.verdict} by {self.user_id}"


# --- Representatives (agencies/claims.py) ------------------------------------------------------


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


# A claim waiting for a decision, or approved and in force: a person has at most one per agency.
OPEN_CLAIM_STATUSES = (ClaimStatus.PENDING, ClaimStatus.APPROVED)
CLAIM_MESSAGE_MAX_LENGTH = 200
CLAIM_NOTE_MAX_LENGTH = 2000


class AgencyClaim(models.Model):
    """A person's claim to speak for an agency. Once a moderator approves it, they represent it.

    The evidence is the claimant's verified address on the agency's own domain, kept as it
    was when they claimed (agencies/claims.py states the rule). Claims are never deleted: a
    representative who leaves the agency has their claim revoked, with a note.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agency_claims",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="claims"
    )
    email = models.EmailField(
        _("address on the agency's domain"),
        help_text=_("The verified address the claim was made with."),
    )
    message = models.CharField(_("job title"), max_length=CLAIM_MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    note = models.TextField(
        _("decision note"),
        max_length=CLAIM_NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Sent to the claimant with the decision."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agency claim")
        verbose_name_plural = _("agency claims")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="agencyclaim_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.PENDING) | Q(decided_at__isnull=False),
                name="agencyclaim_decided_has_date",
            ),
            # Turning someone down or away always says why.
            models.CheckConstraint(
                condition=~Q(status__in=[ClaimStatus.REJECTED, ClaimStatus.REVOKED]) | ~Q(note=""),
                name="agencyclaim_refusal_has_note",
            ),
            # Claiming twice while the first waits, or once approved, changes nothing.
            models.UniqueConstraint(
                fields=["user", "agency"],
                condition=Q(status__in=OPEN_CLAIM_STATUSES),
                name="agencyclaim_one_open_per_agency",
            ),
        ]
        indexes = [
            # Moderators read the few pending claims among many, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status=ClaimStatus.PENDING),
                name="agencyclaim_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim of {self.agency_id} by {self.user_id} ({self.status})"
