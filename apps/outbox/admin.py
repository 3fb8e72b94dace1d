from django.contrib import admin

from apps.outbox.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Read-only: what was sent, to which address, and the last error of a failed message."""

    list_display = ("created_at", "channel", "purpose", "address", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "purpose")
    search_fields = ("address", "subject")
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the delivery record is evidence that members were told
