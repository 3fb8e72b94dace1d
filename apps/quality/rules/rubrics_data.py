"""The rubrics shipped as data (DOMAIN.md §7), in the dict format of ``engine.spec.spec_from_dict`` — the same format
a committee imports from a JSON file (``rubric_import``). Loaded by migration 0002 through ``load_rubric``.

- HD12-2018: the older national criteria of Hướng dẫn 12 (2018) as a 100-point sheet of OUR OWN construction: the
  guidance lists criteria, not points; the points per criterion are ours (docs/scoring.md).
- HD42-PHUONG-2025: a ward sheet on Hướng dẫn 42 (2025) with the computed bands of DOMAIN.md §7, complete.
- NA-08-2021 (Nghệ An 08-QĐ/TU) and PT-KHOI-CQ (Phú Thọ agencies' bloc): categories, maxima and levels from §7;
  the split of each category into items is ours. They ship as a library (``default_everywhere`` False,
  ``applies_to`` empty): committee staff attach one to their subtree.

Metric names are those of apps/quality/queries/metrics.py. Percentages are 0–100.
"""

from __future__ import annotations

ATTENDANCE_DETAIL = "({attendance_present}/{attendance_expected}, {attendance_exempt_absent} miễn)"
SPEAKING_DETAIL = "({speakers}/{attendees})"
DURATION_DETAIL = "(định mức {duration_norm_minutes} phút)"
RESULTS_DETAIL = "(nhiệm vụ {tasks_done}/{tasks_due}, chỉ tiêu {targets_met}/{targets_due})"
LEVELS_90 = [["tot", 90], ["kha", 70], ["trung_binh", 50], ["kem", 0]]


def _bool_item(code: str, title: str, metric: str, points: int, label: str) -> dict:
    return {
        "code": code,
        "title": title,
        "kind": "computed",
        "max_points": points,
        "metric": metric,
        "bands": [[1, points]],
        "label": label,
    }


def _judged(code: str, title: str, points: int) -> dict:
    return {"code": code, "title": title, "kind": "judged_number", "max_points": points}


