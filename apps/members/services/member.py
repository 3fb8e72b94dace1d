"""Verbs that change members: create, update, transfer, exemptions and cell offices.

Each is one transaction, validates with full_clean() before saving, and keeps the member's account grants
(member role on their cell, board roles for their offices) in step with the record.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.scoping import Role
from apps.common.text import nfc
from apps.members.models import Attachment, CellMembership, CellRole, Exemption, Member, Suspension
from apps.members.rules import member as rules
from apps.orgs.models import Organization
from apps.orgs.services.tree import OFFICE_ROLE, role_end, role_grant

UNIQUE_MESSAGES = {
    "card_number": lambda: _("This party card number already belongs to another member."),
    "national_id": lambda: _("This national ID already belongs to another member."),
}


def _require_cell(cell: Organization, field: str = "cell") -> None:
    if cell.kind != Organization.Kind.CELL:
        raise ValidationError({field: _("Members belong to a party cell, not to a committee or party group.")})


def _validate(member: Member) -> None:
    errors = rules.member_date_errors(
        date_of_birth=member.date_of_birth,
        admitted_on=member.admitted_on,
        official_on=member.official_on,
        today=timezone.localdate(),
    )
    if member.status == Member.Status.OFFICIAL and not member.official_on:
        errors.setdefault("official_on", _("An official member needs the date made official."))
    if member.status == Member.Status.PROBATIONARY and member.official_on:
        errors.setdefault("status", _("A member with a date made official must have the status official."))
    for field, message in UNIQUE_MESSAGES.items():
        value = getattr(member, field)
        if value and Member.objects.filter(**{field: value}).exclude(pk=member.pk).exists():
            errors.setdefault(field, message())
    if errors:
        raise ValidationError(errors)
    member.full_clean(exclude=["user", *UNIQUE_MESSAGES])


def _normalise(member: Member) -> None:
    for field in ("full_name", "residence", "occupation", "phone", "email"):
        setattr(member, field, nfc(getattr(member, field)))
    for field in UNIQUE_MESSAGES:
        setattr(member, field, nfc(getattr(member, field)) or None)


def _save(member: Member) -> None:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent writer took the same card number or ID
        raise ValidationError(_("The member could not be saved: a unique number is already used.")) from exc


@transaction.atomic
def member_create(*, cell: Organization, member: Member, joined_on: date, joined_from: str = "") -> Member:
    """Register a member in a cell (admission or transfer in from outside the system)."""
    _require_cell(cell)
    member.cell = cell
    _normalise(member)
    _validate(member)
    _save(member)
    CellMembership.objects.create(member=member, cell=cell, joined_on=joined_on, joined_from=nfc(joined_from))
    if member.user_id:
        role_grant(user=member.user, organization=cell, role=Role.MEMBER, starts_on=joined_on)
    return member


@transaction.atomic
def member_update(*, member: Member) -> Member:
    _normalise(member)
    _validate(member)
    _save(member)
    return member


@transaction.atomic
def member_transfer(*, member: Member, to_cell: Organization, on: date, note: str = "") -> Member:
    """Move a member to another cell: close the open period, open a new one, move the account's grants."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _require_cell(to_cell, "to_cell")
    if to_cell.pk == member.cell_id:
        raise ValidationError({"to_cell": _("The member is already in this cell.")})
    current = CellMembership.objects.select_for_update().filter(member=member, left_on__isnull=True).first()
    if current and on < current.joined_on:
        raise ValidationError({"on": _("The transfer date cannot be before the member joined the current cell.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The transfer date cannot be in the future.")})
    old_cell = member.cell
    if current:
        current.left_on = on
        current.left_to = to_cell.name
        current.note = nfc(note)
        current.save(update_fields=["left_on", "left_to", "note"])
    CellMembership.objects.create(member=member, cell=to_cell, joined_on=on, joined_from=old_cell.name, note=nfc(note))
    audit.update(CellRole.objects.filter(member=member, cell=old_cell, ends_on__isnull=True), ends_on=on)
    member.cell = to_cell
    member.save(update_fields=["cell"])
    if member.user_id:
        role_end(user=member.user, organization=old_cell, roles=[Role.MEMBER, *OFFICE_ROLE.values()], ends_on=on)
        role_grant(user=member.user, organization=to_cell, role=Role.MEMBER, starts_on=on)
    return member


