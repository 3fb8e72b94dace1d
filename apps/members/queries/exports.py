"""The members' list as an Excel table (apps.exports): the rows of the members' list page (or of a node's page
with ``org``), read through the same scoped lookup, so an export holds no member the user could not open.

Least privilege: the columns are what the member's own page shows to whoever may open it (name, date of birth,
cell, status, dates admitted and made official, party card number); never the national ID, the phone, the e-mail
or the dues' income."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.common.scoping import VIEW, today
from apps.exports.rules.tables import DATE, INT, Column, Params, Table, Unavailable, optional_int_param
from apps.members.models import Member
from apps.members.queries.member import member_list
from apps.orgs.models import Organization
from apps.orgs.queries.tree import organizations_for, roots_for

STATUSES = {*Member.Status.values, "exempted", ""}


def scope_name(user, org: Organization | None) -> str:
    """The organisation a table is about: the node asked for, else the top nodes of the user's grants."""
    if org is not None:
        return org.name
    return ", ".join(roots_for(user).order_by("path").values_list("name", flat=True))


def visible_org(user, params: Params, key: str = "org") -> Organization | None:
    """The organisation named by ``params[key]`` among those the user sees (None when not given)."""
    org_id = optional_int_param(params, key)
    if org_id is None:
        return None
    org = organizations_for(user, VIEW).filter(pk=org_id).first()
    if org is None:
        raise Unavailable(key)
    return org


def members(user, params: Params) -> Table:
    """``?org=<node>&q=<text>&status=<official|probationary|exempted>``: the members' list page's rows."""
    org = visible_org(user, params)
    status = params.get("status", "")
    if status not in STATUSES:
        raise Unavailable("status")
    day = today()
    queryset = member_list(user, within=org, text=params.get("q", ""), status=status, on=day)
    columns = [
        Column(_("No."), INT, width=6),
        Column(_("Full name"), width=28),
        Column(_("Date of birth"), DATE),
        Column(_("Cell"), width=26),
        Column(_("Status"), width=18),
        Column(_("Date admitted"), DATE, width=13),
        Column(_("Date made official"), DATE, width=13),
        Column(_("Party card number"), width=16),
    ]
    return Table(
        title=_("Party members"),
        organisation=scope_name(user, org),
        period=_("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        columns=columns,
        rows=_member_rows(queryset),
        count=queryset.count(),
    )


def _member_rows(queryset) -> Iterator[list]:
    for number, m in enumerate(queryset.iterator(chunk_size=2000), start=1):
        status = m.get_status_display()
        if m.is_exempt:
            status = f"{status} ({_('exempted')})"
        yield [number, m.full_name, m.date_of_birth, m.cell.name, status, m.admitted_on, m.official_on, m.card_number]
