"""The demo's party tree: a province, its districts, their communes, agencies and cells, with treebeard's
materialized paths computed here so that the whole tree is one bulk insert. Each cell (and each agency's committee)
gets its kind of unit (``Organization.sector``, for the dashboards' breakdowns) from the name it is built with."""

from __future__ import annotations

import random

from apps.common.text import search_key
from apps.orgs.models import Organization

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


# The kind of unit of an agency, a school or an enterprise, by a word of its name (the first that matches wins).
SECTOR_WORDS = [
    ("Công an", Organization.Sector.ARMED),
    ("Quân sự", Organization.Sector.ARMED),
    ("Trường", Organization.Sector.SCHOOL),
    ("Y tế", Organization.Sector.SCHOOL),
    ("Bệnh viện", Organization.Sector.SCHOOL),
    ("Công ty", Organization.Sector.ENTERPRISE),
    ("Ngân hàng", Organization.Sector.ENTERPRISE),
    ("Bưu điện", Organization.Sector.ENTERPRISE),
    ("Điện lực", Organization.Sector.ENTERPRISE),
    ("Cơ quan", Organization.Sector.AGENCY),
    ("Phòng", Organization.Sector.AGENCY),
    ("Kho bạc", Organization.Sector.AGENCY),
    ("Chi cục", Organization.Sector.AGENCY),
    ("Hạt", Organization.Sector.AGENCY),
]
RESIDENTIAL_WORDS = ("Thôn", "Xóm", "Khu", "Tổ dân phố")


def sector_of(name: str) -> str:
    """The kind of unit a demo cell's or committee's name says: an agency, a school, an enterprise, the armed forces,
    a hamlet or residential group; blank for the territorial committees (province, district, commune)."""
    for word, sector in SECTOR_WORDS:
        if word in name:
            return sector
    if any(word in name for word in RESIDENTIAL_WORDS):
        return Organization.Sector.RESIDENTIAL
    return ""


class Tree:
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
        if kind == "cell" or level in ("Đảng bộ cơ sở", "Đảng bộ bộ phận"):
            node.sector = sector_of(name)
        self.rows.append(node)
        return node


def _district(
    tree: Tree,
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


def tree_create(rng: random.Random, *, profile: str) -> tuple[Organization, list[Organization], list[Organization]]:
    """The province's tree for the profile, inserted: its root, its cells, and every node."""
    tree = Tree()
    root = tree.add(None, kind="committee", code="PT", name="Đảng bộ tỉnh Phú Thọ", level="Đảng bộ tỉnh")
    cells: list[Organization] = []
    # "sample" is a small district (6 communes) for fast tests of the generator itself.
    districts, communes, agencies = {"district": (1, 34, 16), "province": (40, 34, 16), "sample": (1, 6, 3)}[profile]
    for d in range(districts):
        cells += _district(tree, rng, root, d, f"PT{d + 1:02d}", communes=communes, agencies=agencies)
    Organization.objects.bulk_create(tree.rows, batch_size=2000)
    # bulk_create returned the primary keys (PostgreSQL, SQLite >= 3.35).
    return root, cells, tree.rows


def demo_place(root: Organization, cells, by_cell) -> tuple[Organization, Organization, Organization]:
    """Where the demo accounts work: the first district, its second commune, and that commune's largest cell."""
    district = Organization.objects.get(path=root.path + "0001")
    commune = Organization.objects.filter(
        path__startswith=district.path, depth=district.depth + 1, kind="committee"
    ).order_by("path")[1]
    commune_cells = [c for c in cells if c.path.startswith(commune.path)]
    home_cell = max(commune_cells, key=lambda c: len(by_cell.get(c.pk, [])))
    return district, commune, home_cell
