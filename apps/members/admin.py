from django.contrib import admin

from apps.members.models import DuesRate, MemberDuesBasis


class SuperuserOnly(admin.ModelAdmin):
    """Settings kept in the admin site, for administrators (superusers) only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(DuesRate)
class DuesRateAdmin(SuperuserOnly):
    list_display = ["organization", "basis", "percent", "fixed_amount", "effective_from"]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]


@admin.register(MemberDuesBasis)
class MemberDuesBasisAdmin(SuperuserOnly):
    list_display = ["member", "basis", "effective_from"]
    raw_id_fields = ["member"]
    list_select_related = ["member"]
