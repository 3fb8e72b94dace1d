"""Deterministic demo data: a realistic district (or a province of ~40 districts) with a year of history, its
meetings scored (apps/demo/quality.py) and the annual grading under way (apps/demo/grading.py).

Everything is generated from one ``random.Random(seed)`` and an ``as_of`` date, and written with bulk inserts
(tree paths computed here, in treebeard's materialized-path format), so the province profile takes minutes.
"""

from __future__ import annotations

import gc
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.common.scoping import Role
from apps.common.text import search_key
from apps.members.models import CellMembership, CellRole, Exemption, Member
from apps.members.rules.member import add_months
from apps.orgs.models import Organization, RoleGrant

DEMO_PASSWORD = "chibo-demo-2026"

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
COMMUNES = [
    "Tân Lập",
    "Thục Luyện",
    "Võ Miếu",
    "Địch Quả",
    "Hương Cần",
    "Yên Lương",
    "Yên Lãng",
    "Tất Thắng",
    "Cự Thắng",
    "Văn Miếu",
    "Thạch Khoán",
    "Sơn Hùng",
    "Giáp Lai",
    "Khả Cửu",
    "Đông Cửu",
    "Thượng Cửu",
    "Tinh Nhuệ",
    "Lương Nha",
    "Tân Minh",
    "Tân Phú",
    "Xuân Đài",
    "Kim Thượng",
    "Xuân Sơn",
    "Long Cốc",
    "Minh Đài",
    "Mỹ Thuận",
    "Thu Cúc",
    "Thạch Kiệt",
    "Xuân Thủy",
    "Hương Xạ",
    "Phương Xá",
    "Vạn Xuân",
    "Hoàng Xá",
    "Đào Xá",
    "Tu Vũ",
    "Đồng Trung",
    "Hùng Lô",
    "Phú Lộc",
    "Chu Hóa",
    "Thanh Đình",
]
AGENCIES = [
    "Cơ quan Ủy ban nhân dân huyện",
    "Trường THPT Thanh Sơn",
    "Trung tâm Y tế huyện",
    "Công an huyện",
    "Ban Chỉ huy Quân sự huyện",
    "Chi nhánh Ngân hàng Chính sách",
    "Trường THCS Thị trấn",
    "Trường Tiểu học Kim Đồng",
    "Phòng Giáo dục và Đào tạo",
    "Kho bạc Nhà nước huyện",
    "Chi cục Thuế",
    "Bệnh viện Đa khoa huyện",
    "Hạt Kiểm lâm",
    "Bưu điện huyện",
    "Điện lực huyện",
    "Công ty Chè Phú Đa",
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


@dataclass
class Counter:
    orgs: int = 0
    members: int = 0
    memberships: int = 0
    exemptions: int = 0
    cell_roles: int = 0
    users: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    history: object = None
    followup: dict = field(default_factory=dict)
    scores: object = None  # apps.demo.quality.ScoreCounts
    ratings: object = None  # apps.demo.grading.RatingCounts
    dues: object = None  # apps.demo.members.DuesCounts


class _Tree:
    """Builds Organization rows with treebeard-compatible paths, to be bulk-inserted."""

    def __init__(self):
        self.rows: list[Organization] = []
        self.child_count: dict[str, int] = {}
        self.root_count = 0

    def add(self, parent: Organization | None, *, kind: str, code: str, name: str, level: str) -> Organization:
        if parent is None:
            self.root_count += 1
            path, depth = Organization._get_path(None, 1, self.root_count), 1
        else:
            n = self.child_count.get(parent.path, 0) + 1
            self.child_count[parent.path] = n
            parent.numchild = n
            path, depth = Organization._get_path(parent.path, parent.depth + 1, n), parent.depth + 1
        node = Organization(
            path=path,
            depth=depth,
            numchild=0,
            kind=kind,
            code=code,
            name=name,
            name_search=search_key(name),
            level_label=level,
        )
        self.rows.append(node)
        return node


def _cell_size(rng: random.Random) -> int:
    # Log-normal around a median of 20, clipped to the 3..60 seen in practice.
    return max(3, min(60, round(rng.lognormvariate(math.log(20), 0.5))))


def _district(
    tree: _Tree,
    rng: random.Random,
    parent: Organization,
    index: int,
    prefix: str,
    *,
    communes: int = 34,
    agencies: int = 16,
) -> list[Organization]:
    """One district: ~38 grassroots committees and ~12 grassroots cells, ~215 cells in all."""
    district_names = [
        "Thanh Sơn",
        "Tân Sơn",
        "Yên Lập",
        "Cẩm Khê",
        "Hạ Hòa",
        "Thanh Ba",
        "Đoan Hùng",
        "Lâm Thao",
        "Phù Ninh",
        "Tam Nông",
        "Thanh Thủy",
        "Việt Trì",
        "Phú Thọ",
    ]
    dname = district_names[index % len(district_names)] + (
        f" {index // len(district_names) + 1}" if index >= len(district_names) else ""
    )
    district = tree.add(
        parent, kind="committee", code=f"{prefix}H", name=f"Đảng bộ huyện {dname}", level="Đảng bộ huyện"
    )
    cells: list[Organization] = []
    n_communes = communes
    for c in range(n_communes):
        commune_name = COMMUNES[c % len(COMMUNES)]
        is_town = c == 0
        commune = tree.add(
            district,
            kind="committee",
            code=f"{prefix}X{c + 1:02d}",
            name=("Đảng bộ thị trấn " if is_town else "Đảng bộ xã ") + commune_name,
            level="Đảng bộ cơ sở",
        )
        holder = commune
        n_cells = rng.randint(3, 5)
        for k in range(n_cells):
            if c % 9 == 4 and k == n_cells - 2:  # a few communes keep a sub-committee (đảng bộ bộ phận)
                holder = tree.add(
                    commune,
                    kind="committee",
                    code=f"{prefix}X{c + 1:02d}B",
                    name=f"Đảng bộ bộ phận Khu dân cư số {k + 1} {commune_name}",
                    level="Đảng bộ bộ phận",
                )
            label = f"Khu {k + 1}" if is_town else rng.choice(["Thôn", "Xóm", "Khu"]) + f" {k + 1}"
            cell = tree.add(
                holder,
                kind="cell",
                code=f"{prefix}X{c + 1:02d}C{k + 1:02d}",
                name=f"Chi bộ {label} {commune_name}",
                level="Chi bộ trực thuộc",
            )
            cells.append(cell)
        # Commune agencies and schools each have their own cell.
        for k, agency in enumerate(["Cơ quan", "Trường Tiểu học", "Trường Mầm non"][: rng.randint(1, 2)]):
            cells.append(
                tree.add(
                    commune,
                    kind="cell",
                    code=f"{prefix}X{c + 1:02d}Q{k + 1}",
                    name=f"Chi bộ {agency} {commune_name}",
                    level="Chi bộ trực thuộc",
                )
            )
    for a, agency in enumerate(AGENCIES[:agencies]):
        if a < 4:  # larger agencies are grassroots committees with several cells
            committee = tree.add(
                district,
                kind="committee",
                code=f"{prefix}A{a + 1:02d}",
                name=f"Đảng bộ {agency}",
                level="Đảng bộ cơ sở",
            )
            for k in range(rng.randint(2, 4)):
                cells.append(
                    tree.add(
                        committee,
                        kind="cell",
                        code=f"{prefix}A{a + 1:02d}C{k + 1}",
                        name=f"Chi bộ {k + 1} {agency}",
                        level="Chi bộ trực thuộc",
                    )
                )
        else:
            cells.append(
                tree.add(
                    district, kind="cell", code=f"{prefix}A{a + 1:02d}", name=f"Chi bộ {agency}", level="Chi bộ cơ sở"
                )
            )
    return cells


def _person(rng: random.Random) -> tuple[str, str]:
    gender = "male" if rng.random() < 0.62 else "female"
    if gender == "male":
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    else:
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
    return name, gender


def build(*, profile: str = "district", seed: int = 1, as_of: date, with_accounts: bool = True) -> Counter:
    # The generation allocates millions of objects that mostly live until their bulk insert: with the default
    # gen-0 threshold (700) the cycle collector runs tens of thousands of times for nothing (~15% of the time).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _build(profile=profile, seed=seed, as_of=as_of, with_accounts=with_accounts)
    finally:
        gc.set_threshold(*thresholds)


@transaction.atomic
def _build(*, profile: str, seed: int, as_of: date, with_accounts: bool) -> Counter:
    rng = random.Random(seed)
    tree = _Tree()
    counter = Counter()
    root = tree.add(None, kind="committee", code="PT", name="Đảng bộ tỉnh Phú Thọ", level="Đảng bộ tỉnh")
    cells: list[Organization] = []
    # "sample" is a small district (6 communes) for fast tests of the generator itself.
    districts, communes, agencies = {"district": (1, 34, 16), "province": (40, 34, 16), "sample": (1, 6, 3)}[profile]
    for d in range(districts):
        cells += _district(tree, rng, root, d, f"PT{d + 1:02d}", communes=communes, agencies=agencies)
    Organization.objects.bulk_create(tree.rows, batch_size=2000)
    counter.orgs = len(tree.rows)
    # bulk_create returned the primary keys (PostgreSQL, SQLite >= 3.35).

    members: list[Member] = []
    member_cell: list[Organization] = []
    card_no = 10_000_000 + seed * 1_000
    year_start = date(as_of.year, 1, 1)
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
            member_cell.append(cell)
    Member.objects.bulk_create(members, batch_size=2000)
    counter.members = len(members)

    memberships: list[CellMembership] = []
    exemptions: list[Exemption] = []
    cell_roles: list[CellRole] = []
    by_cell: dict[int, list[Member]] = {}
    for m in members:
        by_cell.setdefault(m.cell_id, []).append(m)
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
            start = as_of - timedelta(days=rng.randint(30, 1500))
            exemptions.append(Exemption(member=m, starts_on=start, reason=rng.choice(EXEMPT_REASONS)))
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
    CellMembership.objects.bulk_create(memberships, batch_size=5000)
    Exemption.objects.bulk_create(exemptions, batch_size=5000)
    CellRole.objects.bulk_create(cell_roles, batch_size=5000)
    counter.memberships, counter.exemptions, counter.cell_roles = len(memberships), len(exemptions), len(cell_roles)
    from apps.demo.meetings import build_history

    secretaries = {r.cell_id: r.member for r in cell_roles if r.office == "secretary" and r.ends_on is None}
    exempt_ids = {e.member_id for e in exemptions if e.ends_on is None}
    from apps.demo.quality import diligence_of

    diligence = {c.pk: diligence_of(rng) for c in cells}  # one character per cell for meetings, tasks and scores
    district, commune, home_cell = _demo_place(root, cells, by_cell)
    counter.history = build_history(
        rng=rng,
        cells=cells,
        by_cell=by_cell,
        exempt_ids=exempt_ids,
        secretaries=secretaries,
        as_of=as_of,
        diligence=diligence,
        today_cell=home_cell if with_accounts else None,
    )
    from apps.demo.resolutions import build_followup

    counter.followup = build_followup(rng=rng, as_of=as_of, diligence=diligence)
    from apps.meetings.models import DocumentNumber, Meeting, Minutes
    from apps.meetings.services.docs import document_numbers_backfill
    from apps.resolutions.models import Resolution

    # Minutes and resolutions were adopted in bulk: number them in the order of their adoption, as adoption does.
    document_numbers_backfill(DocumentNumber=DocumentNumber, Meeting=Meeting, Minutes=Minutes, Resolution=Resolution)
    from apps.demo.members import build_dues

    counter.dues = build_dues(
        rng=rng,
        as_of=as_of,
        root=root,
        cells=cells,
        by_cell=by_cell,
        exempt_ids=exempt_ids,
        diligence=diligence,
    )
    users = _accounts(counter, root, district, commune, home_cell, cells, by_cell, cell_roles) if with_accounts else {}
    _attachments(rng, as_of, [c for c in cells if c.path.startswith(commune.path)], home_cell, by_cell, exempt_ids)
    from apps.demo.quality import attach_agency_sheet, build_scores

    attach_agency_sheet(tree.rows)
    supervised = [c for c in cells if c.path.startswith(commune.path)][:3]
    counter.scores = build_scores(
        rng=rng,
        as_of=as_of,
        cells=cells,
        supervisors={c.pk: users["giamsat"] for c in supervised} if users else {},
        secretaries={home_cell.pk: users["bithu"]} if users else {},
        diligence=diligence,
    )
    from apps.demo.grading import build_ratings

    counter.ratings = build_ratings(
        rng=rng, as_of=as_of, district=district, home_commune=commune, home_cell=home_cell, users=users
    )
    return counter


def _attachments(rng: random.Random, as_of: date, commune_cells, home_cell, by_cell, exempt_ids) -> None:
    """Two members of the demo commune meet with another of its cells for a few months from yesterday (sinh hoạt
    tạm thời): one of the demo cell (so today's roll call shows them as attached), one from elsewhere to the demo cell
    (so it lists a member attending without a vote there). Only from yesterday: the year's record stays as held."""
    from apps.members.models import Attachment

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


def _demo_place(root: Organization, cells, by_cell) -> tuple[Organization, Organization, Organization]:
    """Where the demo accounts work: the first district, its second commune, and that commune's largest cell."""
    district = Organization.objects.get(path=root.path + "0001")
    commune = Organization.objects.filter(
        path__startswith=district.path, depth=district.depth + 1, kind="committee"
    ).order_by("path")[1]
    commune_cells = [c for c in cells if c.path.startswith(commune.path)]
    home_cell = max(commune_cells, key=lambda c: len(by_cell.get(c.pk, [])))
    return district, commune, home_cell


def _accounts(counter: Counter, root, district, commune, home_cell, cells, by_cell, cell_roles) -> dict[str, object]:
    """One demo login per role, all inside the same commune so that their views overlap as in real life."""
    User = get_user_model()
    commune_cells = [c for c in cells if c.path.startswith(commune.path)]
    secretary_role = next(
        r for r in cell_roles if r.cell_id == home_cell.pk and r.office == "secretary" and r.ends_on is None
    )
    plain_member = next(m for m in by_cell[home_cell.pk] if m.pk != secretary_role.member.pk and m.status == "official")
    term = date(2025, 7, 1)

    def user(username: str, full_name: str, **extra):
        # Vietnamese names are written surname first: keep the whole name in first_name, so that
        # get_full_name() shows it in the right order.
        u = User(username=username, first_name=full_name, last_name="", **extra)
        u.set_password(DEMO_PASSWORD)
        u.save()
        counter.users += 1
        return u

    admin = user("quantri", "Quản trị hệ thống", is_staff=True, is_superuser=True)
    RoleGrant.objects.create(user=admin, organization=root, role=Role.ADMIN, starts_on=term)
    staff = user("canbo", "Trần Thu Hà")
    RoleGrant.objects.create(user=staff, organization=commune, role=Role.COMMITTEE_STAFF, starts_on=term)
    secretary = user("bithu", secretary_role.member.full_name)
    Member.objects.filter(pk=secretary_role.member.pk).update(user=secretary)
    RoleGrant.objects.create(user=secretary, organization=home_cell, role=Role.MEMBER, starts_on=term)
    RoleGrant.objects.create(
        user=secretary, organization=home_cell, role=Role.CELL_SECRETARY, starts_on=secretary_role.starts_on
    )
    member = user("dangvien", plain_member.full_name)
    Member.objects.filter(pk=plain_member.pk).update(user=member)
    RoleGrant.objects.create(user=member, organization=home_cell, role=Role.MEMBER, starts_on=term)
    supervisor = user("giamsat", "Lê Văn Dũng")
    for c in commune_cells[:3]:
        RoleGrant.objects.create(user=supervisor, organization=c, role=Role.SUPERVISOR, starts_on=term)
    inspector = user("kiemtra", "Phạm Thanh Bình")
    RoleGrant.objects.create(user=inspector, organization=district, role=Role.INSPECTION, starts_on=term)
    counter.logins = [
        ("quantri", str(Role.ADMIN.label), root.name),
        ("canbo", str(Role.COMMITTEE_STAFF.label), commune.name),
        ("bithu", str(Role.CELL_SECRETARY.label), home_cell.name),
        ("dangvien", str(Role.MEMBER.label), home_cell.name),
        ("giamsat", str(Role.SUPERVISOR.label), ", ".join(c.name for c in commune_cells[:3])),
        ("kiemtra", str(Role.INSPECTION.label), district.name),
    ]
    return {"quantri": admin, "canbo": staff, "bithu": secretary, "dangvien": member, "giamsat": supervisor}
