"""PT-KHOI-CQ: the Phú Thọ agencies' bloc. Categories, maxima and levels from DOMAIN.md §7; the split of each category
into items is ours. A library sheet: committee staff attach it to their subtree."""

from apps.quality.rules.rubrics.parts import ATTENDANCE_DETAIL, LEVELS_90, bool_item, judged

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
                bool_item("documents", "Tài liệu có trước 1 ngày", "documents_ready", 5, "tài liệu có trước 1 ngày"),
                bool_item("board", "Chi ủy họp trước", "board_met_first", 5, "chi ủy họp trước"),
                judged("preparation", "Nội dung chuẩn bị", 5),
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
                judged("content", "Nội dung, thảo luận, phê bình và tự phê bình", 25),
            ],
        },
        {
            "code": "closing",
            "title": "Kết thúc",
            "max_points": 20,
            "items": [
                bool_item("resolution_filed", "Nghị quyết trong 2 ngày", "resolution_filed", 5, "nghị quyết"),
                bool_item("minutes", "Biên bản thông qua", "minutes_adopted", 5, "biên bản thông qua"),
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
