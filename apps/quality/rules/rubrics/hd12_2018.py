"""HD12-2018: the older national criteria of Hướng dẫn 12 (2018) as a 100-point sheet of OUR OWN construction:
the guidance lists criteria, not points; the points per criterion are ours (docs/scoring.md). In force everywhere
until 27/10/2025."""

from apps.quality.rules.rubrics.parts import (
    ATTENDANCE_DETAIL,
    DURATION_DETAIL,
    LEVELS_90,
    RESULTS_DETAIL,
    ROLLUP_BY_HALF,
    SPEAKING_DETAIL,
    bool_item,
)

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
    "annual_rollup": ROLLUP_BY_HALF,
    "categories": [
        {
            "code": "preparation",
            "title": "Chuẩn bị",
            "max_points": 10,
            "items": [bool_item("board_met_first", "Chi ủy họp trước", "board_met_first", 10, "chi ủy họp trước")],
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
                bool_item("minutes", "Biên bản đầy đủ, được thông qua", "minutes_adopted", 10, "biên bản thông qua"),
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
