from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agencyrank.page_cache import PublicDataAdminMixin
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
from reviews.moderation import review_approve
from reviews.services import engagement_moved


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing here is hard-deleted from the admin: no delete page, no bulk delete action.

    Content leaves the site through the moderation services (a review rejected or removed,
    a reply removed, an engagement excluded), each with its record in the moderation log;
    agencies are merged or deactivated. A candidate deletes their own events and account.
    """

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["kind", "occurred_on", "occurred_at", "role_details_disclosed", "note"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Engagement)
class EngagementAdmin(NoDeleteAdmin):
    list_display = [
        "pk",
        "agency",
        "role_title",
        "source",
        "started_on",
        "excluded_from_scores",
        "held_for_review",
    ]
    list_filter = ["source", "excluded_from_scores", "held_for_review", "risk_level"]
    # Holds and exclusions change through the moderation pages, so each one is logged.
    readonly_fields = ["excluded_from_scores", "held_for_review", "risk_signals", "risk_level"]
    search_fields = ["agency__name", "role_title", "candidate__email"]
    raw_id_fields = ["candidate", "agency"]
    list_select_related = ["agency"]
    date_hierarchy = "started_on"
    inlines = [EventInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "agency" in form.changed_data:
            engagement_moved(engagement=obj, from_agency_id=form.initial.get("agency"))

    def save_formset(self, request, form, formset, change):
        # An event always carries its engagement's agency.
        for event in formset.save(commit=False):
            event.agency_id = form.instance.agency_id
            event.save()


@admin.register(Event)
class EventAdmin(NoDeleteAdmin):
    list_display = ["pk", "engagement", "agency", "kind", "occurred_on"]
    list_filter = ["kind"]
    raw_id_fields = ["engagement"]
    list_select_related = ["agency"]
    date_hierarchy = "occurred_on"

    def save_model(self, request, obj, form, change):
        obj.agency_id = obj.engagement.agency_id
        super().save_model(request, obj, form, change)


class StatusChangeInline(admin.TabularInline):
    model = ReviewStatusChange
    extra = 0
    fields = ["created_at", "from_status", "to_status", "reason", "note", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(NoDeleteAdmin):
    list_display = ["pk", "engagement", "status", "submitted_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["text"]
    raw_id_fields = ["engagement"]
    # Status moves only through the moderation services (reviews/moderation/), so every
    # change lands in the review's history and the moderation log, and the author gets the
    # e-mail the decision calls for.
    readonly_fields = ["status", "submitted_at", "published_at", "risk_signals", "risk_level"]
    inlines = [StatusChangeInline]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        # A review always carries its engagement's agency.
        obj.agency_id = obj.engagement.agency_id
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected reviews"))
    def publish(self, request, queryset):
        # An approval like the queue's: logged in the moderation log. Only pending reviews
        # are approved; a rejected or removed one stays down (it was decided with a reason),
        # and one by a representative of the agency is never published.
        published = left = conflicted = 0
        for review in queryset.order_by("pk"):
            try:
                review_approve(review=review, actor=request.user)
            except ValidationError as error:
                if error.code == "representative":
                    conflicted += 1
                else:
                    left += 1
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d review published.", "%(count)d reviews published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d review was not waiting for moderation and was left as it is.",
                    "%(count)d reviews were not waiting for moderation and were left as they are.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )
        if conflicted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d review was not published: its author now represents the agency "
                    "it reviews. Reject it for conflict of interest.",
                    "%(count)d reviews were not published: their authors now represent the "
                    "agencies they review. Reject them for conflict of interest.",
                    conflicted,
                )
                % {"count": conflicted},
                messages.WARNING,
            )


@admin.register(AgencyReply)
class AgencyReplyAdmin(PublicDataAdminMixin, NoDeleteAdmin):
    list_display = ["pk", "review", "author", "created_at", "removed_at"]
    raw_id_fields = ["review", "author"]
    # Removed on the moderation pages, which log the reason and tell the reply's author.
    readonly_fields = ["removed_at"]


@admin.register(SilenceNudge)
class SilenceNudgeAdmin(admin.ModelAdmin):
    list_display = ["pk", "engagement", "awaiting_since", "sent_at", "answer", "answered_at"]
    list_filter = ["answer"]
    raw_id_fields = ["engagement"]
    readonly_fields = [
        "engagement",
        "awaiting_since",
        "created_at",
        "sent_at",
        "answer",
        "answered_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "reason", "status", "created_at", "resolved_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["reporter", "review", "agency_reply", "resolved_by"]
    # Decided on the moderation pages (reviews/moderation.py), which log each decision.
    readonly_fields = [
        "reporter",
        "review",
        "agency_reply",
        "reason",
        "text",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log, read-only: entries are only ever added, by the services."""

    list_display = ["created_at", "action", "actor", "agency", "reason"]
    list_filter = ["action", "reason"]
    list_select_related = ["actor", "agency"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