HD12_2018 = {
    "code": "HD12-2018",
    "name": "Tiêu chí buổi sinh hoạt chi bộ có chất lượng (Hướng dẫn 12-HD/BTCTW, 2018) — thang 100 điểm tự xây dựng",
    "effective_from": "2018-01-01",
    "effective_to": "2025-10-27",
    "meeting_kinds": ["regular", "thematic"],
    "default_everywhere": True,
    "levels": LEVELS_90,
    "knockouts": [
        {
            "code": "quality-needs-attendance",
            "title": "Có chất lượng (Tốt) cần dự họp trên 85% và không ai vắng không lý do",
            "max_level": "kha",
            "conditions": [["attendance_rate", "lte", 85], ["unexcused_absences", "gt", 0]],
        }
    ],
    "annual_rollup": {
        "tiers": [
            {"level": "tot", "all_at_least": "kha", "at_least_share": [["tot", 0.5]]},
            {"level": "kha", "all_at_least": "trung_binh", "at_least_share": [["kha", 0.5]]},
            {"level": "trung_binh", "at_least_share": [["trung_binh", 0.5]]},
        ],
        "otherwise": "kem",
    },
    "categories": [
        {
            "code": "preparation",
            "title": "Chuẩn bị",
            "max_points": 10,
            "items": [_bool_item("board_met_first", "Chi ủy họp trước", "board_met_first", 10, "chi ủy họp trước")],
        },
        {
            "code": "attendance",
            "title": "Dự họp",
            "max_points": 40,
            "items": [
                {
                    "code": "attendance_rate",
                    "title": "Đảng viên dự họp trên 85%",
                    "kind": "computed",
                    "max_points": 20,
                    "metric": "attendance_rate",
                    "bands": [[85, 20, "gt"], [70, 10]],
                    "label": "tỷ lệ dự họp",
                    "unit": "%",
                    "detail": ATTENDANCE_DETAIL,
                },
                {
                    "code": "no_unexcused",
                    "title": "Không có đảng viên vắng không lý do",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "unexcused_absences",
                    "op": "lte",
                    "bands": [[0, 10]],
                    "label": "vắng không lý do",
                },
                {
                    "code": "no_long_streak",
                    "title": "Không có đảng viên vắng có lý do quá 3 lần liên tiếp trong năm",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "max_excused_streak",
                    "op": "lte",
                    "bands": [[3, 10]],
                    "label": "số lần vắng có lý do liên tiếp nhiều nhất",
                },
            ],
        },
        {
            "code": "conduct",
            "title": "Tiến hành",
            "max_points": 30,
            "items": [
                {
                    "code": "duration",
                    "title": "Thời gian sinh hoạt từ 90 phút",
                    "kind": "computed",
                    "max_points": 15,
                    "metric": "duration_short_minutes",
                    "op": "lte",
                    "bands": [[0, 15], [15, 10], [30, 5]],
                    "label": "thiếu so với định mức (phút)",
                    "detail": DURATION_DETAIL,
                },
                {
                    "code": "speaking",
                    "title": "Nhiều đảng viên phát biểu",
                    "kind": "computed",
                    "max_points": 15,
                    "metric": "speaking_share",
                    "bands": [[50, 15], [30, 10], [10, 5]],
                    "label": "tỷ lệ phát biểu",
                    "unit": "%",
                    "detail": SPEAKING_DETAIL,
                },
            ],
        },
        {
            "code": "closing",
            "title": "Kết thúc",
            "max_points": 20,
            "items": [
                _bool_item("minutes", "Biên bản đầy đủ, được thông qua", "minutes_adopted", 10, "biên bản thông qua"),
                {
                    "code": "carried_out",
                    "title": "Nghị quyết tháng trước được thực hiện",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "results_share",
                    "bands": [[90, 10], [70, 7], [50, 4]],
                    "label": "kết quả thực hiện nghị quyết tháng trước",
                    "unit": "%",
                    "detail": RESULTS_DETAIL,
                },
            ],
        },
    ],
}

