"""The scoping walk: a row of every scoped model in sibling subtrees, and every role on one of them.

Every model that names a ``scope_path`` gets a small factory below (a test fails for a scoped model without one),
and a row in cell A1, in its sibling cell A2 and in commune B's cell B1. A user holding one role on cell A1, or on
commune A, then asks ``Model.objects.visible_to(user, action)`` for each action: never a row outside the node the
role was granted on, and the node's own row whenever the role allows the action (a walk that sees nothing would
prove nothing). The last test shows the walk failing on a model visible outside its subtree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from apps.common.scoping import ADMINISTER, MANAGE, RESTRUCTURE, ROLE_ACTIONS, VIEW, Role, ScopedQuerySet
from apps.common.testing import UserFactory
from apps.grading.models import AnnualRating, Discipline, GradingRule
from apps.imports.models import ImportBatch, ImportChange, ImportMapping, ImportRow
from apps.meetings.models import (
    AgendaItem,
    AnnualCalendar,
    Apology,
    Attendance,
    BallotReceipt,
    DocumentNumber,
    Guest,
    Meeting,
    MeetingDocument,
    MeetingRule,
    Minutes,
    MinutesVersion,
    SealedBallot,
    Speech,
    Vote,
)
from apps.meetings.testing import make_meeting
from apps.members.models import (
    Attachment,
    CellMembership,
    CellRole,
    Dues,
    DuesRate,
    Exemption,
    Member,
    MemberDuesBasis,
    Suspension,
)
from apps.members.testing import grant
from apps.orgs.models import Organization, RoleGrant
from apps.outbox.models import OutboundMessage
from apps.oversight.models import (
    Briefing,
    CellMonth,
    OrgYear,
    OversightRule,
    StaleCellMonth,
    SupervisorAssignment,
    Visit,
)
from apps.quality.models import MeetingScore, Rubric, RubricCategory, RubricItem
from apps.resolutions.models import Feedback, Inspection, Resolution, Target, TargetActual, Task, TaskProgress
from apps.resolutions.testing import make_resolution

ACTIONS = [VIEW, MANAGE, RESTRUCTURE, ADMINISTER]
ON = date(2026, 1, 15)


@dataclass
class Place:
    """A cell of the world with its member (and the member's account, if any), and the rows made there so far: a
    factory asks for the rows it hangs on (``place.row(Meeting)``), made once."""

    cell: Organization
    member: Member
    made: dict = field(default_factory=dict)

    def row(self, model: type[models.Model]) -> models.Model:
        if model not in self.made:
            self.made[model] = FACTORIES[model](self)
        return self.made[model]


def _rubric(p: Place) -> Rubric:
    return Rubric.objects.create(code=f"WALK-{p.cell.code}", name="Phiếu thử", effective_from=ON, applies_to=p.cell)


def _batch(p: Place) -> ImportBatch:
    return ImportBatch.objects.create(
        organization=p.cell, kind="members", file="imports/walk.xlsx", file_name="walk.xlsx", uploaded_by=UserFactory()
    )


def _category(p: Place) -> RubricCategory:
    return RubricCategory.objects.create(rubric=p.row(Rubric), code="all", title="Chung", max_points=Decimal(10))


# One small factory per scoped model: a row in the place's cell, hung on the rows it needs.
FACTORIES: dict[type[models.Model], Callable[[Place], models.Model]] = {
    # the tree and the role grants
    Organization: lambda p: p.cell,
    RoleGrant: lambda p: grant(UserFactory(), p.cell, Role.SUPERVISOR),
    # members (member_create writes the membership)
    Member: lambda p: p.member,
    CellMembership: lambda p: CellMembership.objects.get(member=p.member, cell=p.cell),
    Exemption: lambda p: Exemption.objects.create(member=p.member, starts_on=ON, reason="Tuổi cao"),
    Suspension: lambda p: Suspension.objects.create(member=p.member, starts_on=ON, reason="Đi xa"),
    Attachment: lambda p: Attachment.objects.create(member=p.member, host=p.cell, starts_on=ON, reason="Công tác"),
    CellRole: lambda p: CellRole.objects.create(member=p.member, cell=p.cell, office="board_member", starts_on=ON),
    DuesRate: lambda p: DuesRate.objects.create(
        organization=p.cell, basis="fixed", fixed_amount=Decimal(20000), effective_from=ON
    ),
    MemberDuesBasis: lambda p: MemberDuesBasis.objects.create(member=p.member, basis="fixed", effective_from=ON),
    Dues: lambda p: Dues.objects.create(member=p.member, month=ON.replace(day=1), status="paid", amount=20000),
    # imports
    ImportBatch: _batch,
    ImportRow: lambda p: ImportRow.objects.create(batch=p.row(ImportBatch), sheet="S", row_number=2, fate="create"),
    ImportChange: lambda p: ImportChange.objects.create(
        batch=p.row(ImportBatch), model="members.member", object_pk=p.member.pk, action="created"
    ),
    ImportMapping: lambda p: ImportMapping.objects.create(organization=p.cell, kind="members", signature="walk"),
    # meetings
    Meeting: lambda p: make_meeting(p.cell),
    AgendaItem: lambda p: AgendaItem.objects.create(meeting=p.row(Meeting), position=9, title="Việc khác"),
    MeetingDocument: lambda p: MeetingDocument.objects.create(
        meeting=p.row(Meeting), kind="lead_paper", title="Đề cương", file="walk.pdf"
    ),
    MeetingRule: lambda p: MeetingRule.objects.create(cell=p.cell),
    AnnualCalendar: lambda p: AnnualCalendar.objects.create(cell=p.cell, year=ON.year),
    DocumentNumber: lambda p: DocumentNumber.objects.create(
        cell=p.cell, doc_type="NQ", term_start_year=2025, number=1, meeting=p.row(Meeting)
    ),
    Attendance: lambda p: Attendance.objects.create(meeting=p.row(Meeting), member=p.member, status="present"),
    Guest: lambda p: Guest.objects.create(meeting=p.row(Meeting), name="Khách mời"),
    Apology: lambda p: Apology.objects.create(meeting=p.row(Meeting), member=p.member, reason="Ốm"),
    Speech: lambda p: Speech.objects.create(
        meeting=p.row(Meeting), agenda_item=p.row(AgendaItem), member=p.member, position=1
    ),
    Minutes: lambda p: Minutes.objects.create(meeting=p.row(Meeting), text="Biên bản."),
    MinutesVersion: lambda p: MinutesVersion.objects.create(minutes=p.row(Minutes), number=1, text="Biên bản."),
    Vote: lambda p: Vote.objects.create(meeting=p.row(Meeting), question="Thông qua?"),
    BallotReceipt: lambda p: BallotReceipt.objects.create(vote=p.row(Vote), member=p.member),
    SealedBallot: lambda p: SealedBallot.objects.create(vote=p.row(Vote), sealed=b"sealed"),
    # resolutions
    Resolution: lambda p: make_resolution(p.cell, tasks=0, targets=0),
    Task: lambda p: Task.objects.create(
        resolution=p.row(Resolution), organization=p.cell, title="Nhiệm vụ", deadline=ON + timedelta(days=20)
    ),
    TaskProgress: lambda p: TaskProgress.objects.create(task=p.row(Task), on=ON, text="Đã làm.", evidence=""),
    Target: lambda p: Target.objects.create(
        resolution=p.row(Resolution),
        organization=p.cell,
        title="Chỉ tiêu",
        unit="%",
        value=Decimal(90),
        period_start=ON,
        period_end=ON + timedelta(days=30),
    ),
    TargetActual: lambda p: TargetActual.objects.create(target=p.row(Target), on=ON, value=Decimal(50)),
    Feedback: lambda p: Feedback.objects.create(
        resolution=p.row(Resolution), organization=p.cell, source="individual", received_on=ON, content="Ý kiến."
    ),
    Inspection: lambda p: Inspection.objects.create(
        organization=p.cell, kind="regular", subject="Kiểm tra", started_on=ON
    ),
    # grading
    Discipline: lambda p: Discipline.objects.create(organization=p.cell, member=p.member, on=ON, form="warning"),
    AnnualRating: lambda p: AnnualRating.objects.create(
        organization=p.cell, member=p.member, year=ON.year - 1, rule=GradingRule.objects.order_by("pk").first()
    ),
    # quality
    Rubric: _rubric,
    RubricCategory: _category,
    RubricItem: lambda p: RubricItem.objects.create(
        category=p.row(RubricCategory), code="talk", title="Thảo luận", kind="judged_number", max_points=Decimal(4)
    ),
    MeetingScore: lambda p: MeetingScore.objects.create(
        meeting=p.row(Meeting), rubric=p.row(Rubric), proposed_at=timezone.now()
    ),
    # oversight
    CellMonth: lambda p: CellMonth.objects.create(cell=p.cell, month=ON.replace(day=1), computed_at=timezone.now()),
    StaleCellMonth: lambda p: StaleCellMonth.objects.get_or_create(cell=p.cell, month=ON.replace(day=1))[0],
    OrgYear: lambda p: OrgYear.objects.create(organization=p.cell, year=ON.year, computed_at=timezone.now()),
    OversightRule: lambda p: OversightRule.objects.create(organization=p.cell, effective_from=ON),
    Briefing: lambda p: Briefing.objects.create(committee=p.cell, month=ON.replace(day=1)),
    SupervisorAssignment: lambda p: SupervisorAssignment.objects.create(
        supervisor=UserFactory(), cell=p.cell, committee=p.cell, starts_on=ON
    ),
    Visit: lambda p: Visit.objects.create(cell=p.cell, on=ON),
    # outbox
    OutboundMessage: lambda p: OutboundMessage.objects.create(
        organization=p.cell, member=p.member, channel="email", purpose="notice"
    ),
}


def scoped_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("apps.") and hasattr(m, "scope_path")]


def outside(model, user, action: str, node: Organization) -> list[str]:
    """The rows of ``model`` that ``user`` may reach with ``action`` but that lie outside ``node``'s subtree."""
    visible = model.objects.visible_to(user, action)
    leaked = visible.exclude(**{f"{model.scope_path}__startswith": node.path})
    return [f"{model.__name__} #{pk} at {path}" for pk, path in leaked.values_list("pk", model.scope_path)]


@dataclass
class Walk:
    rows: dict  # cell code -> the model's row there
    nodes: dict  # name -> Organization


@pytest.fixture
def walk(world) -> Callable[[type[models.Model]], Walk]:
    def build(model: type[models.Model]) -> Walk:
        if model not in FACTORIES:
            pytest.fail(f"{model.__name__} names a scope_path but has no factory in {__name__}.FACTORIES")
        places = {
            "A1": Place(world.cell_a1, world.plain_member),
            "A2": Place(world.cell_a2, world.a2_member),
            "B1": Place(world.cell_b1, world.b1_member),
        }
        rows = {code: place.row(model) for code, place in places.items()}
        nodes = {"cell A1": world.cell_a1, "commune A": world.commune_a}
        return Walk(rows, nodes)

    return build


def test_every_scoped_model_has_a_factory():
    missing = [m.__name__ for m in scoped_models() if m not in FACTORIES]
    assert not missing, f"scoped models without a factory in the walk: {missing}"
    assert len(scoped_models()) > 30


@pytest.mark.django_db
@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m.__name__)
def test_a_role_on_one_subtree_never_reaches_a_sibling(walk, world, model):
    w = walk(model)
    a1, a2, b1 = w.rows["A1"], w.rows["A2"], w.rows["B1"]
    assert len({a1.pk, a2.pk, b1.pk}) == 3, "the factory made one row in each cell"
    problems = []
    for node_name, node in w.nodes.items():
        for role in Role:
            user = UserFactory()
            # a plain member's view is their own cell (member_scope "node") or their own records: grant the member
            # role to the account of A1's member
            if role == Role.MEMBER:
                if node != world.cell_a1 or world.plain_member.user is None:
                    continue
                user = world.plain_member.user
            else:
                grant(user, node, role)
            for action in ACTIONS:
                problems += [f"{role} on {node_name}, {action}: {row}" for row in outside(model, user, action, node)]
                seen = set(model.objects.visible_to(user, action).values_list("pk", flat=True))
                if b1.pk in seen or (node == world.cell_a1 and a2.pk in seen):
                    problems.append(f"{role} on {node_name}, {action}: sees a sibling's row")
                if action in ROLE_ACTIONS[role] and a1.pk not in seen:
                    problems.append(f"{role} on {node_name}, {action}: does not see its own subtree's row")
                if role == Role.MEMBER and action == VIEW and model.member_scope and a1.pk not in seen:
                    problems.append(f"member of A1 ({model.member_scope}): does not see A1's row")
    assert not problems, f"{model.__name__}:\n" + "\n".join(problems)


