"""What the plan of a past attendance import reads (apps/imports/services/attendance.py), loaded once per plan: the
target's cells the user manages, the members of the subtree now or once (a membership period there) with their
periods and exemptions, the matching index (apps/imports/rules/matching.py), and each cell's regular meetings of the
register's year with their marks, loaded when a row first needs the cell (three queries a cell)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.scoping import MANAGE
from apps.common.text import search_key
from apps.common.vnlegacy import Encoding
from apps.imports.rules import attendance as rules
from apps.imports.rules import matching
from apps.imports.rules.values import card_key
from apps.meetings.models import Attendance, Meeting, MeetingRule, Minutes
from apps.meetings.rules.holidays import holiday_checker
from apps.members.models import CellMembership, Exemption, Member
from apps.orgs.models import Organization

DEFAULT_START = time(19, 30)  # MeetingRule's default start time
NAME_ONLY = "name"  # data["matched_by"] when a name alone found the member in the row's cell


@dataclass
class MonthMeeting:
    """The record's regular meeting of a cell's month."""

    pk: int
    status: str
    day: date  # local
    at: datetime  # scheduled
    adopted: bool  # minutes adopted: the record takes no new mark
    marks: dict[int, str] = field(default_factory=dict)  # member → status


@dataclass(frozen=True)
class Found:
    """Who a row is: the member, by which rule; or why nobody (the field to blame, the message)."""

    person: Person | None = None
    rule: str = ""
    field: str = "full_name"
    problem: str = ""
    warning: str = ""


@dataclass
class Person:
    pk: int
    full_name: str
    cell_id: int
    periods: list[tuple[int, date, date | None]] = field(default_factory=list)  # (cell, joined, left)
    exemptions: list[tuple[date, date | None]] = field(default_factory=list)


class Book:
    """What a plan reads once: the subtree's cells, its members and their histories, each cell's meetings of the
    year (loaded when a row first needs that cell), the register's month columns per sheet."""

    def __init__(
        self,
        *,
        user,
        organization: Organization,
        columns: dict[str, list[tuple[int, str]]],
        options: dict,
        year: int,
        today: date,
    ):
        self.organization, self.columns, self.options, self.year, self.today = (
            organization,
            columns,
            options,
            year,
            today,
        )
        target = organization
        cells = (
            Organization.objects.visible_to(user, MANAGE)
            .filter(path__startswith=target.path, kind=Organization.Kind.CELL)
            .values_list("pk", "code", "name")
        )
        self.cells = {pk: (code, name) for pk, code, name in cells}
        self.people, candidates = self._people()
        self.index = matching.build_index(candidates)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for person in self.people.values():
            self.by_name[search_key(person.full_name)].append(person.pk)
        self._months: dict[str, dict[int, date]] = {}
        self._meetings: dict[int, dict[date, MonthMeeting]] = {}
        self._days: dict[int, tuple[int, time, str]] = {}
        self.is_holiday = holiday_checker(year)
        self.hints: dict[str, Encoding] = {}  # a sheet's legacy font, once a row showed it
        self.seen: dict[tuple[int, date], tuple[str, str]] = {}  # (member, month) → (status, the row that said it)

    def _people(self) -> tuple[dict[int, Person], list[matching.Candidate]]:
        """Members whose cell is in the subtree now or was (a membership period there): three queries."""
        in_subtree = Q(cell_id__in=list(self.cells)) | Q(
            pk__in=CellMembership.objects.filter(cell_id__in=list(self.cells)).values("member_id")
        )
        people, candidates = {}, []
        rows = Member.objects.filter(in_subtree).values_list(
            "pk",
            "full_name",
            "date_of_birth",
            "card_number",
            "national_id",
            "cell_id",
            "active",
        )
        for pk, name, born, card, national_id, cell_id, active in rows:
            people[pk] = Person(pk, name, cell_id)
            candidates.append(
                matching.Candidate(
                    pk=pk,
                    cell_id=cell_id,
                    card_number=card_key(card) if card else None,
                    national_id=national_id,
                    name_key=search_key(name),
                    date_of_birth=born,
                    active=active,
                )
            )
        members = Member.objects.filter(in_subtree).values("pk")
        periods = CellMembership.objects.filter(member__in=members).values_list(
            "member_id",
            "cell_id",
            "joined_on",
            "left_on",
        )
        for member_id, cell_id, joined, left in periods.order_by("joined_on", "pk"):
            if member_id in people:
                people[member_id].periods.append((cell_id, joined, left))
        for member_id, start, end in Exemption.objects.filter(member__in=members).values_list(
            "member_id",
            "starts_on",
            "ends_on",
        ):
            if member_id in people:
                people[member_id].exemptions.append((start, end))
        return people, candidates

    # -- months and meetings

    def months(self, sheet: str) -> dict[int, date]:
        if sheet not in self._months:
            self._months[sheet] = rules.month_columns(self.columns.get(sheet, []), self.year)
        return self._months[sheet]

    def meetings(self, cell_id: int) -> dict[date, MonthMeeting]:
        """The cell's regular meetings of the year by month (not cancelled; a held one first): three queries."""
        if cell_id not in self._meetings:
            start = timezone.make_aware(datetime(self.year, 1, 1))
            end = timezone.make_aware(datetime(self.year + 1, 1, 1))
            found: dict[date, MonthMeeting] = {}
            rank: dict[str, int] = {Meeting.Status.CLOSED: 0, Meeting.Status.IN_PROGRESS: 1, Meeting.Status.PLANNED: 2}
            rows = (
                Meeting.objects.filter(
                    cell_id=cell_id,
                    kind=Meeting.Kind.REGULAR,
                    scheduled_at__gte=start,
                    scheduled_at__lt=end,
                )
                .exclude(status=Meeting.Status.CANCELLED)
                .order_by("scheduled_at", "pk")
                .values_list("pk", "status", "scheduled_at")
            )
            for pk, status, at in rows:
                day = timezone.localdate(at)
                month = day.replace(day=1)
                if month not in found or rank[status] < rank[found[month].status]:
                    found[month] = MonthMeeting(pk, status, day, at, adopted=False)
            ids = {m.pk: m for m in found.values()}
            for pk in Minutes.objects.filter(meeting_id__in=ids, status=Minutes.Status.ADOPTED).values_list(
                "meeting_id",
                flat=True,
            ):
                ids[pk].adopted = True
            for meeting_id, member_id, status in Attendance.objects.filter(meeting_id__in=ids).values_list(
                "meeting_id",
                "member_id",
                "status",
            ):
                ids[meeting_id].marks[member_id] = status
            self._meetings[cell_id] = found
        return self._meetings[cell_id]

    def rule(self, cell_id: int) -> tuple[int, time, str]:
        """(day of the month, start time, place) of the cell's rule, or the rule's defaults."""
        if cell_id not in self._days:
            rule = (
                MeetingRule.objects.filter(cell_id=cell_id).values_list("day_of_month", "start_time", "place").first()
            )
            self._days[cell_id] = rule or (rules.DEFAULT_DAY_OF_MONTH, DEFAULT_START, "")
        return self._days[cell_id]

    def moment(self, cell_id: int, day: date, held: MonthMeeting | None) -> datetime:
        """When the month's meeting was (or is) held: the record's time, else the rule's start on its day."""
        if held is not None:
            return held.at
        start = self.rule(cell_id)[1]
        start = time.fromisoformat(start) if isinstance(start, str) else start
        return timezone.make_aware(datetime.combine(day, start))

    def day_of(self, cell_id: int, month: date) -> tuple[date, MonthMeeting | None]:
        """The day of the cell's meeting of the month: the record's meeting's, else the day the rule gives."""
        held = self.meetings(cell_id).get(month)
        if held is not None:
            return held.day, held
        return rules.meeting_day(month.year, month.month, self.rule(cell_id)[0], self.is_holiday), None

    # -- cells

    def find_cell(self, text: str) -> tuple[int | None, str]:
        """A cell of the subtree named by its code or its name ("Chi bộ Thôn 1", "Thôn 1"; a sheet's name cut at
        31 characters); (None, why) when none or several."""
        wanted = search_key(text)
        if not wanted:
            return None, ""
        found = [
            pk
            for pk, (code, name) in self.cells.items()
            if code.lower() == text.strip().lower() or search_key(name) in (wanted, f"chi bo {wanted}")
        ]
        if not found and len(text) >= 31:
            found = [pk for pk, (_code, name) in self.cells.items() if search_key(name).startswith(wanted)]
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several cells are named %(name)s: write the cell's code.") % {"name": text}
        return None, _("No cell named %(name)s was found in %(target)s.") % {
            "name": text,
            "target": self.organization.name,
        }

    # -- members

    def member(
        self,
        *,
        name: str,
        card: str | None,
        national_id: str | None,
        born: date | None,
        cell_id: int | None,
    ) -> Found:
        """The member a row is (rules/matching.py: card number, national ID, name + date of birth), or, with a name
        alone, the one member of the row's cell who bears it (a paper register lists names)."""
        found = matching.match(
            self.index,
            card_number=card_key(card) if card else None,
            national_id=national_id,
            name_key=search_key(name),
            date_of_birth=born,
        )
        if found.candidate is not None:
            return Found(self.people[found.candidate.pk], found.rule)
        if found.conflict == matching.AMBIGUOUS:
            return Found(
                problem=_("Several members are named %(name)s and born that day: write the card number.")
                % {"name": name}
            )
        if found.conflict:
            return Found(
                field="card_number",
                problem=_("The card number and the name point to different members: check the row."),
            )
        if name and not (card or national_id or born) and cell_id is not None:
            same = [
                pk
                for pk in self.by_name.get(search_key(name), [])
                if self.people[pk].cell_id == cell_id or any(c == cell_id for c, _j, _l in self.people[pk].periods)
            ]
            if len(same) == 1:
                warning = _("Matched on the name alone: check that this is the right member.")
                return Found(self.people[same[0]], NAME_ONLY, warning=warning)
            if same:
                return Found(
                    problem=_(
                        "Several members of the cell are named %(name)s: add the date of birth or the card number."
                    )
                    % {"name": name}
                )
        who = name or card or national_id or ""
        if not who:
            return Found(problem=_("The row names no member (name, card number)."))
        return Found(
            problem=_("No member %(who)s was found in %(target)s: import the member first.")
            % {"who": who, "target": self.organization.name}
        )
