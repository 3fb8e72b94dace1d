"""Verbs of inspections and supervision of a cell's implementation (DOMAIN.md §6, seed 003): the inspection
recorded by the committee above, its findings and conclusion, and the remedies it requires.

An inspection's required remedies are tasks of the inspected cell in a container resolution of kind committee on
the inspecting committee (the cell's parent), "Kết luận kiểm tra: <subject>", one per inspection. They are not put
on ``Inspection.resolution`` (the resolution whose implementation was inspected): that is the cell's voted record,
and the committee's demands must not change it. So remedies flow down exactly like directives (services/follow.py):
the cell sees them among its directives and answers each with a follow-up.

Titles of containers are stored in Vietnamese: they are records that read as Vietnamese in documents."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.orgs.models import Organization
from apps.resolutions.models import Inspection, Resolution, Task

REMEDIES_TITLE = "Kết luận kiểm tra: {subject}"


@transaction.atomic
def inspection_create(
    *,
    organization: Organization,
    kind: str,
    mode: str = Inspection.Mode.INSPECTION,
    subject: str,
    started_on: date,
    ended_on: date | None = None,
    inspectors: str = "",
    resolution: Resolution | None = None,
    by,
) -> Inspection:
    """A regular, periodic or ad-hoc inspection (or supervision) of a cell's implementation."""
    if organization.kind != Organization.Kind.CELL:
        raise ValidationError(_("Inspections here are of a cell's implementation."))
    errors = {}
    if kind not in Inspection.Kind.values:
        errors["kind"] = _("Choose regular, periodic or ad hoc.")
    if mode not in Inspection.Mode.values:
        errors["mode"] = _("Choose inspection or supervision.")
    subject = nfc(subject)
    if not subject:
        errors["subject"] = _("Give the subject.")
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = _("It ends before it starts.")
    if resolution is not None and resolution.organization_id != organization.pk:
        errors["resolution"] = _("Choose a resolution of the inspected cell.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        organization=organization,
        resolution=resolution,
        kind=kind,
        mode=mode,
        subject=subject,
        started_on=started_on,
        ended_on=ended_on,
        inspectors=nfc(inspectors),
        created_by=by,
    )
    inspection.full_clean(exclude=["created_by"])
    inspection.save()
    return inspection


@transaction.atomic
def inspection_conclude(
    *, inspection: Inspection, findings: str, conclusion: str, ended_on: date | None = None
) -> Inspection:
    """Record the findings and the conclusion (editable: the conclusion is drafted over the inspection)."""
    live = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if ended_on is not None and ended_on < live.started_on:
        raise ValidationError({"ended_on": _("It ends before it starts.")})
    live.findings, live.conclusion = nfc(findings), nfc(conclusion)
    if ended_on is not None:
        live.ended_on = ended_on
    live.full_clean(exclude=["created_by"])
    live.save(update_fields=["findings", "conclusion", "ended_on"])
    return live


def remedies_container(*, inspection: Inspection, by=None) -> Resolution:
    """The inspecting committee's resolution holding this inspection's remedies (created with the first one)."""
    existing = Resolution.objects.filter(tasks__inspection=inspection).order_by("pk").first()
    if existing is not None:
        return existing
    committee = Organization.objects.get_parent(inspection.organization)
    container = Resolution(
        organization=committee,
        kind=Resolution.Kind.COMMITTEE,
        title=REMEDIES_TITLE.format(subject=inspection.subject)[:300],
        status=Resolution.Status.ADOPTED,
        adopted_on=inspection.ended_on or timezone.localdate(),
        created_by=by,
    )
    container.full_clean(exclude=["created_by"])
    container.save()
    return container


@transaction.atomic
def inspection_remedy_add(*, inspection: Inspection, title: str, description: str = "", deadline: date, by) -> Task:
    """A required remedy: a task of the inspected cell, followed up like a directive."""
    inspection = Inspection.objects.select_for_update().select_related("organization").get(pk=inspection.pk)
    errors = {}
    title = nfc(title)
    if not title:
        errors["title"] = _("Describe the remedy required.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline.")
    elif deadline < inspection.started_on:
        errors["deadline"] = _("The deadline is before the inspection started.")
    if errors:
        raise ValidationError(errors)
    container = remedies_container(inspection=inspection, by=by)
    task = Task(
        resolution=container,
        organization=inspection.organization,
        inspection=inspection,
        title=title,
        description=nfc(description),
        deadline=deadline,
    )
    task.full_clean()
    task.save()
    return task
