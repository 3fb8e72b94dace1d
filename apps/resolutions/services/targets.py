"""Verbs of targets (chỉ tiêu): define a resolution's measurable objectives and record the values reached.

Targets are added and edited while their resolution is a draft or adopted (a superseded version is history).
Actuals are recorded whatever the resolution's status: an amendment keeps tasks and targets on the original
(services_follow.resolution_amend), and their figures keep coming in. One actual per target and date: recording
the same date again corrects that value (the audit log keeps the old one); the newest date is the latest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.resolutions.models import Resolution, Target, TargetActual

EDITABLE = (Resolution.Status.DRAFT, Resolution.Status.ADOPTED)


def _require_editable(resolution: Resolution) -> None:
    if resolution.status not in EDITABLE:
        raise ValidationError(_("This resolution was amended: add or change targets on its newest version."))


def _validate(*, title: str, unit: str, value: Decimal, direction: str, period_start: date, period_end: date) -> None:
    errors = {}
    if not title:
        errors["title"] = _("Name the target.")
    if not unit:
        errors["unit"] = _("Give the unit (%, people, million dong …).")
    if value is None or value < 0:
        errors["value"] = _("The target value cannot be negative.")
    if direction not in Target.Direction.values:
        errors["direction"] = _("Choose at least or at most.")
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_create(
    *,
    resolution: Resolution,
    title: str,
    unit: str,
    value: Decimal,
    direction: str,
    period_start: date,
    period_end: date,
) -> Target:
    """A target of the resolution, carried by the resolution's organisation."""
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    _require_editable(resolution)
    title, unit = nfc(title), nfc(unit)
    _validate(
        title=title, unit=unit, value=value, direction=direction, period_start=period_start, period_end=period_end
    )
    target = Target(
        resolution=resolution,
        organization_id=resolution.organization_id,
        title=title,
        unit=unit,
        value=value,
        direction=direction,
        period_start=period_start,
        period_end=period_end,
    )
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_update(
    *,
    target: Target,
    title: str,
    unit: str,
    value: Decimal,
    direction: str,
    period_start: date,
    period_end: date,
) -> Target:
    live = Target.objects.select_for_update().select_related("resolution").get(pk=target.pk)
    _require_editable(live.resolution)
    title, unit = nfc(title), nfc(unit)
    _validate(
        title=title, unit=unit, value=value, direction=direction, period_start=period_start, period_end=period_end
    )
    live.title, live.unit, live.value, live.direction = title, unit, value, direction
    live.period_start, live.period_end = period_start, period_end
    live.full_clean()
    live.save()
    return live


@transaction.atomic
def target_actual_record(
    *, target: Target, on: date, value: Decimal, note: str = "", by, today: date | None = None
) -> TargetActual:
    """The value reached as of a date (cumulative for the period, as reports state it). Not in the future, not
    before the period starts, not negative (like the target values). The same date again corrects the value."""
    today = today or timezone.localdate()
    live = Target.objects.select_for_update().get(pk=target.pk)
    errors = {}
    if on is None or on > today:
        errors["on"] = _("The date cannot be in the future.")
    elif on < live.period_start:
        errors["on"] = _("The date is before the target's period starts.")
    if value is None or value < 0:
        errors["value"] = _("The value cannot be negative.")
    if errors:
        raise ValidationError(errors)
    note = nfc(note)
    actual = TargetActual.objects.filter(target=live, on=on).first()
    if actual is None:
        actual = TargetActual(target=live, on=on)
    actual.value, actual.note, actual.author = value, note, by
    actual.full_clean(exclude=["author"], validate_unique=False)
    actual.save()
    return actual
