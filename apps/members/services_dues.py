"""Verbs that record party dues: a whole cell's month in one transaction, a member's basis, a committee's rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.orgs.models import Organization

from .models import Dues, DuesBasis, DuesRate, Member, MemberDuesBasis


@dataclass(frozen=True)
class DuesEntry:
    member: Member
    status: str
    amount: Decimal | None
    note: str = ""


def entry_errors(entry: DuesEntry) -> dict[str, str]:
    """Field → message for one member's line."""
    errors: dict[str, str] = {}
    if entry.status not in Dues.Status.values:
        errors["status"] = _("Unknown dues status.")
    elif entry.status in (Dues.Status.PAID, Dues.Status.REDUCED) and not entry.amount:
        errors["amount"] = _("Enter the amount paid.")
    elif entry.status in (Dues.Status.EXEMPT, Dues.Status.UNPAID) and entry.amount:
        errors["amount"] = _("Nothing is paid for an exempt or unpaid month: leave the amount empty.")
    if entry.amount is not None and entry.amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if entry.status in (Dues.Status.REDUCED, Dues.Status.EXEMPT) and not nfc(entry.note):
        errors["note"] = _("Give the reason for a reduction or an exemption.")
    return errors


@transaction.atomic
def dues_record_month(*, cell: Organization, month: date, entries: list[DuesEntry], by=None) -> list[Dues]:
    """Record (or correct) the dues of the cell's members for one month, all lines or none."""
    if month.day != 1:
        raise ValidationError({"month": _("A dues month is given by its first day.")})
    errors = {}
    for entry in entries:
        if entry.member.cell_id != cell.pk:
            raise ValidationError(_("This person is not a member of the cell."))
        for name, message in entry_errors(entry).items():
            errors[f"{name}_{entry.member.pk}"] = message
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    existing = {d.member_id: d for d in Dues.objects.select_for_update().filter(member__cell=cell, month=month)}
    saved = []
    for entry in entries:
        row = existing.get(entry.member.pk) or Dues(member=entry.member, month=month)
        paying = entry.status in (Dues.Status.PAID, Dues.Status.REDUCED)
        changed = row.pk is None or (row.status, row.amount, row.note) != (
            entry.status,
            entry.amount or Decimal(0),
            nfc(entry.note),
        )
        if not changed:
            saved.append(row)
            continue
        row.status = entry.status
        row.amount = entry.amount if paying else Decimal(0)
        row.note = nfc(entry.note)
        row.paid_on = (row.paid_on or today) if paying else None
        row.recorded_by = by
        row.full_clean(exclude=["member", "recorded_by"], validate_unique=False)
        row.save()
        saved.append(row)
    return saved


@transaction.atomic
def dues_basis_set(
    *, member: Member, basis: str, monthly_income: Decimal | None, effective_from: date
) -> MemberDuesBasis:
    if basis in (DuesBasis.SALARY, DuesBasis.PENSION) and not monthly_income:
        raise ValidationError({"monthly_income": _("Enter the monthly salary or pension.")})
    row, _created = MemberDuesBasis.objects.update_or_create(
        member=member,
        effective_from=effective_from,
        defaults={"basis": basis, "monthly_income": monthly_income if basis != DuesBasis.FIXED else None},
    )
    return row


@transaction.atomic
def dues_rate_set(
    *,
    organization: Organization,
    basis: str,
    effective_from: date,
    percent: Decimal | None = None,
    fixed_amount: Decimal | None = None,
) -> DuesRate:
    if basis == DuesBasis.FIXED and fixed_amount is None:
        raise ValidationError({"fixed_amount": _("Enter the fixed amount.")})
    if basis != DuesBasis.FIXED and percent is None:
        raise ValidationError({"percent": _("Enter the percent.")})
    row = DuesRate(
        organization=organization,
        basis=basis,
        effective_from=effective_from,
        percent=percent if basis != DuesBasis.FIXED else None,
        fixed_amount=fixed_amount if basis == DuesBasis.FIXED else None,
    )
    row.full_clean()
    row.save()
    return row
