"""``{% export_button "members" org=org.pk year=year %}``: the "Export to Excel" link a list page puts beside its
table, to the export's confirm page with the list's parameters (empty ones left out); nothing for a table that no
app registered.

``{% sees_records cell as x %}``: whether the user holds a role that reads the node's records (its whole roll call,
its register), not a plain member's view of their own cell: the tables that a member may not export are not
offered to them (no query: the request's grants are already loaded)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, allows
from apps.exports.rules.tables import names

register = template.Library()


@register.simple_tag
def export_button(table: str, label: str = "", **params) -> str:
    if table not in names():
        return ""  # a table no app registered: no button, never a dead link
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    url = reverse("exports:start", args=[table]) + (f"?{query}" if query else "")
    return format_html('<a class="button" href="{}">{}</a>', url, label or _("Export to Excel"))


@register.simple_tag(takes_context=True)
def sees_records(context, org) -> bool:
    user = context.get("user") or context["request"].user
    return org is not None and allows(user, VIEW, org.path)
