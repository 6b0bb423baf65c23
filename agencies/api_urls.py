"""The public API, mounted at /api/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from agencies import api

app_name = "api"

urlpatterns = [
    path("agencies/", api.AgencyList.as_view(), name="agency-list"),
    path("agencies/<slug:slug>/", api.AgencyDetail.as_view(), name="agency-detail"),
    path("agencies/<slug:slug>/history/", api.AgencyHistory.as_view(), name="agency-history"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up code as a script of its own, and the
    # template links a stylesheet instead of an inline block: the site's CSP allows neither.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
