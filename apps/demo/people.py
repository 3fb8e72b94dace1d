"""The demo's people: members with Vietnamese names (surname first) in every cell, their membership periods (a few
transferred during the year), exemptions of the elderly and ill, each cell's offices, and the members attending
another cell for a while."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from apps.common.text import search_key
from apps.members.models import Attachment, CellMembership, CellRole, Exemption, Member
from apps.members.rules.member import add_months
from apps.orgs.models import Organization

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Phan"] * 4
    + ["Vũ"] * 4
    + ["Đặng"] * 2
    + ["Bùi"] * 2
    + ["Đỗ"] * 2
    + ["Hồ"] * 2
    + ["Ngô"] * 2
    + ["Dương", "Lý", "Đinh", "Trịnh", "Đào", "Cao", "Lương", "Tạ", "Hà", "Kiều"]
)
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Đình", "Thanh", "Ngọc", "Mạnh", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Bích"]
GIVEN_MALE = [
    "Hùng",
    "Dũng",
    "Nam",
    "Sơn",
    "Tuấn",
    "Hải",
    "Long",
    "Thắng",
    "Cường",
    "Bình",
    "Quân",
    "Hiếu",
    "Trung",
    "Phúc",
    "Toàn",
    "Khánh",
    "Đạt",
    "Lâm",
    "Vinh",
    "Thành",
    "Huy",
    "Tùng",
    "Lợi",
    "Kiên",
]
GIVEN_FEMALE = [
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Hằng",
    "Nga",
    "Thủy",
    "Linh",
    "Trang",
    "Hà",
    "Yến",
    "Dung",
    "Loan",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Vân",
    "Xuân",
    "Hạnh",
    "Huyền",
    "Liên",
    "Ngân",
]
OCCUPATIONS = [
    "Cán bộ hưu trí",
    "Nông dân",
    "Giáo viên",
    "Công chức",
    "Viên chức",
    "Kinh doanh tự do",
    "Công nhân",
    "Bác sĩ",
    "Cựu chiến binh",
    "Cán bộ thôn",
    "Sinh viên",
    "Kỹ sư",
]
EXEMPT_REASONS = ["Tuổi cao, sức yếu", "Ốm đau dài ngày", "Tuổi cao (trên 80 tuổi)", "Điều trị bệnh dài ngày"]


def _cell_size(rng: random.Random) -> int:
    # Log-normal around a median of 20, clipped to the 3..60 seen in practice.
    return max(3, min(60, round(rng.lognormvariate(math.log(20), 0.5))))


def _person(rng: random.Random) -> tuple[str, str]:
    gender = "male" if rng.random() < 0.62 else "female"
    if gender == "male":
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    else:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
    return name, gender


@dataclass
class People:
    members: list[Member]
    by_cell: dict[int, list[Member]]  # the members by their cell's id, in the order of their insert
    memberships: list[CellMembership]
    exemptions: list[Exemption]
    cell_roles: list[CellRole]


def people_create(rng: random.Random, cells: list[Organization], *, seed: int, as_of: date) -> People:
    """The members of every cell, their membership periods, exemptions and the cells' offices, inserted."""
    members = _members(rng, cells, seed=seed, as_of=as_of)
    Member.objects.bulk_create(members, batch_size=2000)
    by_cell: dict[int, list[Member]] = {}
    for m in members:
        by_cell.setdefault(m.cell_id, []).append(m)
    memberships, exemptions = _periods(rng, cells, members, as_of=as_of)
    cell_roles = _offices(rng, by_cell, as_of=as_of)
    CellMembership.objects.bulk_create(memberships, batch_size=5000)
    Exemption.objects.bulk_create(exemptions, batch_size=5000)
    CellRole.objects.bulk_create(cell_roles, batch_size=5000)
    return People(members, by_cell, memberships, exemptions, cell_roles)


def _members(rng: random.Random, cells: list[Organization], *, seed: int, as_of: date) -> list[Member]:
    members: list[Member] = []
    card_no = 10_000_000 + seed * 1_000
    for cell in cells:
        for _ in range(_cell_size(rng)):
            name, gender = _person(rng)
            age = int(rng.triangular(22, 92, 62))
            dob = as_of - timedelta(days=age * 365 + rng.randint(0, 364))
            probationary = rng.random() < 0.05
            if probationary:
                admitted = as_of - timedelta(days=rng.randint(20, 420))
                official = None
            else:
                years = rng.randint(1, max(1, age - 19))
                admitted = max(
                    dob + timedelta(days=19 * 365), as_of - timedelta(days=years * 365 + rng.randint(0, 300))
                )
                admitted = min(admitted, as_of - timedelta(days=400))
                official = add_months(admitted, 12)
            card_no += 1
            members.append(
                Member(
                    cell=cell,
                    full_name=name,
                    full_name_search=search_key(name),
                    gender=gender,
                    date_of_birth=dob,
                    card_number=f"{card_no:08d}" if not probationary or rng.random() < 0.5 else None,
                    national_id=f"025{0 if gender == 'male' else 1}{dob.year % 100:02d}{card_no % 1_000_000:06d}"
                    if rng.random() < 0.8
                    else None,
                    admitted_on=admitted,
                    official_on=official,
                    status="probationary" if probationary else "official",
                    residence=f"{rng.choice(['Khu', 'Tổ dân phố', 'Thôn'])} {rng.randint(1, 12)}",
                    occupation="Cán bộ hưu trí" if age >= 62 and rng.random() < 0.7 else rng.choice(OCCUPATIONS),
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.85 else "",
                )
            )
    return members


