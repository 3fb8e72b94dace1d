"""Importing past attendance (issue 14 §4): plan and apply for the pipeline (services/jobs.py).

A register is a sheet of members × months typed from a cell's paper book (apps/imports/rules/attendance.py reads
its month headers and marks). Each row is a member, found in the target's subtree by the matching rule
(rules/matching.py: card number, national ID, name + date of birth; a register often has names only, so a name
alone is accepted when exactly one member of the row's cell bears it, with a warning). The row's cell is the one
chosen on the mapping page, the sheet's (a sheet per cell), the row's cell column, the target when it is a cell,
or else the cell the member belonged to that month.

Each month's mark is judged against the record: the member must have been in the cell on the meeting's day
(CellMembership history); a month still to come is refused; a mark the record already holds is unchanged, a
different one refused (the record is not overwritten from paper); a meeting whose minutes are adopted takes no new
mark. The apply holds the meetings the marks imply (services/past_meetings.py), writes the marks ``via=paper`` in
one audited bulk insert, records an ImportChange per record, and marks the oversight figures of the (cell, month)
pairs stale so that the dashboards show the year at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.common import audit
from apps.common.scoping import MANAGE, allows
from apps.common.vnlegacy import Encoding, repair, tidy_name
from apps.common.vnlegacy.detection import detect_column
from apps.imports.models import ImportBatch
from apps.imports.queries.attendance import Book, Person
from apps.imports.rules import attendance as rules
from apps.imports.rules.plan import CREATE, UNCHANGED, Conversion, Planned, SourceRow
from apps.imports.rules.values import (
    ValueProblem,
    join_name,
    parse_card_number,
    parse_date,
    parse_national_id,
)
from apps.imports.services import changes, past_meetings
from apps.imports.services.context import PlanContext
from apps.meetings.models import AgendaItem, Attendance, Meeting
from apps.orgs.models import Organization
from apps.oversight.services import facts

MEETING_FIELDS = ("cell", "kind", "status", "scheduled_at", "started_at", "ended_at")
AGENDA_FIELDS = ("meeting", "position")
ATTENDANCE_FIELDS = ("meeting", "member", "status", "via")


# ---------------------------------------------------------------------------------------------- plan


def plan(*, batch: ImportBatch, table_rows: Iterable[SourceRow], context: PlanContext) -> Iterator[Planned]:
    target = context.organization
    if not allows(context.user, MANAGE, target.path):
        raise PermissionDenied
    book: Book | None = None
    for source in table_rows:
        planned = Planned(source.sheet, source.row_number, CREATE)
        if not batch.year:
            planned.refuse("", _("The import has no year: upload the register again with its year."))
            yield planned
            continue
        book = book or Book(
            user=context.user,
            organization=target,
            columns=context.columns,
            options=context.options,
            year=batch.year,
            today=context.today,
        )
        _plan_row(source, planned, book)
        yield planned


def _hint(source: SourceRow, book: Book) -> Encoding | None:
    """The row's legacy font: the pipeline's finding for the sheet, else the one its text cells are in (remembered for
    the sheet, so that a row of short cells that read well both ways follows the rows before it)."""
    if source.extra.get("encoding"):
        return Encoding(source.extra["encoding"])
    cells = source.extra.get("raw") or tuple(source.values.values())
    found = detect_column(value for value in cells if isinstance(value, str))
    if found != Encoding.UNICODE:
        book.hints[source.sheet] = found
    return book.hints.get(source.sheet)


def _text(planned: Planned, field_name: str, value: Any, *, hint: Encoding | None, person: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    original = str(value)
    fixed = repair(original, hint=hint)
    text = " ".join(fixed.text.split())
    if fixed.encoding != Encoding.UNICODE or fixed.decomposed:
        encoding = "nfd" if fixed.encoding == Encoding.UNICODE else fixed.encoding.value
        planned.conversions.append(Conversion(field_name, encoding, original.strip(), text))
    if person and text:
        tidy = tidy_name(text)
        if tidy != text:
            planned.conversions.append(Conversion(field_name, "spacing", text, tidy))
        text = tidy
    return text


def _plan_row(source: SourceRow, planned: Planned, book: Book) -> None:
    values = source.values
    hint = _hint(source, book)
    name = _text(planned, "full_name", values.get("full_name"), hint=hint, person=True)
    if not name and ("surname" in values or "given_name" in values):
        joined = join_name(values.get("surname"), values.get("given_name"))
        name = _text(planned, "full_name", joined, hint=hint, person=True)
    card = national_id = None
    born: date | None = None
    try:
        if values.get("card_number") not in (None, ""):
            card = parse_card_number(values["card_number"])
        if values.get("national_id") not in (None, ""):
            national_id = parse_national_id(values["national_id"])
        if values.get("date_of_birth") not in (None, ""):
            born = parse_date(values["date_of_birth"])
    except ValueProblem as problem:
        planned.refuse("", problem.message)
    planned.data = {
        "full_name": name,
        "card_number": card or "",
        "date_of_birth": born.isoformat() if born else "",
    }
    row_cell, why = _row_cell(source, book, planned, hint)
    if why:
        planned.refuse("cell", why)
    if planned.refused:
        return
    found = book.member(name=name, card=card, national_id=national_id, born=born, cell_id=row_cell)
    if found.warning:
        planned.warn("full_name", found.warning)
    if found.person is None:
        planned.refuse(found.field, found.problem)
        return
    person = found.person
    planned.data["matched_by"] = found.rule
    planned.target_pk = person.pk
    planned.data["member_id"] = person.pk
    planned.data["cell_id"] = row_cell
    months = book.months(source.sheet)
    if not months:
        others = rules.other_years(book.columns.get(source.sheet, []), book.year)
        if others:
            planned.refuse(
                "",
                _("The sheet's months are of %(years)s, not of %(year)s.")
                % {"years": ", ".join(map(str, others)), "year": book.year},
            )
        else:
            planned.refuse("", _("No month columns (T1, Tháng 1, 01/%(year)s…) were found.") % {"year": book.year})
        return
    raw = source.extra.get("raw") or ()
    marks, writes = {}, []
    for month_mark in rules.read_marks(raw, months, lambda text: repair(text, hint=hint).text):
        where = rules.cell_name(month_mark.index, source.row_number)
        label = _("Month %(month)s (cell %(cell)s)") % {"month": month_mark.month.month, "cell": where}
        if month_mark.error:
            planned.refuse("", f"{label}: {month_mark.error}")
            continue
        if month_mark.mark is None:
            continue
        marks[month_mark.month.strftime("%Y-%m")] = month_mark.mark.status
        write = _judge(book, planned, person, row_cell, month_mark.month, month_mark.mark, label)
        if write is not None:
            writes.append(write)
    planned.data["marks"] = marks
    planned.data["writes"] = writes
    if not marks and not planned.refused:
        planned.warn("", _("The row has no mark in any month."))
    if planned.refused:
        return
    planned.fate = CREATE if writes else UNCHANGED
    label = _("row %(row)s") % {"row": source.row_number}
    for write in writes:
        book.seen[(person.pk, date.fromisoformat(write["month"]))] = (write["status"], label)


def _row_cell(source: SourceRow, book: Book, planned: Planned, hint: Encoding | None) -> tuple[int | None, str]:
    """The cell the row's marks are for: the mapping page's cell, the sheet's, the row's, the target; None: the
    member's own cell of each month."""
    options = book.options
    if options.get("cell_id"):
        cell_id = int(options["cell_id"])
        return (cell_id, "") if cell_id in book.cells else (None, _("The cell chosen is not one you manage here."))
    if options.get("sheet_per_cell"):
        return book.find_cell(source.sheet)
    if "cell" in source.values:
        text = _text(planned, "cell", source.values.get("cell"), hint=hint)
        if text:
            return book.find_cell(text)
    target = book.organization
    if target.kind == Organization.Kind.CELL:
        return target.pk, ""
    return None, ""


