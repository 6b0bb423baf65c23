from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from agencies import compare_views, list_views, representative_urls
from agencyrank import trust_views, views
from agencyrank.page_cache import cached_public_page
from agencyrank.sitemaps import SITEMAPS
from reviews import moderation_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("how-scores-work/", views.how_scores_work, name="how_scores_work"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", cached_public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("how-we-verify/", trust_views.how_we_verify, name="how_we_verify"),
    path("agencies/", include("agencies.urls")),
    path("compare/", compare_views.compare, name="compare"),
    path("my-agencies/", list_views.my_agencies, name="my_agencies"),
    path("my-agencies/export.csv", list_views.my_agencies_export, name="my_agencies_export"),
    path("api/", include("agencies.api_urls")),
    path("experiences/", include("reviews.urls")),
    path("experiences/", include("reviews.data_urls")),
    path("moderation/claims/", include(representative_urls.moderation_urlpatterns)),
    path("moderation/", include("reviews.moderation_urls")),
    path("representatives/", include("agencies.representative_urls")),
    path("reports/", include(moderation_urls.report_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Exempt from CSRF: it only sets the display-language cookie, which a cross-site post
    # can do no harm with, and a token in every page's switcher would make pages uncacheable.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
