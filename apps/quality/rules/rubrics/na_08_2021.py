"""NA-08-2021: Nghệ An, Quy định 08-QĐ/TU (2021). Categories, maxima and levels from DOMAIN.md §7; the split of each
category into items is ours. A library sheet: committee staff attach it to their subtree."""

from apps.quality.rules.rubrics.parts import ATTENDANCE_DETAIL, ROLLUP_BY_HALF, SPEAKING_DETAIL, bool_item, judged

NA_08_2021 = {
    "code": "NA-08-2021",
    "name": "Nghệ An — Quy định 08-QĐ/TU (2021) về chấm điểm chất lượng sinh hoạt chi bộ",
    "effective_from": "2021-01-01",
    "effective_to": None,
    "meeting_kinds": ["regular"],
    "default_everywhere": False,
    "levels": [["tot", 80], ["kha", 70], ["trung_binh", 50], ["kem", 0]],
    "knockouts": [],
    "annual_rollup": ROLLUP_BY_HALF,
    "categories": [
        {
            "code": "preparation",
            "title": "Công tác chuẩn bị",
            "max_points": 20,
            "items": [
                bool_item("documents", "Tài liệu có trước 1 ngày", "documents_ready", 5, "tài liệu có trước 1 ngày"),
                bool_item("board", "Chi ủy họp trước", "board_met_first", 5, "chi ủy họp trước"),
                judged("preparation", "Nội dung chuẩn bị", 10),
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
                judged("content", "Nội dung, thảo luận, phê bình và tự phê bình", 30),
            ],
        },
        {
            "code": "principles",
            "title": "Nguyên tắc",
            "max_points": 15,
            "items": [judged("principles", "Thực hiện nguyên tắc sinh hoạt đảng", 15)],
        },
        {
            "code": "conclusion",
            "title": "Báo cáo, kết luận",
            "max_points": 10,
            "items": [
                bool_item("minutes", "Biên bản thông qua", "minutes_adopted", 3, "biên bản thông qua"),
                bool_item("resolution_filed", "Nghị quyết trong 2 ngày", "resolution_filed", 3, "nghị quyết"),
                judged("conclusion", "Chất lượng kết luận", 4),
            ],
        },
    ],
}