HD42_PHUONG_2025 = {
    "code": "HD42-PHUONG-2025",
    "name": "Phiếu chấm điểm chất lượng sinh hoạt chi bộ (phường, theo Hướng dẫn 42-HD/BTCTW, 2025)",
    "effective_from": "2025-10-28",
    "effective_to": None,
    "meeting_kinds": ["regular", "thematic"],
    "default_everywhere": True,
    "levels": LEVELS_90,
    "knockouts": [
        {
            "code": "tot-needs-full-marks",
            "title": "Tốt cần từ 90 điểm và đạt điểm tối đa về dự họp, thời lượng, phát biểu và biên bản",
            "max_level": "kha",
            "items_full": ["attendance", "duration", "speaking", "minutes"],
        }
    ],
    "annual_rollup": {
        "tiers": [
            {"level": "tot", "all_at_least": "kha", "at_least_share": [["tot", 0.5]]},
            {"level": "kha", "all_at_least": "trung_binh", "at_least_share": [["kha", 0.5]]},
            {"level": "trung_binh", "at_least_share": [["trung_binh", 0.5]]},
        ],
        "otherwise": "kem",
    },
    "categories": [
        {
            "code": "duration",
            "title": "Thời lượng",
            "max_points": 5,
            "items": [
                {
                    "code": "duration",
                    "title": "Thời lượng so với định mức",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "duration_short_minutes",
                    "op": "lte",
                    # full → 5, short ≤15 min → 4, 15–30 → 3, more than 30 but at least half the norm → 2
                    "bands": [[0, 5], [15, 4], [30, 3], [100000, 2]],
                    # less than half the norm → 1
                    "caps": [["duration_percent_of_norm", "lt", 50, 1]],
                    "label": "thiếu so với định mức (phút)",
                    "detail": DURATION_DETAIL,
                }
            ],
        },
        {
            "code": "attendance",
            "title": "Dự họp",
            "max_points": 5,
            "items": [
                {
                    "code": "attendance",
                    "title": "Tỷ lệ đảng viên dự họp",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "attendance_rate",
                    "bands": [[90, 4], [75, 3], [65, 2], [0, 1]],
                    "caps": [["unexcused_absences", "gt", 0, 1]],
                    "bonuses": [["max_excused_streak", "lte", 3, 1]],
                    "label": "tỷ lệ dự họp",
                    "unit": "%",
                    "detail": ATTENDANCE_DETAIL,
                }
            ],
        },
        {
            "code": "preparation",
            "title": "Chuẩn bị",
            "max_points": 10,
            "items": [
                _bool_item(
                    "documents",
                    "Tài liệu gửi đảng viên trước ít nhất 1 ngày",
                    "documents_ready",
                    4,
                    "tài liệu có trước 1 ngày",
                ),
                _bool_item("board", "Chi ủy họp trước để chuẩn bị", "board_met_first", 3, "chi ủy họp trước"),
                {
                    "code": "preparation_checklist",
                    "title": "Phân công chuẩn bị và thông báo",
                    "kind": "judged_checklist",
                    "max_points": 3,
                    "checklist": [
                        ["Phân công người chuẩn bị báo cáo, dự thảo nghị quyết", 1],
                        ["Thông báo thời gian, địa điểm, nội dung cho đảng viên và cấp ủy viên phụ trách", 1],
                        ["Bí thư trực tiếp chỉ đạo chuẩn bị nội dung", 1],
                    ],
                },
            ],
        },
        {
            "code": "conduct",
            "title": "Tiến hành",
            "max_points": 30,
            "items": [
                {
                    "code": "speaking",
                    "title": "Tỷ lệ đảng viên dự họp phát biểu",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "speaking_share",
                    "bands": [[50, 5, "gt"], [40, 4], [30, 3], [0, 2]],
                    "label": "tỷ lệ phát biểu",
                    "unit": "%",
                    "detail": SPEAKING_DETAIL,
                },
                {
                    "code": "order_of_business",
                    "title": "Trình tự sinh hoạt đủ các bước",
                    "kind": "judged_checklist",
                    "max_points": 10,
                    "checklist": [
                        ["Khai mạc: lý do, đại biểu, thư ký, báo cáo tình hình đảng viên, đảng phí", 2],
                        ["Báo cáo kết quả tháng trước theo từng nhiệm vụ", 3],
                        ["Thông tin thời sự, văn bản cấp trên", 2],
                        ["Biểu dương, phê bình đảng viên", 3],
                    ],
                },
                _judged("discussion", "Chất lượng thảo luận, tự phê bình và phê bình", 15),
            ],
        },
        {
            "code": "chairing",
            "title": "Điều hành",
            "max_points": 10,
            "items": [_judged("chairing", "Chủ trì điều hành, kết luận", 10)],
        },
        {
            "code": "principles",
            "title": "Nguyên tắc",
            "max_points": 5,
            "items": [_judged("principles", "Bảo đảm nguyên tắc tập trung dân chủ", 5)],
        },
        {
            "code": "results",
            "title": "Kết quả thực hiện nghị quyết tháng trước",
            "max_points": 30,
            "items": [
                {
                    "code": "results",
                    "title": "Tỷ lệ nhiệm vụ, chỉ tiêu tháng trước hoàn thành",
                    "kind": "computed",
                    "max_points": 30,
                    "metric": "results_share",
                    "bands": [[90, 30], [80, 27], [70, 24], [60, 20], [50, 15], [0, 10]],
                    "label": "kết quả tháng trước",
                    "unit": "%",
                    "detail": RESULTS_DETAIL,
                }
            ],
        },
        {
            "code": "closing",
            "title": "Kết thúc",
            "max_points": 5,
            "items": [
                _bool_item(
                    "resolution_filed",
                    "Nghị quyết ban hành trong 2 ngày",
                    "resolution_filed",
                    2,
                    "nghị quyết trong 2 ngày",
                ),
                _bool_item("minutes", "Biên bản được thông qua", "minutes_adopted", 2, "biên bản thông qua"),
                {
                    "code": "closing_checklist",
                    "title": "Giao nhiệm vụ có thời hạn, biểu quyết, chấm điểm",
                    "kind": "judged_checklist",
                    "max_points": 1,
                    "checklist": [["Giao nhiệm vụ có thời hạn, biểu quyết nghị quyết và tự chấm điểm", 1]],
                },
            ],
        },
    ],
}

