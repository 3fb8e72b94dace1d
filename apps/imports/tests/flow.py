"""The pipeline's tests' shared steps: the sample demo (a district with a year of meetings) seeded for a module, its
people, a member list written as a real .xlsx (apps/imports/tests/files.py), and the pipeline run the way the jobs run
it (the requests, then each job called as the worker would once the request's transaction commits)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import FROZEN_AT
from apps.demo import world as demo
from apps.imports.models import ImportBatch
from apps.imports.services import batches, jobs
from apps.imports.tests.files import write_members
from apps.members.models import Member
from apps.orgs.models import Organization, RoleGrant

AS_OF = timezone.localdate(FROZEN_AT)
GENDER = {"male": "Nam", "female": "Nữ"}


def seeded(django_db_blocker):
    """For a module fixture: the sample demo seeded on the suite's day, rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        counter = demo.build(profile="sample", seed=1, as_of=AS_OF)
        yield counter
        transaction.set_rollback(True)


def user(username: str):
    return get_user_model().objects.get(username=username)


def home_cell() -> Organization:
    """The demo secretary's cell (bithu): a cell with a year of meetings and attendance."""
    return Member.objects.select_related("cell").get(user__username="bithu").cell


def commune() -> Organization:
    return RoleGrant.objects.select_related("organization").get(user__username="canbo").organization


def sibling_cell() -> Organization:
    """Another cell of the demo commune (a secretary of the home cell does not see it)."""
    cell = home_cell()
    return (
        Organization.objects.filter(path__startswith=commune().path, kind=Organization.Kind.CELL)
        .exclude(pk=cell.pk)
        .filter(members__active=True, members__card_number__isnull=False)
        .distinct()
        .order_by("path")
        .first()
    )


def outsider():
    """Committee staff of another commune of the district: sees nothing of the demo commune."""
    mine = commune()
    other = Organization.objects.filter(depth=mine.depth, kind=mine.kind).exclude(pk=mine.pk).first()
    person, _created = get_user_model().objects.get_or_create(username="ngoai")
    RoleGrant.objects.get_or_create(
        user=person,
        organization=other,
        role=Role.COMMITTEE_STAFF,
        defaults={"starts_on": AS_OF.replace(day=1)},
    )
    return person


def row_of(member: Member, **changes: Any) -> dict[str, Any]:
    """A list's row for a recorded member (as a committee's file would hold it)."""
    row = {
        "full_name": member.full_name,
        "date_of_birth": member.date_of_birth,
        "gender": GENDER[member.gender],
        "card_number": member.card_number or "",
        "national_id": member.national_id or "",
        "admitted_on": member.admitted_on,
        "official_on": member.official_on or "",
        "cell": member.cell.name,
    }
    row.update(changes)
    return row


def new_row(number: int, into: Organization | None = None, **changes: Any) -> dict[str, Any]:
    """A member not yet recorded: card numbers from 47 000 000 (the demo's are 8 digits from 0)."""
    row = {
        "full_name": f"Lê Thị Ước {number}",
        "date_of_birth": AS_OF.replace(year=1980, month=1 + number % 12, day=1 + number % 28),
        "gender": "Nữ",
        "card_number": f"{47_000_000 + number}",
        "national_id": "",
        "admitted_on": AS_OF.replace(year=2010, month=5, day=19),
        "official_on": AS_OF.replace(year=2011, month=5, day=19),
        "cell": into.name if into else "",
    }
    row.update(changes)
    return row


def xlsx(rows: list[dict[str, Any]], name: str = "danh-sach.xlsx", **options: Any) -> SimpleUploadedFile:
    with tempfile.TemporaryDirectory() as folder:
        path = write_members(Path(folder) / name, rows, **options)
        return SimpleUploadedFile(name, path.read_bytes())


def upload(who, into: Organization, rows: list[dict[str, Any]], **file_options: Any) -> ImportBatch:
    batch = batches.batch_upload(user=who, organization=into, kind="members", uploaded_file=xlsx(rows, **file_options))
    jobs.batch_analyse(batch.pk)
    batch.refresh_from_db()
    return batch


def preview(who, batch: ImportBatch, options: dict | None = None, mapping: dict | None = None) -> ImportBatch:
    batches.batch_set_mapping(batch=batch, user=who, mapping=mapping or batch.mapping, options=options or {})
    jobs.batch_preview(batch.pk, who.pk)
    batch.refresh_from_db()
    return batch


def commit(who, batch: ImportBatch) -> ImportBatch:
    batches.batch_commit_request(batch=batch, user=who)
    jobs.batch_commit(batch.pk, who.pk)
    batch.refresh_from_db()
    return batch


def undo(who, batch: ImportBatch) -> ImportBatch:
    """Ask for the undo (refused at once when the import's records were used since), then run its job."""
    batches.batch_undo_request(batch=batch, user=who)
    jobs.batch_undo(batch.pk, who.pk)
    batch.refresh_from_db()
    return batch


def run(who, into: Organization, rows: list[dict[str, Any]], *, options=None, committed=True, **file_options):
    """Upload, analyse, map (the suggestion), preview and (``committed``) commit a member list."""
    batch = preview(who, upload(who, into, rows, **file_options), options)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error
    return commit(who, batch) if committed else batch


def fates(batch: ImportBatch) -> list[str]:
    return list(batch.rows.order_by("pk").values_list("fate", flat=True))


def problems(batch: ImportBatch) -> dict[int, list[tuple[str, str, str]]]:
    """Row number → [(level, field, message)] of the rows with problems."""
    return {
        number: [(p["level"], p["field"], p["message"]) for p in found]
        for number, found in batch.rows.exclude(problems=[]).values_list("row_number", "problems")
    }
