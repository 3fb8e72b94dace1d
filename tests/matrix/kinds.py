"""How each URL keyword is filled, per side: a record of the demo inside the accounts' subtree, or one outside it.

A kind is a function ``(world, side) -> value``; a URL keyword names its kind by default (``DEFAULT_KIND``) and an
entry may map a keyword to another kind (``meeting_id`` → ``"meeting_today"``). Values are looked up once per world.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.exports.models import Export
from apps.grading.models import AnnualRating
from apps.imports.models import ImportBatch
from apps.meetings.models import (
    AgendaItem,
    AnnualCalendar,
    Apology,
    CalendarFeed,
    Meeting,
    MeetingDocument,
    Speech,
    Vote,
)
from apps.members.models import DuesRate, Member
from apps.oversight.models import SupervisorAssignment, Visit
from apps.quality.models import Rubric
from apps.resolutions.models import Feedback, Inspection, Resolution, Target, Task, TaskProgress
from tests.matrix.world import INSIDE, World, planned_meeting, scoped

Kind = Callable[[World, str], object]
KINDS: dict[str, Kind] = {}


def kind(name: str):
    def register(fn: Kind) -> Kind:
        KINDS[name] = fn
        return fn

    return register


def _pk(obj) -> int:
    assert obj is not None
    return obj.pk


def cell_of(world: World, side: str):
    return world.home_cell if side == INSIDE else world.other_cell


def commune_of(world: World, side: str):
    return world.commune if side == INSIDE else world.other_commune


def closed_meeting(world: World, side: str) -> Meeting:
    return (
        Meeting.objects.filter(cell=cell_of(world, side), status="closed", kind="regular", minutes__isnull=False)
        .order_by("-scheduled_at")
        .first()
    )


kind("cell")(lambda w, s: cell_of(w, s).pk)
kind("commune")(lambda w, s: commune_of(w, s).pk)
kind("year")(lambda w, s: timezone.localdate().year)
kind("month")(lambda w, s: "2026-11")
kind("chart")(lambda w, s: "trend")
kind("direction")(lambda w, s: "up")
kind("table")(lambda w, s: "members")
kind("uidb64")(lambda w, s: "MQ")
kind("reset_token")(lambda w, s: "set-password")
kind("meeting")(lambda w, s: _pk(closed_meeting(w, s)))
kind("meeting_planned")(lambda w, s: _pk(planned_meeting(w, s)))
kind("speech")(lambda w, s: _pk(Speech.objects.filter(meeting=closed_meeting(w, s)).order_by("pk").first()))
kind("vote")(lambda w, s: _pk(Vote.objects.filter(meeting=closed_meeting(w, s)).order_by("pk").first()))
kind("item")(lambda w, s: _pk(AgendaItem.objects.filter(meeting=planned_meeting(w, s)).order_by("pk").first()))
kind("apology")(lambda w, s: _pk(scoped(Apology, w, s)))
kind("document")(lambda w, s: _pk(scoped(MeetingDocument, w, s)))
kind("calendar")(lambda w, s: _pk(scoped(AnnualCalendar, w, s, year=timezone.localdate().year)))
kind("resolution")(lambda w, s: _pk(scoped(Resolution, w, s, organization__kind="cell", order="-pk")))
kind("task")(lambda w, s: _pk(scoped(Task, w, s, resolution__organization__kind="cell", order="-pk")))
kind("progress")(lambda w, s: _pk(scoped(TaskProgress, w, s, order="-pk")))
kind("target")(lambda w, s: _pk(scoped(Target, w, s)))
kind("feedback")(lambda w, s: _pk(scoped(Feedback, w, s)))
kind("rating")(lambda w, s: _pk(scoped(AnnualRating, w, s)))
kind("visit")(lambda w, s: _pk(scoped(Visit, w, s)))
kind("inspection")(lambda w, s: _pk(scoped(Inspection, w, s, at="commune")))
kind("assignment")(lambda w, s: _pk(scoped(SupervisorAssignment, w, s, at="commune")))


@kind("member")
def _member(world: World, side: str) -> int:
    """A member of the cell with no account: nobody's own record."""
    return _pk(
        Member.objects.filter(cell=cell_of(world, side), user__isnull=True, status=Member.Status.OFFICIAL)
        .order_by("-pk")
        .first()
    )


@kind("meeting_today")
def _meeting_today(world: World, side: str) -> int:
    """Today's meeting of the home cell (the demo plans one); outside, the other cell's next planned meeting."""
    today = timezone.localdate()
    return _pk(
        Meeting.objects.filter(cell=cell_of(world, side), status="planned", scheduled_at__date__gte=today)
        .order_by("scheduled_at")
        .first()
    )