def _check_period(model, *, member: Member, starts_on: date, ends_on: date | None, overlap_message: str) -> None:
    """A period of an exemption or a suspension: ends after it starts, overlaps no other period of that kind."""
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    overlapping = model.objects.filter(member=member, starts_on__lte=ends_on or date.max).exclude(ends_on__lt=starts_on)
    if overlapping.exists():
        raise ValidationError({"starts_on": overlap_message})


@transaction.atomic
def exemption_add(*, member: Member, starts_on: date, ends_on: date | None, reason: str) -> Exemption:
    _check_period(
        Exemption,
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
        overlap_message=_("This period overlaps an existing exemption."),
    )
    exemption = Exemption(member=member, starts_on=starts_on, ends_on=ends_on, reason=nfc(reason))
    exemption.full_clean()
    exemption.save()
    return exemption


@transaction.atomic
def suspension_add(
    *, member: Member, starts_on: date, ends_on: date | None, reason: str, decision_ref: str = ""
) -> Suspension:
    """Record a committee's decision suspending a member's party activity for a period."""
    _check_period(
        Suspension,
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
        overlap_message=_("This period overlaps an existing suspension."),
    )
    suspension = Suspension(
        member=member, starts_on=starts_on, ends_on=ends_on, reason=nfc(reason), decision_ref=nfc(decision_ref)
    )
    suspension.full_clean()
    suspension.save()
    return suspension


@transaction.atomic
def attachment_add(
    *, member: Member, host: Organization, starts_on: date, ends_on: date | None, reason: str
) -> Attachment:
    """Record that a member meets with another cell for a while (sinh hoạt tạm thời); they stay in their cell."""
    if host.kind != Organization.Kind.CELL:
        raise ValidationError({"host": _("Choose a party cell.")})
    if host.pk == member.cell_id:
        raise ValidationError({"host": _("The host cell must be another cell than the member's own.")})
    _check_period(
        Attachment,
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
        overlap_message=_("This period overlaps an existing temporary attachment."),
    )
    attachment = Attachment(member=member, host=host, starts_on=starts_on, ends_on=ends_on, reason=nfc(reason))
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def cell_role_assign(*, member: Member, office: str, starts_on: date) -> CellRole:
    """Give a member an office in their cell; a new secretary ends the previous secretary's term."""
    cell = Organization.objects.select_for_update().get(pk=member.cell_id)
    if CellRole.objects.filter(member=member, cell=cell, office=office, ends_on__isnull=True).exists():
        raise ValidationError({"office": _("The member already holds this office.")})
    if office == CellRole.Office.SECRETARY:
        for previous in CellRole.objects.filter(cell=cell, office=office, ends_on__isnull=True).select_related(
            "member__user"
        ):
            previous.ends_on = max(previous.starts_on, starts_on - timedelta(days=1))
            previous.save(update_fields=["ends_on"])
            if previous.member.user_id:
                role_end(
                    user=previous.member.user, organization=cell, roles=[Role.CELL_SECRETARY], ends_on=previous.ends_on
                )
    role = CellRole(member=member, cell=cell, office=office, starts_on=starts_on)
    role.full_clean()
    role.save()
    if member.user_id:
        role_grant(user=member.user, organization=cell, role=OFFICE_ROLE[office], starts_on=starts_on)
    return role


@transaction.atomic
def member_transfer_out(*, member: Member, on: date, to_organization: str, note: str = "") -> Member:
    """Transfer a member to an organisation outside this system: the period closes and the record is archived."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    to_organization = nfc(to_organization)
    if not to_organization:
        raise ValidationError({"to_organization": _("Name the organisation the member moves to.")})
    current = CellMembership.objects.select_for_update().filter(member=member, left_on__isnull=True).first()
    if current and on < current.joined_on:
        raise ValidationError({"on": _("The transfer date cannot be before the member joined the current cell.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The transfer date cannot be in the future.")})
    if current:
        current.left_on, current.left_to, current.note = on, to_organization, nfc(note)
        current.save(update_fields=["left_on", "left_to", "note"])
    audit.update(CellRole.objects.filter(member=member, ends_on__isnull=True), ends_on=on)
    member.active = False
    member.save(update_fields=["active"])
    if member.user_id:
        role_end(user=member.user, organization=member.cell, roles=[Role.MEMBER, *OFFICE_ROLE.values()], ends_on=on)
    return member
