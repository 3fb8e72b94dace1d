"""``{% export_button "members" org=org.pk year=year %}``: the "Export to Excel" link a list page puts beside its
table, to the export's confirm page with the list's parameters (empty ones left out)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def export_button(table: str, label: str = "", **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    url = reverse("exports:start", args=[table]) + (f"?{query}" if query else "")
    return format_html('<a class="button" href="{}">{}</a>', url, label or _("Export to Excel"))
