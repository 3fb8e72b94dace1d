from django.contrib import admin

from apps.grading.models import Discipline
from apps.members.admin import SuperuserOnly


@admin.register(Discipline)
class DisciplineAdmin(SuperuserOnly):
    """Discipline decisions are entered by administrators; they are evidence for the annual grading."""

    list_display = ["organization", "member", "on", "form"]
    raw_id_fields = ["organization", "member"]
    list_select_related = ["organization", "member"]
