from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import account_delete
from accounts.views import admin_login

# Staff sign in through the site's own form: same failed-attempt limits, same two-factor step.
admin.site.login = admin_login


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "date_joined", "is_staff", "is_suspended", "excluded_from_scores"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_suspended", "excluded_from_scores"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Trust"), {"fields": ["is_suspended", "excluded_from_scores"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # Deleting an account here is the person's erasure request carried out by staff: it goes
    # through the same service as the account page, so the agencies it touched are rescored.
    def get_deleted_objects(self, objs, request):
        # The engagements, events and reviews that go with the account cannot be deleted on
        # their own in the admin; with the account, they go as the erasure service says.
        deleted, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_model(self, request, obj):
        account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user)
