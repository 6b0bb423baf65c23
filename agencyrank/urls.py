from django.contrib import admin
from django.urls import include, path

from agencyrank import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("agencies/", include("agencies.urls")),
    path("api/", include("agencies.api_urls")),
    path("experiences/", include("reviews.urls")),
    path("experiences/", include("reviews.data_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
