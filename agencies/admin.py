from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    Agency,
    AgencyScore,
    PlatformRates,
    ScoreSnapshot,
    Specialty,
    StaleAgency,
)
from agencyrank.page_cache import PublicDataAdminMixin


@admin.register(Agency)
class AgencyAdmin(PublicDataAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "country", "city", "is_active", "merged_into"]
    list_filter = ["is_active", "country", "specialties"]
    search_fields = ["name", "slug", "domain", "city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["specialties"]
    raw_id_fields = ["merged_into"]
    readonly_fields = ["domain", "name_key", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.refresh_match_keys()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # An agency leaves the lists by being merged into another or deactivated; deleting it
        # would take its scores and history with it, and links to it would break.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores are written only by background jobs; staff can read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgencyScore)
class AgencyScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "agency",
        "score",
        "score_low",
        "score_high",
        "rank",
        "engagements",
        "updated_at",
    ]
    search_fields = ["agency__name"]
    list_select_related = ["agency"]
    ordering = ["rank"]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["agency", "month", "score", "engagements"]
    search_fields = ["agency__name"]
    list_select_related = ["agency"]
    date_hierarchy = "month"


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyAdmin):
    list_display = ["code", "label"]

    @admin.display(description=_("label"))
    def label(self, obj):
        return obj.get_code_display()


@admin.register(StaleAgency)
class StaleAgencyAdmin(ReadOnlyAdmin):
    list_display = ["agency", "marked_at"]
    list_select_related = ["agency"]
    ordering = ["marked_at"]


@admin.register(PlatformRates)
class PlatformRatesAdmin(ReadOnlyAdmin):
    list_display = ["updated_at", "rates"]