def _periods(
    rng: random.Random, cells: list[Organization], members: list[Member], *, as_of: date
) -> tuple[list[CellMembership], list[Exemption]]:
    """Each member's membership periods (a few moved in during the year from another cell) and the exemptions."""
    memberships: list[CellMembership] = []
    exemptions: list[Exemption] = []
    year_start = date(as_of.year, 1, 1)
    cell_by_id = {c.pk: c for c in cells}
    for m in members:
        joined = max(m.admitted_on, as_of - timedelta(days=rng.randint(400, 9000)))
        if rng.random() < 0.03:  # transferred in during the year from another cell of the district
            other = cell_by_id[rng.choice(cells).pk]
            moved = year_start + timedelta(days=rng.randint(0, max(0, (as_of - year_start).days - 1)))
            if other.pk != m.cell_id and moved > joined:
                memberships.append(
                    CellMembership(
                        member=m,
                        cell=other,
                        joined_on=joined,
                        left_on=moved,
                        left_to=cell_by_id[m.cell_id].name,
                        note="Chuyển nơi cư trú",
                    )
                )
                memberships.append(
                    CellMembership(
                        member=m, cell_id=m.cell_id, joined_on=moved, joined_from=other.name, note="Chuyển nơi cư trú"
                    )
                )
                continue
        memberships.append(CellMembership(member=m, cell_id=m.cell_id, joined_on=joined))
        age = (as_of - m.date_of_birth).days // 365
        if m.status == "official" and (age >= 78 and rng.random() < 0.45 or rng.random() < 0.01):
            # Before the history begins (apps/demo/span.py: at most 13 months back): the meetings mark these members
            # "exempt" and their dues "exempt" in every month shown, so the exemption must cover them all. (The same
            # draw as before, clamped: another range would shift the generator and change the rest of the demo.)
            start = min(as_of - timedelta(days=rng.randint(30, 1500)), as_of - timedelta(days=400))
            exemptions.append(Exemption(member=m, starts_on=start, reason=rng.choice(EXEMPT_REASONS)))
    return memberships, exemptions


def _offices(rng: random.Random, by_cell: dict[int, list[Member]], *, as_of: date) -> list[CellRole]:
    """Each cell's secretary (a few replaced this year) and, in cells of nine official members or more, a board."""
    cell_roles: list[CellRole] = []
    for cell_id, cell_members in by_cell.items():
        officials = [
            m for m in cell_members if m.status == "official" and m.date_of_birth > as_of - timedelta(days=75 * 365)
        ]
        officials = officials or [m for m in cell_members if m.status == "official"] or cell_members
        term_start = date(2025, rng.choice([6, 7, 8]), rng.randint(1, 28))
        secretary = officials[0]
        if rng.random() < 0.08 and len(officials) > 1:  # secretary replaced this year
            change = date(as_of.year, rng.randint(2, max(2, as_of.month)), rng.randint(1, 28))
            change = min(change, as_of)
            cell_roles.append(
                CellRole(
                    member=officials[1],
                    cell_id=cell_id,
                    office="secretary",
                    starts_on=term_start,
                    ends_on=change - timedelta(days=1),
                )
            )
            cell_roles.append(CellRole(member=secretary, cell_id=cell_id, office="secretary", starts_on=change))
        else:
            cell_roles.append(CellRole(member=secretary, cell_id=cell_id, office="secretary", starts_on=term_start))
        if len([m for m in cell_members if m.status == "official"]) >= 9:
            board = officials[2 : 2 + rng.randint(2, 4)]
            if board:
                cell_roles.append(
                    CellRole(member=board[0], cell_id=cell_id, office="deputy_secretary", starts_on=term_start)
                )
                cell_roles += [
                    CellRole(member=b, cell_id=cell_id, office="board_member", starts_on=term_start) for b in board[1:]
                ]
    return cell_roles


def attachments_create(rng: random.Random, as_of: date, commune_cells, home_cell, by_cell, exempt_ids) -> None:
    """Two members of the demo commune meet with another of its cells for a few months from yesterday (sinh hoạt
    tạm thời): one of the demo cell (so today's roll call shows them as attached), one from elsewhere to the demo cell
    (so it lists a member attending without a vote there). Only from yesterday: the year's record stays as held."""
    others = [c for c in commune_cells if c.pk != home_cell.pk and by_cell.get(c.pk)]
    if not others:
        return
    home = [m for m in by_cell.get(home_cell.pk, []) if m.status == "official" and m.pk not in exempt_ids]
    guest_cell = rng.choice(others)
    visitors = [m for m in by_cell[guest_cell.pk] if m.pk not in exempt_ids]
    rows = []
    if len(home) > 3:
        rows.append(
            Attachment(
                member=home[-1],
                host=rng.choice(others),
                starts_on=as_of - timedelta(days=1),
                ends_on=as_of + timedelta(days=90),
                reason="Đi làm việc theo thời vụ ở địa phương khác",
            )
        )
    if visitors:
        rows.append(
            Attachment(
                member=visitors[-1],
                host=home_cell,
                starts_on=as_of - timedelta(days=1),
                ends_on=as_of + timedelta(days=120),
                reason="Công tác biệt phái tại thôn",
            )
        )
    Attachment.objects.bulk_create(rows)