NA_08_2021 = {
    "code": "NA-08-2021",
    "name": "Nghệ An — Quy định 08-QĐ/TU (2021) về chấm điểm chất lượng sinh hoạt chi bộ",
    "effective_from": "2021-01-01",
    "effective_to": None,
    "meeting_kinds": ["regular"],
    "default_everywhere": False,
    "levels": [["tot", 80], ["kha", 70], ["trung_binh", 50], ["kem", 0]],
    "knockouts": [],
    "annual_rollup": {
        "tiers": [
            {"level": "tot", "all_at_least": "kha", "at_least_share": [["tot", 0.5]]},
            {"level": "kha", "all_at_least": "trung_binh", "at_least_share": [["kha", 0.5]]},
            {"level": "trung_binh", "at_least_share": [["trung_binh", 0.5]]},
        ],
        "otherwise": "kem",
    },
    "categories": [
        {
            "code": "preparation",
            "title": "Công tác chuẩn bị",
            "max_points": 20,
            "items": [
                _bool_item("documents", "Tài liệu có trước 1 ngày", "documents_ready", 5, "tài liệu có trước 1 ngày"),
                _bool_item("board", "Chi ủy họp trước", "board_met_first", 5, "chi ủy họp trước"),
                _judged("preparation", "Nội dung chuẩn bị", 10),
            ],
        },
        {
            "code": "attendance",
            "title": "Dự họp",
            "max_points": 10,
            "items": [
                {
                    "code": "attendance",
                    "title": "Tỷ lệ dự họp",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "attendance_rate",
                    "bands": [[90, 10], [80, 8], [70, 6], [50, 4], [0, 2]],
                    "caps": [["unexcused_absences", "gt", 0, 5]],
                    "label": "tỷ lệ dự họp",
                    "unit": "%",
                    "detail": ATTENDANCE_DETAIL,
                }
            ],
        },
        {
            "code": "conduct",
            "title": "Tiến hành sinh hoạt",
            "max_points": 45,
            "items": [
                {
                    "code": "duration",
                    "title": "Thời lượng",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "duration_short_minutes",
                    "op": "lte",
                    "bands": [[0, 5], [15, 3], [30, 1]],
                    "label": "thiếu so với định mức (phút)",
                },
                {
                    "code": "speaking",
                    "title": "Đảng viên phát biểu",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "speaking_share",
                    "bands": [[50, 10], [40, 8], [30, 6], [0, 3]],
                    "label": "tỷ lệ phát biểu",
                    "unit": "%",
                    "detail": SPEAKING_DETAIL,
                },
                _judged("content", "Nội dung, thảo luận, phê bình và tự phê bình", 30),
            ],
        },
        {
            "code": "principles",
            "title": "Nguyên tắc",
            "max_points": 15,
            "items": [_judged("principles", "Thực hiện nguyên tắc sinh hoạt đảng", 15)],
        },
        {
            "code": "conclusion",
            "title": "Báo cáo, kết luận",
            "max_points": 10,
            "items": [
                _bool_item("minutes", "Biên bản thông qua", "minutes_adopted", 3, "biên bản thông qua"),
                _bool_item("resolution_filed", "Nghị quyết trong 2 ngày", "resolution_filed", 3, "nghị quyết"),
                _judged("conclusion", "Chất lượng kết luận", 4),
            ],
        },
    ],
}

