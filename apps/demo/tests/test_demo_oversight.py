"""The demo makes every dashboard of the committees tell a story (issue 12): a year of monthly figures, a few weak
cells, supervisors' visits and warnings worth acting on, on the sample district seeded on the suite's day."""

from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.common.scoping import Role
from apps.common.testing import FROZEN_AT
from apps.demo import world as demo
from apps.meetings.models import Guest
from apps.orgs.models import Organization, RoleGrant
from apps.oversight.models import Briefing, OversightRule, StaleCellMonth, SupervisorAssignment, Visit
from apps.oversight.queries import figures, supervision
from apps.oversight.queries.warnings import warnings_for
from apps.oversight.rules import warnings as rules_warnings
from apps.oversight.rules.periods import MONTH, QUARTER, Period, add_months, month_of

AS_OF = timezone.localdate(FROZEN_AT)  # the suite's day: the warnings, the quarter and the facts are read on it


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    """The "sample" demo seeded on the suite's day, built once for the module and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        counter = demo.build(profile="sample", seed=2, as_of=AS_OF)
        yield counter
        transaction.set_rollback(True)


def user(username: str):
    return get_user_model().objects.get(username=username)


def demo_commune() -> Organization:
    return user("canbo").role_grants.get().organization


@pytest.mark.django_db
def test_every_cell_has_its_kind_of_unit(sample):
    cells = Organization.objects.filter(kind=Organization.Kind.CELL)
    assert not cells.filter(sector="").exists()
    assert {"residential", "agency", "school"} <= set(cells.values_list("sector", flat=True))
    assert not Organization.objects.filter(depth__lte=2).exclude(sector="").exists()  # province, district: blank
    hamlets = cells.filter(name__regex=r"^Chi bộ (Thôn|Xóm|Khu) ")
    assert hamlets.exists() and not hamlets.exclude(sector="residential").exists()
    assert not cells.filter(name__contains="Trường").exclude(sector="school").exists()


@pytest.mark.django_db
def test_the_commune_dashboard_has_a_year_of_monthly_figures_and_weak_cells(sample):
    canbo, commune, story = user("canbo"), demo_commune(), sample.story
    last_month = add_months(month_of(AS_OF), -1)
    board = figures.dashboard(canbo, commune, Period(MONTH, last_month.year, last_month.month), today=AS_OF)
    assert board.pending == 0 and not StaleCellMonth.objects.exists()  # the rebuild at the end of the demo
    assert [m for m, _ in board.trend] == [add_months(last_month, k) for k in range(-11, 1)]
    assert all(row["meetings_held"] and row["attendance_rate"] for _, row in board.trend)
    by_cell = {row.org.pk: row.figures for row in board.children}
    assert by_cell[story.skipping.pk]["meetings_held"] == 0 and by_cell[story.skipping.pk]["held_share"] == 0
    assert by_cell[story.falling.pk]["attendance_rate"] < 85
    healthy = [f for pk, f in by_cell.items() if pk not in (story.skipping.pk, story.falling.pk)]
    assert healthy and all(f["held_share"] == 100 for f in healthy)
    assert {code for code, _, _ in board.sectors} >= {"residential", "agency"}
    # The falling cell's attendance fell every month of the last four.
    rates = [
        row.figures["attendance_rate"]
        for row in [
            figures.node_row(canbo, story.falling, Period(MONTH, m.year, m.month), today=AS_OF)
            for m in (add_months(last_month, k) for k in range(-3, 1))
        ]
    ]
    assert rates == sorted(rates, reverse=True) and len(set(rates)) == 4


@pytest.mark.django_db
def test_the_warnings_of_the_demo_commune_show_every_kind_on_the_weak_cells(sample):
    commune, story = demo_commune(), sample.story
    found = defaultdict(set)
    for warning in warnings_for(user("canbo"), commune, today=AS_OF):
        found[warning.kind].add(warning.org.pk)
    assert set(found) == set(rules_warnings.KINDS)
    skipping, falling = story.skipping.pk, story.falling.pk
    for kind in (rules_warnings.NO_MEETING, rules_warnings.NO_THEMATIC, rules_warnings.CALENDAR_MISSING):
        assert found[kind] == {skipping}, kind  # worth acting on: the other cells met and registered their calendar
    assert skipping in found[rules_warnings.PROBATION_OVERDUE]
    assert skipping in found[rules_warnings.OVERDUE_TASK] and falling in found[rules_warnings.OVERDUE_TASK]
    assert skipping in found[rules_warnings.SCORE_UNCONFIRMED]
    for kind in (rules_warnings.LOW_ATTENDANCE, rules_warnings.ATTENDANCE_FALLING, rules_warnings.QUALITY_FALLING):
        assert falling in found[kind], kind
    assert falling in found[rules_warnings.REMOVAL_WATCH]  # the member who stopped coming


@pytest.mark.django_db
def test_supervisors_follow_the_cells_and_visit_them(sample):
    giamsat, commune, story = user("giamsat"), demo_commune(), sample.story
    assignments = SupervisorAssignment.objects.filter(supervisor=giamsat, ends_on__isnull=True)
    cells = set(assignments.values_list("cell_id", flat=True))
    assert len(cells) == 3 and story.falling.pk in cells and story.skipping.pk not in cells
    for cell_id in cells:
        assert RoleGrant.objects.filter(
            user=giamsat, organization_id=cell_id, role=Role.SUPERVISOR, ends_on__isnull=True
        ).exists()
    commune_cells = set(
        Organization.objects.filter(kind="cell", path__startswith=commune.path).values_list("pk", flat=True)
    )
    assert (
        set(SupervisorAssignment.objects.filter(ends_on__isnull=True).values_list("cell_id", flat=True))
        == commune_cells
    )
    handed = SupervisorAssignment.objects.get(ends_on__isnull=False)  # a cell handed over during the year
    assert (
        handed.cell == story.skipping
        and RoleGrant.objects.filter(user=handed.supervisor, ends_on=handed.ends_on).exists()
    )
    # A year of visits to the meetings held, what was seen and recommended, some follow-ups still due.
    visits = list(Visit.objects.filter(visitor=giamsat).select_related("meeting"))
    assert {v.cell_id for v in visits} == cells and len(visits) >= 3 * len(cells)
    assert all(v.attended and v.meeting.cell_id == v.cell_id and v.meeting.status == "closed" for v in visits)
    assert all(v.observations for v in visits) and any(v.recommendations for v in visits)
    assert any(v.follow_up_due and v.follow_up_done_on for v in visits)
    assert any(v.follow_up_due and v.follow_up_due <= AS_OF and not v.follow_up_done_on for v in visits)
    attended = Visit.objects.filter(attended=True, meeting__isnull=False).select_related("visitor")
    guests = set(Guest.objects.values_list("meeting_id", "name"))
    assert all((v.meeting_id, v.visitor.get_full_name()) in guests for v in attended)
    # The committee sees the cells nobody visited this quarter: the skipping cell among them, not all of them.
    quarter = Period.containing(QUARTER, AS_OF)
    unvisited = set(supervision.unvisited_cells(user("canbo"), commune, quarter).values_list("pk", flat=True))
    assert story.skipping.pk in unvisited and unvisited < commune_cells
    assert not unvisited & cells  # giamsat has been to each of their cells this quarter
    # The inspection commission's supervisions, by kiemtra, in the district.
    inspections = Visit.objects.filter(kind=Visit.Kind.INSPECTION)
    assert inspections.count() >= 2 and set(inspections.values_list("visitor__username", flat=True)) == {"kiemtra"}
    assert inspections.exclude(cell__path__startswith=commune.path).exists()
    assert len(supervision.supervision_page(giamsat, today=AS_OF)) == 3


@pytest.mark.django_db
def test_thresholds_and_briefings_of_the_committees(sample):
    commune, cell = demo_commune(), sample.story.falling
    rules = list(OversightRule.objects.applying_to(cell.path))
    assert {r.organization.depth for r in rules} == {2, 3}  # the district's (two versions) and the commune's own
    assert all(r.attendance_min == 85 and r.speaking_min == 90 for r in rules if r.effective_from.year == AS_OF.year)
    briefings = list(Briefing.objects.filter(committee=commune).order_by("month"))
    assert len(briefings) >= 12 and all(b.focus and b.held_on <= AS_OF for b in briefings)
    assert briefings[-1].month == month_of(AS_OF) or briefings[-1].month == add_months(month_of(AS_OF), -1)


@pytest.mark.django_db
def test_the_committee_pages_of_the_demo_open(sample, client):
    commune, story = demo_commune(), sample.story
    last_month = add_months(month_of(AS_OF), -1)
    client.force_login(user("canbo"))
    for url in (
        reverse("oversight:dashboard", args=[commune.pk]),
        reverse("oversight:dashboard", args=[story.falling.pk]),
        reverse("oversight:warnings", args=[commune.pk]),
        reverse("oversight:visits", args=[commune.pk]),
        reverse("oversight:assignments", args=[commune.pk]),
        reverse("oversight:briefing", args=[commune.pk, f"{last_month:%Y-%m}"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    client.force_login(user("giamsat"))
    response = client.get(reverse("oversight:supervision"))
    assert response.status_code == 200 and story.falling.name in response.content.decode()
