"""The administrator's tools for accounts: reset a person's second factor (a lost phone), audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.models import SecondFactorEvent
from apps.accounts.services import second_factor as services

User = get_user_model()


@admin.action(description=_("Reset two-step verification (lost phone)"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    users = list(queryset)
    for user in users:
        services.second_factor_reset(user, by=request.user)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-step verification reset for %(count)d account: it must be set up again.",
            "Two-step verification reset for %(count)d accounts: they must be set up again.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    actions = [reset_second_factor]


@admin.register(SecondFactorEvent)
class SecondFactorEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "kind", "by"]
    list_filter = ["kind"]
    readonly_fields = ["at", "user", "kind", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