PT_KHOI_CQ = {
    "code": "PT-KHOI-CQ",
    "name": "Phú Thọ — khối cơ quan: chấm điểm chất lượng sinh hoạt chi bộ",
    "effective_from": "2020-01-01",
    "effective_to": None,
    "meeting_kinds": ["regular"],
    "default_everywhere": False,
    "levels": LEVELS_90,
    "knockouts": [],
    # The year is Tốt only if every regular meeting was Khá or better and at least 7 were Tốt (DOMAIN.md §7);
    # the lower tiers are our construction.
    "annual_rollup": {
        "tiers": [
            {"level": "tot", "all_at_least": "kha", "at_least": [["tot", 7]]},
            {"level": "kha", "all_at_least": "trung_binh", "at_least": [["kha", 7]]},
            {"level": "trung_binh", "at_least_share": [["trung_binh", 0.5]]},
        ],
        "otherwise": "kem",
    },
    "categories": [
        {
            "code": "preparation",
            "title": "Chuẩn bị",
            "max_points": 15,
            "items": [
                _bool_item("documents", "Tài liệu có trước 1 ngày", "documents_ready", 5, "tài liệu có trước 1 ngày"),
                _bool_item("board", "Chi ủy họp trước", "board_met_first", 5, "chi ủy họp trước"),
                _judged("preparation", "Nội dung chuẩn bị", 5),
            ],
        },
        {
            "code": "attendance",
            "title": "Dự họp",
            "max_points": 20,
            "items": [
                {
                    "code": "attendance",
                    "title": "Tỷ lệ dự họp",
                    "kind": "computed",
                    "max_points": 15,
                    "metric": "attendance_rate",
                    "bands": [[95, 15], [90, 13], [80, 10], [70, 6], [0, 2]],
                    "label": "tỷ lệ dự họp",
                    "unit": "%",
                    "detail": ATTENDANCE_DETAIL,
                },
                {
                    "code": "no_unexcused",
                    "title": "Không có vắng không lý do",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "unexcused_absences",
                    "op": "lte",
                    "bands": [[0, 5]],
                    "label": "vắng không lý do",
                },
            ],
        },
        {
            "code": "conduct",
            "title": "Tiến hành",
            "max_points": 45,
            "items": [
                {
                    "code": "duration",
                    "title": "Thời lượng",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "duration_short_minutes",
                    "op": "lte",
                    "bands": [[0, 10], [15, 7], [30, 4]],
                    "label": "thiếu so với định mức (phút)",
                },
                {
                    "code": "speaking",
                    "title": "Đảng viên phát biểu",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "speaking_share",
                    "bands": [[50, 10], [40, 8], [30, 6], [0, 3]],
                    "label": "tỷ lệ phát biểu",
                    "unit": "%",
                },
                _judged("content", "Nội dung, thảo luận, phê bình và tự phê bình", 25),
            ],
        },
        {
            "code": "closing",
            "title": "Kết thúc",
            "max_points": 20,
            "items": [
                _bool_item("resolution_filed", "Nghị quyết trong 2 ngày", "resolution_filed", 5, "nghị quyết"),
                _bool_item("minutes", "Biên bản thông qua", "minutes_adopted", 5, "biên bản thông qua"),
                {
                    "code": "results",
                    "title": "Kết quả thực hiện nghị quyết tháng trước",
                    "kind": "computed",
                    "max_points": 10,
                    "metric": "results_share",
                    "bands": [[90, 10], [70, 7], [50, 4], [0, 2]],
                    "label": "kết quả tháng trước",
                    "unit": "%",
                },
            ],
        },
    ],
}

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
