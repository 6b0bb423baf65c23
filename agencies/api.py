"""The public, read-only JSON API: agencies, their scores and their monthly history.

Only agency-level aggregates are exposed; nothing here reads a candidate, an engagement or
a review row. The agency object's fields are a stable contract (docs: PRODUCT.md).
"""

from functools import partial

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django_countries import countries
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.matching import normalise_name
from agencies.models import Agency, AgencyScore, ScoreSnapshot, Specialty, SpecialtyCode
from agencies.queries import follow_merges
from agencyrank.page_cache import cached_api_response

FLAGS = ["ghosting", "cv_harvesting", "salary_fishing"]

# Sort keys a client may ask for, and the score column each reads ("-key" reverses).
ORDERINGS = {
    "score": "score__score",
    "reply_rate": "score__reply_rate",
    "median_reply_days": "score__median_reply_days",
    "ghosting_rate": "score__ghosting_rate",
    "rating": "score__rating",
    "name": "name",
}
ORDERING_CHOICES = [prefix + key for key in ORDERINGS for prefix in ("", "-")]
SEARCH_MAX_LENGTH = 100
THROTTLED = OpenApiResponse(description="Too many requests from this address; see Retry-After")


class AgencyPagination(PageNumberPagination):
    """Numbered pages of 50 agencies, ``page_size`` up to 100 (AgencyFilterSerializer checks)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


# --- Serializers ------------------------------------------------------------------------


class MetricsSerializer(serializers.Serializer):
    """The agency's rates (0 to 1) and median reply time; null where there is no evidence."""

    reply_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    median_reply_days = serializers.FloatField(allow_null=True, min_value=0)
    ghosting_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    feedback_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    follow_up_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    cv_harvest_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)
    salary_fishing_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)


@extend_schema_field(serializers.ChoiceField(choices=SpecialtyCode.values))
class SpecialtyCodeField(serializers.SlugRelatedField):
    """A specialty as its code (from the prefetched specialties)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(slug_field="code", read_only=True, **kwargs)


class AgencySerializer(serializers.Serializer):
    """One agency as the public API shows it; the score fields come from its AgencyScore."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2 code.")
    city = serializers.CharField()
    specialties = SpecialtyCodeField(many=True)
    score = serializers.FloatField(
        source="score.score",
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="0 to 100; null while there is not enough data.",
    )
    score_low = serializers.FloatField(source="score.score_low", allow_null=True)
    score_high = serializers.FloatField(source="score.score_high", allow_null=True)
    rank = serializers.IntegerField(source="score.rank", allow_null=True, min_value=1)
    engagements = serializers.IntegerField(
        source="score.engagements", min_value=0, help_text="How many engagements are counted."
    )
    metrics = MetricsSerializer(source="score")
    flags = serializers.ListField(
        source="score.flags", child=serializers.ChoiceField(choices=FLAGS)
    )
    rating = serializers.FloatField(
        source="score.rating",
        allow_null=True,
        help_text="Average stars of published reviews, 1 to 5; null without any.",
    )
    updated_at = serializers.DateTimeField(source="score.updated_at", allow_null=True)

    def to_representation(self, agency: Agency) -> dict:
        try:
            agency.score  # noqa: B018 - loaded by select_related; raises when there is none
        except AgencyScore.DoesNotExist:
            # Not scored yet: an unsaved blank row gives nulls, no flags and zero engagements.
            agency.score = AgencyScore(updated_at=None)
        return super().to_representation(agency)


class SnapshotSerializer(serializers.Serializer):
    """An agency's score at the start of one month."""

    month = serializers.DateField(help_text="The first day of the month.")
    score = serializers.FloatField(allow_null=True)
    score_low = serializers.FloatField(allow_null=True)
    score_high = serializers.FloatField(allow_null=True)
    engagements = serializers.IntegerField(min_value=0)


class CountryCodeField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 country code, in either case."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=[code for code, _name in countries], **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.upper() if isinstance(data, str) else data)


