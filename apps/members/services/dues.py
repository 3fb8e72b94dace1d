"""Verbs that record party dues: a whole cell's month in one transaction, a member's basis, a committee's rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common import rules
from apps.common.forms import dong
from apps.common.text import nfc
from apps.members.models import Dues, DuesBasis, DuesRate, Member, MemberDuesBasis
from apps.orgs.models import Organization


@dataclass(frozen=True)
class DuesEntry:
    member: Member
    status: str
    amount: Decimal | None
    note: str = ""


def _amount_out_of_range(maximum: Decimal) -> str:
    return _("Enter an amount from 0 to %(max)s đồng.") % {"max": dong(maximum)}


def entry_errors(entry: DuesEntry) -> dict[str, str]:
    """Field → message for one member's line."""
    errors: dict[str, str] = {}
    if entry.status not in Dues.Status.values:
        errors["status"] = _("Unknown dues status.")
    elif entry.status in (Dues.Status.PAID, Dues.Status.REDUCED) and not entry.amount:
        errors["amount"] = _("Enter the amount paid.")
    elif entry.status in (Dues.Status.EXEMPT, Dues.Status.UNPAID) and entry.amount:
        errors["amount"] = _("Nothing is paid for an exempt or unpaid month: leave the amount empty.")
    if entry.amount is not None and not 0 <= entry.amount <= rules.DUES_MAX:
        errors["amount"] = _amount_out_of_range(rules.DUES_MAX)
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
    """What the member's dues are computed from, from a date. A second entry on the same date replaces the first
    (a correction); a change of salary or pension is a new entry with its own date, so the history stays."""
    if basis not in DuesBasis.values:
        raise ValidationError({"basis": _("Unknown dues basis.")})
    if monthly_income is not None and not 0 <= monthly_income <= rules.INCOME_MAX:
        raise ValidationError({"monthly_income": _amount_out_of_range(rules.INCOME_MAX)})
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
    """A committee's new rate for one basis, in force from a date. Rates are never changed in place: a newer row
    with a later date replaces an older one for the months after it."""
    if basis not in DuesBasis.values:
        raise ValidationError({"basis": _("Unknown dues basis.")})
    if basis == DuesBasis.FIXED:
        if fixed_amount is None:
            raise ValidationError({"fixed_amount": _("Enter the fixed amount.")})
        if not 0 <= fixed_amount <= rules.DUES_MAX:
            raise ValidationError({"fixed_amount": _amount_out_of_range(rules.DUES_MAX)})
    else:
        if percent is None:
            raise ValidationError({"percent": _("Enter the percent.")})
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValidationError({"percent": _("The percent must be between 0 and 100.")})
    duplicate = _("A rate for this basis already takes effect on this date. Choose another date.")
    if DuesRate.objects.filter(organization=organization, basis=basis, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": duplicate})
    row = DuesRate(
        organization=organization,
        basis=basis,
        effective_from=effective_from,
        percent=percent if basis != DuesBasis.FIXED else None,
        fixed_amount=fixed_amount if basis == DuesBasis.FIXED else None,
    )
    row.full_clean()
    try:
        with transaction.atomic():  # a concurrent twin: the unique constraint answers, with the same message
            row.save()
    except IntegrityError as exc:
        raise ValidationError({"effective_from": duplicate}) from exc
    return row


@transaction.atomic
def dues_rate_delete(*, rate: DuesRate, on: date) -> None:
    """Only a rate not yet in force on ``on`` may be deleted: no month's dues can have been computed with it."""
    rate = DuesRate.objects.select_for_update().get(pk=rate.pk)
    if rate.effective_from <= on:
        raise ValidationError(_("A rate already in force cannot be deleted: add a newer rate with a later date."))
    rate.delete()
