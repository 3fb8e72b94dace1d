"""The rubrics shipped as data (DOMAIN.md §7), in the dict format of ``engine.spec.spec_from_dict`` — the same format
a committee imports from a JSON file (``rubric_import``). Loaded by migration 0002 through ``load_rubric``.

- HD12-2018: the older national criteria of Hướng dẫn 12 (2018) as a 100-point sheet of OUR OWN construction: the
  guidance lists criteria, not points; the points per criterion are ours (docs/scoring.md).
- HD42-PHUONG-2025: a ward sheet on Hướng dẫn 42 (2025) with the computed bands of DOMAIN.md §7, complete.
- NA-08-2021 (Nghệ An 08-QĐ/TU) and PT-KHOI-CQ (Phú Thọ agencies' bloc): categories, maxima and levels from §7;
  the split of each category into items is ours. They ship as a library (``default_everywhere`` False,
  ``applies_to`` empty): committee staff attach one to their subtree.

Each sheet is a module of this package. Metric names are those of apps/quality/queries/metrics.py. Percentages are
0–100.
"""

from apps.quality.rules.rubrics.hd12_2018 import HD12_2018
from apps.quality.rules.rubrics.hd42_phuong_2025 import HD42_PHUONG_2025
from apps.quality.rules.rubrics.na_08_2021 import NA_08_2021
from apps.quality.rules.rubrics.pt_khoi_cq import PT_KHOI_CQ

SHIPPED = [HD12_2018, HD42_PHUONG_2025, NA_08_2021, PT_KHOI_CQ]


def load_rubric(data: dict, *, Rubric, RubricCategory, RubricItem, issuer=None, applies_to=None):  # noqa: N803
    """Create one rubric (version 1) with its categories and items from the dict format. Takes the model classes so
    that the data migration (historical models) and ``services.rubric_import`` (live models) share it."""
    rubric = Rubric.objects.create(
        issuer=issuer,
        applies_to=applies_to,
        code=data["code"],
        name=data["name"],
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
        meeting_kinds=list(data.get("meeting_kinds", ["regular"])),
        default_everywhere=data.get("default_everywhere", False),
        levels=data["levels"],
        knockouts=data.get("knockouts", []),
        annual_rollup=data.get("annual_rollup", {}),
        version=data.get("version", 1),
    )
    for position, cat in enumerate(data["categories"], start=1):
        category = RubricCategory.objects.create(
            rubric=rubric, code=cat["code"], title=cat["title"], max_points=cat["max_points"], position=position
        )
        for item_position, item in enumerate(cat["items"], start=1):
            RubricItem.objects.create(
                category=category,
                position=item_position,
                code=item["code"],
                title=item["title"],
                kind=item["kind"],
                max_points=item["max_points"],
                metric=item.get("metric", ""),
                op=item.get("op", "gte"),
                bands=item.get("bands", []),
                caps=item.get("caps", []),
                bonuses=item.get("bonuses", []),
                checklist=item.get("checklist", []),
                label=item.get("label", ""),
                unit=item.get("unit", ""),
                detail=item.get("detail", ""),
                missing_points=item.get("missing_points", 0),
            )
    return rubric