def _judge(
    book: Book,
    planned: Planned,
    person: Person,
    row_cell: int | None,
    month: date,
    mark: rules.Mark,
    label: str,
) -> dict[str, Any] | None:
    """One month's mark against the record: the mark to write, None when already on record (or refused)."""
    today = book.today
    if month > today.replace(day=1):
        planned.refuse("", _("%(label)s: this month has not come yet.") % {"label": label})
        return None
    cell_id = row_cell
    if cell_id is None:  # the member's cell of that month: the one they were in on its meeting's day
        for candidate in dict.fromkeys(c for c, _j, _l in person.periods if c in book.cells):
            day, _held = book.day_of(candidate, month)
            if rules.member_on(person.periods, day) == candidate:
                cell_id = candidate
                break
        if cell_id is None and not person.periods and person.cell_id in book.cells:
            cell_id = person.cell_id
        if cell_id is None:
            planned.refuse(
                "",
                _("%(label)s: %(name)s was in none of these cells that month.")
                % {"label": label, "name": person.full_name},
            )
            return None
    day, held = book.day_of(cell_id, month)
    cell_name = book.cells[cell_id][1]
    if day > today or book.moment(cell_id, day, held) > timezone.now():
        planned.refuse(
            "",
            _("%(label)s: the meeting of this month (%(day)s) has not taken place yet.")
            % {"label": label, "day": _day(day)},
        )
        return None
    inside = rules.member_on(person.periods, day) == cell_id if person.periods else person.cell_id == cell_id
    if not inside:
        planned.refuse(
            "",
            _("%(label)s: %(name)s was not a member of %(cell)s on %(day)s.")
            % {"label": label, "name": person.full_name, "cell": cell_name, "day": _day(day)},
        )
        return None
    exempted = rules.covers(person.exemptions, day)
    if not rules.exempt_consistent(mark.status, exempted):
        if exempted:
            planned.warn(
                "",
                _("%(label)s: the member is exempted from meetings, yet the register says %(mark)s.")
                % {"label": label, "mark": rules.STATUS_LABELS[mark.status]},
            )
        else:
            planned.warn(
                "",
                _("%(label)s: marked exempt, but the member has no exemption recorded that day.") % {"label": label},
            )
    if held is not None:
        if held.status == Meeting.Status.IN_PROGRESS:
            planned.refuse(
                "",
                _("%(label)s: the meeting of %(day)s is in progress; mark it on its page.")
                % {"label": label, "day": _day(held.day)},
            )
            return None
        on_record = held.marks.get(person.pk)
        if on_record is not None:
            if on_record != mark.status:
                planned.refuse(
                    "",
                    _("%(label)s: the meeting of %(day)s recorded %(recorded)s, the register says %(mark)s.")
                    % {
                        "label": label,
                        "day": _day(held.day),
                        "recorded": rules.STATUS_LABELS.get(on_record, on_record),
                        "mark": rules.STATUS_LABELS[mark.status],
                    },
                )
            return None
        if held.adopted:
            planned.refuse(
                "",
                _("%(label)s: the minutes of the meeting of %(day)s are adopted and do not list this member.")
                % {"label": label, "day": _day(held.day)},
            )
            return None
    earlier = book.seen.get((person.pk, month))
    if earlier is not None:
        if earlier[0] != mark.status:
            planned.refuse(
                "",
                _("%(label)s: %(row)s already gives this member %(mark)s.")
                % {"label": label, "row": earlier[1], "mark": rules.STATUS_LABELS[earlier[0]]},
            )
        return None
    return {"month": month.isoformat(), "cell_id": cell_id, "status": mark.status, "reason": mark.reason}


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------------------------- apply


