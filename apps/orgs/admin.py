from django.contrib import admin

from apps.orgs.models import RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Account roles are managed by administrators (superusers) in the admin site."""

    list_display = ["user", "role", "organization", "starts_on", "ends_on"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name", "organization__code"]
    raw_id_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def has_module_permission(self, request):
        return request.user.is_superuser
