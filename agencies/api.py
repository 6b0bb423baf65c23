"""The public, read-only JSON API: agencies, their scores and their monthly history.

Only agency-level aggregates are exposed; nothing here reads a candidate, an engagement or
a review row. The agency object's fields are a stable contract (docs: PRODUCT.md).
"""

from functools import partial

from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone
from django_countries import countries
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.api_queries import ORDERINGS, agency_at, agency_page
from agencies.models import SCORE_FLAGS, Agency, AgencyScore, ScoreSnapshot, SpecialtyCode
from agencyrank.page_cache import cached_api_response

FLAGS = [name for name, _field in SCORE_FLAGS]

ORDERING_CHOICES = [prefix + key for key in ORDERINGS for prefix in ("", "-")]
SEARCH_MAX_LENGTH = 100
THROTTLED = OpenApiResponse(description="Too many requests from this address; see Retry-After")


class AgencyPagination(PageNumberPagination):
    """Numbered pages of 50 agencies, ``page_size`` up to 100 (AgencyFilterSerializer checks)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_agencies(self, filters: dict, request: Request) -> list[dict]:
        """The rows of the page validated ``filters`` ask for; one query, NotFound past the
        last page (the first page of an empty list is empty)."""
        self.request = request
        size = filters.get("page_size") or self.page_size
        number = filters.get("page") or 1
        rows, count = agency_page(filters, (number - 1) * size, number * size)
        if number > 1 and not rows:
            raise NotFound(self.invalid_page_message)
        self.page = Page(rows, number, _CountedPaginator(count, size))
        return rows


class _CountedPaginator(Paginator):
    """Django's paginator, told the count: the page's own query read it with the rows."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__((), per_page)
        self.count = count


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


# In django-countries' order (by English name), as a choice field lists them.
COUNTRY_CODES = list(countries.countries)


@extend_schema_field(serializers.ChoiceField(choices=COUNTRY_CODES))
class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code, in either case."""

    # Not a ChoiceField: setting up some 250 choices, as DRF does for each request's copy of
    # the field, took longer than validating every other filter.
    default_error_messages = {
        "invalid_choice": serializers.ChoiceField.default_error_messages["invalid_choice"]
    }
    codes = frozenset(COUNTRY_CODES)

    def __init__(self, **kwargs) -> None:
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data) -> str:
        code = super().to_internal_value(data).upper()
        if code not in self.codes:
            self.fail("invalid_choice", input=data)
        return code


class AgencyFilterSerializer(serializers.Serializer):
    """The list's query parameters; any bad value is a 400 naming the parameter."""

    country = CountryCodeField(required=False, help_text="ISO 3166-1 alpha-2 code, e.g. GB.")
    city = serializers.CharField(required=False, max_length=120)
    specialty = serializers.ChoiceField(required=False, choices=SpecialtyCode.values)
    min_engagements = serializers.IntegerField(required=False, min_value=0, max_value=10**9)
    search = serializers.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Part of the agency's name (case, accents and legal forms ignored) or of its "
        "website's domain.",
    )
    ordering = serializers.ChoiceField(
        required=False,
        choices=ORDERING_CHOICES,
        help_text="Sort key; a leading '-' reverses it. Agencies without a value come last. "
        "Default: best score first.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


# --- Rows as the API shows them ----------------------------------------------------------


_FLAGS = tuple((name, f"score__{field}") for name, field in SCORE_FLAGS)
_METRIC_COLUMNS = tuple((name, f"score__{name}") for name in MetricsSerializer._declared_fields)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _agencies_as_shown(rows: list[dict]) -> list[dict]:
    """``agency_page`` rows as AgencySerializer shows agencies, field for field."""
    # Its DateTimeField, told the current time zone once rather than asking for each agency.
    updated_at = serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "country": row["country"],
            "city": row["city"],
            "specialties": row["specialties"],
            "score": _float(row["score__score"]),
            "score_low": _float(row["score__score_low"]),
            "score_high": _float(row["score__score_high"]),
            "rank": None if row["score__rank"] is None else int(row["score__rank"]),
            # An agency without a score row yet counts no engagement, as AgencySerializer says.
            "engagements": int(row["score__engagements"] or 0),
            "metrics": {name: _float(row[column]) for name, column in _METRIC_COLUMNS},
            "flags": [name for name, column in _FLAGS if row[column]],
            "rating": _float(row["score__rating"]),
            "updated_at": (
                None
                if row["score__updated_at"] is None
                else updated_at.to_representation(row["score__updated_at"])
            ),
        }
        for row in rows
    ]


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
    # For DRF's generic tools (the browsable API's filter form); the list reads agency_page.
    queryset = Agency.objects.listed()

    def list(self, request: Request, *args, **kwargs) -> Response:
        # A plain dict, not the QueryDict: DRF treats a blank form value as absent, and
        # "?country=" is a mistake the client should hear about.
        if request.query_params:
            filters = AgencyFilterSerializer(data=request.query_params.dict())
            filters.is_valid(raise_exception=True)
            validated = filters.validated_data
        else:  # the plain list, the most asked for: nothing to check (0.2 ms a request)
            validated = {}
        rows = self.paginator.paginate_agencies(validated, request)
        # Plain dicts built from the rows: AgencySerializer's output, field for field, at a
        # fraction of its cost per agency (it stays the documented schema).
        return self.get_paginated_response(_agencies_as_shown(rows))

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
    def get(self, request: Request, *args, **kwargs) -> HttpResponse:
        # Cached inside the view, after the throttles have counted this request.
        return cached_api_response(self, partial(super().get, request, *args, **kwargs))


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
    def get(self, request: Request, slug: str) -> HttpResponse:
        return cached_api_response(self, partial(self.respond, slug))

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
    def get(self, request: Request, slug: str) -> HttpResponse:
        return cached_api_response(self, partial(self.respond, slug))

    def respond(self, slug: str) -> Response | HttpResponse:
        agency = self.agency_or_redirect(slug, "api:agency-history")
        if isinstance(agency, HttpResponse):
            return agency
        snapshots = ScoreSnapshot.objects.filter(agency=agency).order_by("month")
        return Response(self.get_serializer(snapshots, many=True).data)