@transaction.atomic
def apply(*, batch: ImportBatch, planned: list[Planned], user) -> None:
    """Hold the meetings the marks imply and write the marks, recording every record as an ImportChange; then mark
    the oversight figures of the (cell, month) pairs stale. Runs inside the commit's transaction."""
    target = Organization.objects.get(pk=batch.organization_id)
    if not allows(user, MANAGE, target.path):
        raise PermissionDenied
    wanted: dict[tuple[int, date], dict[int, tuple[str, str]]] = defaultdict(dict)
    for p in planned:
        if p.fate != CREATE:
            continue
        for write in p.data.get("writes", []):
            wanted[(write["cell_id"], date.fromisoformat(write["month"]))][p.data["member_id"]] = (
                write["status"],
                write.get("reason", ""),
            )
    if not wanted:
        return
    cells = {
        cell.pk: cell
        for cell in Organization.objects.select_for_update().filter(
            pk__in={cell_id for cell_id, _month in wanted},
            path__startswith=target.path,
            kind=Organization.Kind.CELL,
        )
    }
    for cell_id, _month in wanted:
        cell = cells.get(cell_id)
        if cell is None:
            raise ValidationError(_("A cell of the register is no longer in the tree; preview the import again."))
        if not allows(user, MANAGE, cell.path):
            raise PermissionDenied
    created: list[Meeting] = []
    held: list[tuple[int, dict]] = []
    marks: list[Attendance] = []
    for (cell_id, month), members in sorted(wanted.items()):
        meeting = past_meetings.month_meeting(cells[cell_id], month)
        if meeting is None:
            meeting = past_meetings.hold_new(cells[cell_id], month, members=len(members))
            created.append(meeting)
        elif meeting.status == Meeting.Status.PLANNED:
            before = {name: getattr(meeting, name) for name in past_meetings.HELD_FIELDS}
            past_meetings.close(meeting, members=len(members))
            held.append((meeting.pk, before))
        elif meeting.status != Meeting.Status.CLOSED:
            raise ValidationError(_("A meeting of the register is in progress; preview the import again."))
        on_record = dict(
            Attendance.objects.filter(meeting=meeting, member_id__in=list(members)).values_list("member_id", "status")
        )
        for member_id, (status, reason) in members.items():
            if member_id in on_record:
                if on_record[member_id] != status:
                    raise ValidationError(_("A mark changed since the preview; preview the import again."))
                continue
            marks.append(
                Attendance(
                    meeting=meeting,
                    member_id=member_id,
                    status=status,
                    reason=reason[:300],
                    via=Attendance.Via.PAPER,
                    marked_by=user,
                )
            )
    audit.bulk_create(Attendance, marks, batch_size=500)
    fresh = Meeting.objects.in_bulk(
        [m.pk for m in created] + [pk for pk, _before in held]
    )  # as the database holds them
    changes.record_created(batch, Meeting, [fresh[m.pk] for m in created], MEETING_FIELDS)
    changes.record_created(
        batch,
        AgendaItem,
        AgendaItem.objects.filter(meeting_id__in=[m.pk for m in created]).order_by("pk"),
        AGENDA_FIELDS,
    )
    changes.record_updated(
        batch,
        Meeting,
        [(pk, before, {name: getattr(fresh[pk], name) for name in past_meetings.HELD_FIELDS}) for pk, before in held],
    )
    changes.record_created(batch, Attendance, marks, ATTENDANCE_FIELDS)
    facts.mark_stale(wanted)