class AgencyFilterSerializer(serializers.Serializer):
    """The list's query parameters; any bad value is a 400 naming the parameter."""

    country = CountryCodeField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. GB.")
    city = serializers.CharField(required=False, max_length=120)
    specialty = serializers.ChoiceField(required=False, choices=SpecialtyCode.values)
    min_engagements = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    search = serializers.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH, help_text="Part of the agency's name."
    )
    ordering = serializers.ChoiceField(
        required=False,
        choices=ORDERING_CHOICES,
        help_text="Sort key; a leading '-' reverses it. Agencies without a value come last. "
        "Default: best score first.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


# --- Reads ------------------------------------------------------------------------------


_SPECIALTIES = Prefetch("specialties", queryset=Specialty.objects.order_by("code"))


# What the list reads of each agency and its score row: not the evidence JSON, which is
# most of the score table's bytes and which the API never shows.
_METRICS = list(MetricsSerializer._declared_fields)
_SCORE_COLUMNS = [
    "score",
    "score_low",
    "score_high",
    "rank",
    "engagements",
    *_METRICS,
    "flag_ghosting",
    "flag_cv_harvesting",
    "flag_salary_fishing",
    "rating",
    "updated_at",
]
_LIST_COLUMNS = ["pk", "slug", "name", "country", "city"] + [
    f"score__{column}" for column in _SCORE_COLUMNS
]


def filtered_agency_rows(filters: dict) -> QuerySet:
    """The listed agencies matching validated ``filters`` in the order asked for, as dicts of
    the columns the list shows; one query."""
    return _filtered(Agency.objects.listed(), filters).values(*_LIST_COLUMNS)


def specialty_codes(agency_ids: list[int]) -> dict[int, list[str]]:
    """Agency id → its specialty codes in alphabetical order; one query."""
    rows = (
        Agency.specialties.through.objects.filter(agency_id__in=agency_ids)
        .order_by("specialty__code")
        .values_list("agency_id", "specialty__code")
    )
    codes: dict[int, list[str]] = {agency_id: [] for agency_id in agency_ids}
    for agency_id, code in rows:
        codes[agency_id].append(code)
    return codes


def _filtered(agencies: QuerySet[Agency], filters: dict) -> QuerySet[Agency]:
    if "country" in filters:
        agencies = agencies.filter(country=filters["country"])
    if filters.get("city"):
        agencies = agencies.filter(city__iexact=filters["city"])
    if "specialty" in filters:
        agencies = agencies.filter(specialties__code=filters["specialty"])
    if filters.get("min_engagements"):
        agencies = agencies.filter(score__engagements__gte=filters["min_engagements"])
    if search := filters.get("search", "").strip():
        # The normalised key ignores case, accents and legal forms, as the site search does.
        matches = Q(name__icontains=search)
        if name_key := normalise_name(search):
            matches |= Q(name_key__icontains=name_key)
        agencies = agencies.filter(matches)
    ordering = filters.get("ordering")
    if ordering:
        column = F(ORDERINGS[ordering.removeprefix("-")])
        first = (
            column.desc(nulls_last=True)
            if ordering.startswith("-")
            else column.asc(nulls_last=True)
        )
        return agencies.order_by(first, "name", "pk")
    return agencies.order_by(
        F("score__score").desc(nulls_last=True),
        F("score__engagements").desc(nulls_last=True),
        "name",
        "pk",
    )


def agency_at(slug: str) -> Agency:
    """The listed agency at ``slug``, or the one it was merged into (merges followed twice).

    Raises Agency.DoesNotExist for an unknown or deactivated agency.
    """
    agency = follow_merges(
        Agency.objects.select_related("score", "merged_into__merged_into")
        .prefetch_related(_SPECIALTIES)
        .filter(slug=slug)
        .first()
    )
    if agency is None:
        raise Agency.DoesNotExist
    return agency


_UPDATED_AT = serializers.DateTimeField()
_FLAGS = (
    ("ghosting", "score__flag_ghosting"),
    ("cv_harvesting", "score__flag_cv_harvesting"),
    ("salary_fishing", "score__flag_salary_fishing"),
)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _agency_dict(row: dict, specialties: list[str]) -> dict:
    """One ``filtered_agency_rows`` row as AgencySerializer shows an agency."""
    updated_at = row["score__updated_at"]
    rank = row["score__rank"]
    return {
        "slug": row["slug"],
        "name": row["name"],
        "country": row["country"],
        "city": row["city"],
        "specialties": specialties,
        "score": _float(row["score__score"]),
        "score_low": _float(row["score__score_low"]),
        "score_high": _float(row["score__score_high"]),
        "rank": None if rank is None else int(rank),
        # An agency without a score row yet counts no engagement, as AgencySerializer says.
        "engagements": int(row["score__engagements"] or 0),
        "metrics": {name: _float(row[f"score__{name}"]) for name in _METRICS},
        "flags": [name for name, column in _FLAGS if row[column]],
        "rating": _float(row["score__rating"]),
        "updated_at": None if updated_at is None else _UPDATED_AT.to_representation(updated_at),
    }


# --- Views ------------------------------------------------------------------------------


class _PublicView(GenericAPIView):
    def handle_exception(self, exc):
        # A JSON 404, never Django's HTML page.
        if isinstance(exc, Agency.DoesNotExist):
            exc = NotFound()
        return super().handle_exception(exc)

    def agency_or_redirect(self, slug: str, url_name: str) -> Agency | HttpResponse:
        """The agency at ``slug``, or a 301 to the URL of the agency it was merged into."""
        agency = agency_at(slug)
        if agency.slug != slug:
            return HttpResponsePermanentRedirect(reverse(url_name, kwargs={"slug": agency.slug}))
        return agency


class AgencyList(ListAPIView, _PublicView):
    """Listed agencies, best score first unless ``ordering`` says otherwise."""

    serializer_class = AgencySerializer
    pagination_class = AgencyPagination

    def get_queryset(self) -> QuerySet:
        # A plain dict, not the QueryDict: DRF treats a blank form value as absent, and
        # "?country=" is a mistake the client should hear about.
        filters = AgencyFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return filtered_agency_rows(filters.validated_data)

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Plain dicts built from the rows: AgencySerializer's output, field for field, at a
        # fraction of its cost per agency (it stays the documented schema).
        rows = self.paginate_queryset(self.get_queryset())
        codes = specialty_codes([row["pk"] for row in rows])
        return self.get_paginated_response([_agency_dict(row, codes[row["pk"]]) for row in rows])

    @extend_schema(
        operation_id="agencies_list",
        parameters=[AgencyFilterSerializer],
        responses={
            200: AgencySerializer(many=True),
            400: OpenApiResponse(description="A bad filter value"),
            404: OpenApiResponse(description="A page past the last one"),
            429: THROTTLED,
        },
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        # Cached inside the view, after the throttles have counted this request.
        return cached_api_response(request, partial(super().get, request, *args, **kwargs))


class AgencyDetail(_PublicView):
    """One listed agency; a merged agency's slug redirects (301) to the one it joined."""

    serializer_class = AgencySerializer

    @extend_schema(
        operation_id="agencies_retrieve",
        responses={
            200: AgencySerializer,
            301: OpenApiResponse(description="Merged into another agency"),
            404: OpenApiResponse(description="No such agency"),
            429: THROTTLED,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        return cached_api_response(request, partial(self.respond, slug))

    def respond(self, slug: str) -> Response | HttpResponse:
        agency = self.agency_or_redirect(slug, "api:agency-detail")
        if isinstance(agency, HttpResponse):
            return agency
        return Response(self.get_serializer(agency).data)


class AgencyHistory(_PublicView):
    """An agency's monthly score snapshots, oldest first."""

    serializer_class = SnapshotSerializer

    @extend_schema(
        operation_id="agencies_history",
        responses={
            200: SnapshotSerializer(many=True),
            301: OpenApiResponse(description="Merged into another agency"),
            404: OpenApiResponse(description="No such agency"),
            429: THROTTLED,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        return cached_api_response(request, partial(self.respond, slug))

    def respond(self, slug: str) -> Response | HttpResponse:
        agency = self.agency_or_redirect(slug, "api:agency-history")
        if isinstance(agency, HttpResponse):
            return agency
        snapshots = ScoreSnapshot.objects.filter(agency=agency).order_by("month")
        return Response(self.get_serializer(snapshots, many=True).data)
