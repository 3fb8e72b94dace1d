from django.contrib import admin

from apps.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only: who brought which file in, where, when, and what became of its rows (the record of an import).
    Imports are made, undone and cancelled on the imports' pages, where the rights and the undo's checks apply."""

    list_display = ("created_at", "kind", "organization", "file_name", "status", "uploaded_by", "committed_at")
    list_filter = ("kind", "status")
    search_fields = ("file_name", "sha256", "organization__name")
    list_select_related = ("organization", "uploaded_by")
    raw_id_fields = ("organization", "uploaded_by", "committed_by", "undone_by")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what came in, and the original file with it
