"""Verbs that change the party tree. Each runs in one transaction and validates before writing."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.scoping import Role, forget_grants
from apps.common.text import nfc
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.rules import tree as rules


def _check_kind(kind: str, parent: Organization | None) -> None:
    if not rules.kind_fits_under(kind, parent.kind if parent else None):
        raise ValidationError(
            {
                "kind": _("A %(kind)s cannot be placed under this organisation.")
                % {"kind": Organization.Kind(kind).label}
            }
        )


@transaction.atomic
def organization_create(
    *, parent: Organization | None, kind: str, code: str, name: str, level_label: str = "", sector: str = ""
) -> Organization:
    _check_kind(kind, parent)
    node = Organization(kind=kind, code=nfc(code), name=nfc(name), level_label=nfc(level_label), sector=sector)
    if Organization.objects.filter(code=node.code).exists():
        raise ValidationError({"code": _("This code is already used by another organisation.")})
    node.full_clean(exclude=["path", "depth", "numchild"], validate_unique=False)
    if parent is None:
        return Organization.objects.add_root(instance=node)
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    return Organization.objects.add_child(parent, instance=node)


@transaction.atomic
def organization_update(*, org: Organization, name: str, level_label: str = "", sector: str = "") -> Organization:
    """Change an organisation's name, level label and kind of unit (its code, kind and place stay).

    The row is locked and saved one by one, so auditlog records the change (old → new) with the request's actor;
    the model's save() normalises the texts to NFC and recomputes the search key."""
    name, level_label = name.strip(), level_label.strip()
    if not name:
        raise ValidationError({"name": _("Enter the organisation's name.")})
    if sector and sector not in Organization.Sector.values:
        raise ValidationError({"sector": _("Choose a kind of unit from the list.")})
    node = Organization.objects.select_for_update().get(pk=org.pk)
    node.name, node.level_label, node.sector = name, level_label, sector
    node.full_clean(exclude=["path", "depth", "numchild", "code", "kind"], validate_unique=False)
    node.save(update_fields=["name", "name_search", "level_label", "sector"])
    return node


@transaction.atomic
def organization_move(*, node: Organization, new_parent: Organization) -> Organization:
    """Move a whole subtree under another organisation (paths of every descendant are rewritten)."""
    node = Organization.objects.select_for_update().get(pk=node.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if rules.move_creates_cycle(node_path=node.path, target_path=new_parent.path):
        raise ValidationError(
            {"new_parent": _("An organisation cannot be moved under itself or one of its sub-organisations.")}
        )
    if Organization.objects.get_parent(node) == new_parent:
        raise ValidationError({"new_parent": _("The organisation is already directly under this parent.")})
    _check_kind(node.kind, new_parent)
    subtree = Organization.objects.filter(path__startswith=node.path)
    before = dict(subtree.values_list("pk", "path"))
    old_parent = Organization.objects.get_parent(node)
    Organization.objects.move(node, new_parent, pos="last-child")  # treebeard rewrites the paths in SQL: no signal
    after = dict(Organization.objects.filter(pk__in=before).values_list("pk", "path"))
    changes = {pk: {"path": [path, after[pk]]} for pk, path in before.items() if after[pk] != path}
    changes[node.pk]["parent"] = [str(old_parent.pk) if old_parent else None, str(new_parent.pk)]
    audit.record_update(Organization, changes)
    return Organization.objects.get(pk=node.pk)


@transaction.atomic
def role_grant(*, user, organization: Organization, role: str, starts_on: date) -> RoleGrant:
    grant = RoleGrant(user=user, organization=organization, role=role, starts_on=starts_on)
    grant.full_clean()
    grant.save()
    forget_grants(user)
    return grant


@transaction.atomic
def role_end(*, user, organization: Organization, roles: list[str], ends_on: date) -> int:
    """End the user's open grants of the given roles on a node (e.g. on transfer or end of term)."""
    count = audit.update(
        RoleGrant.objects.filter(user=user, organization=organization, role__in=roles, ends_on__isnull=True),
        ends_on=ends_on,
    )
    forget_grants(user)
    return count


OFFICE_ROLE = {
    "secretary": Role.CELL_SECRETARY,
    "deputy_secretary": Role.CELL_DEPUTY,
    "board_member": Role.CELL_BOARD,
}