@kind("checkin_token")
def _checkin_token(world: World, side: str) -> str:
    return Meeting.objects.get(pk=_meeting_today(world, side)).checkin_token


@kind("committee_resolution")
def _committee_resolution(world: World, side: str) -> int:
    return _pk(Resolution.objects.filter(organization=commune_of(world, side)).order_by("pk").first())


@kind("directive")
def _directive(world: World, side: str) -> int:
    """A committee's task handed to the cell (what a cell follows up)."""
    found = (
        Task.objects.filter(organization=cell_of(world, side), resolution__organization__kind="committee")
        .order_by("pk")
        .first()
    )
    if found is None:
        found = scoped(Task, world, side, at="commune", resolution__organization__kind="committee")
    return _pk(found)


@kind("rubric")
def _rubric(world: World, side: str) -> int:
    """Inside: a rubric of the whole party (applies everywhere); outside: an agency committee's own rubric."""
    if side == INSIDE:
        return _pk(Rubric.objects.filter(applies_to__isnull=True).order_by("pk").first())
    return _pk(scoped(Rubric, world, side, applies_to__isnull=False))


@kind("rate")
def _rate(world: World, side: str) -> int:
    return _pk(DuesRate.objects.filter(organization=commune_of(world, side), effective_from=date(2027, 1, 1)).get())


@kind("export")
def _export(world: World, side: str) -> int:
    owner = world.users["committee_staff"] if side == INSIDE else world.outsider
    return _pk(Export.objects.filter(user=owner).order_by("pk").first())


@kind("feed_token")
def _feed_token(world: World, side: str) -> str:
    """The token is the credential: inside, the member's own feed; outside, a token nobody holds."""
    if side == INSIDE:
        return CalendarFeed.objects.get(user=world.users["member"]).token
    return "x" * 43


@kind("batch")
def _batch(world: World, side: str) -> int:
    """An import of the cell's members: inside, the home cell's (the demo leaves one ready to import); outside, the
    other cell's, made like it when the demo has none there."""
    inside = ImportBatch.objects.filter(organization=world.home_cell, kind="members").order_by("pk").first()
    assert inside is not None, "the demo imports into the home cell"
    if side == INSIDE:
        return inside.pk
    found = ImportBatch.objects.filter(organization=world.other_cell).order_by("pk").first()
    if found is None:
        found = ImportBatch.objects.create(
            organization=world.other_cell,
            kind=inside.kind,
            status=inside.status,
            file_name=inside.file_name,
            sha256=inside.sha256,
            size=inside.size,
            uploaded_by=inside.uploaded_by,
            sheets=inside.sheets,
            mapping=inside.mapping,
            counts=inside.counts,
        )
        with inside.file.open("rb") as source:
            found.file.save(inside.file_name, ContentFile(source.read()))
    return found.pk


DEFAULT_KIND = {
    "batch_id": "batch",
    "meeting_id": "meeting",
    "member_id": "member",
    "cell_id": "cell",
    "org_id": "cell",
    "item_id": "item",
    "speech_id": "speech",
    "vote_id": "vote",
    "calendar_id": "calendar",
    "apology_id": "apology",
    "document_id": "document",
    "resolution_id": "resolution",
    "task_id": "task",
    "progress_id": "progress",
    "target_id": "target",
    "feedback_id": "feedback",
    "inspection_id": "inspection",
    "rating_id": "rating",
    "rubric_id": "rubric",
    "assignment_id": "assignment",
    "visit_id": "visit",
    "rate_id": "rate",
    "export_id": "export",
    "year": "year",
    "month": "month",
    "name": "chart",
    "direction": "direction",
    "table": "table",
    "uidb64": "uidb64",
    "token": "reset_token",
}


def value(world: World, kind_name: str, side: str):
    key = (kind_name, side)
    if key not in world.things:
        world.things[key] = KINDS[kind_name](world, side)
    return world.things[key]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000165a7d54f0000000049454e44ae426082"
)


def attach_files(world: World) -> None:
    """The demo uploads no file: give the document, the progress report and the member each side's URLs open one
    (the test settings keep uploads in memory)."""
    for side in (INSIDE, "outside"):
        MeetingDocument.objects.get(pk=value(world, "document", side)).file.save("agenda.pdf", ContentFile(PDF))
        TaskProgress.objects.get(pk=value(world, "progress", side)).evidence.save("report.pdf", ContentFile(PDF))
        Member.objects.get(pk=value(world, "member", side)).photo.save("photo.png", ContentFile(PNG))