def test_every_model_with_an_organisation_declares_its_scope_path():
    project = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    direct = [
        m
        for m in project
        if any(
            isinstance(f, models.ForeignKey) and f.concrete and f.related_model is Organization
            for f in m._meta.get_fields()
        )
    ]
    assert direct, "no model points at an organisation: the test reads the wrong thing"
    undeclared = [m.__name__ for m in direct if not hasattr(m, "scope_path")]
    assert not undeclared, f"models with an organisation but no scope_path: {undeclared}"
    unscoped = [m.__name__ for m in direct if not isinstance(m.objects.all(), ScopedQuerySet)]
    assert not unscoped, f"models with an organisation whose manager is not a ScopedQuerySet: {unscoped}"


@pytest.mark.django_db
def test_the_walk_fails_on_a_model_visible_outside_its_subtree(walk, world, monkeypatch):
    """A model whose visible_to forgot the subtree (here: every row) is caught, by the rows it lets out."""
    w = walk(Meeting)
    user = UserFactory()
    grant(user, world.cell_a1, Role.CELL_SECRETARY)
    assert outside(Meeting, user, VIEW, world.cell_a1) == []
    monkeypatch.setattr(ScopedQuerySet, "visible_to", lambda self, user, action=VIEW: self.all())
    leaked = outside(Meeting, user, VIEW, world.cell_a1)
    assert sorted(leaked) == sorted(f"Meeting #{w.rows[code].pk} at {w.rows[code].cell.path}" for code in ("A2", "B1"))
