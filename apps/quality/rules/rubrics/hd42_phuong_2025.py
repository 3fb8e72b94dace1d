"""HD42-PHUONG-2025: a ward sheet on Hướng dẫn 42 (2025) with the computed bands of DOMAIN.md §7, complete."""

from apps.quality.rules.rubrics.parts import (
    ATTENDANCE_DETAIL,
    DURATION_DETAIL,
    LEVELS_90,
    RESULTS_DETAIL,
    ROLLUP_BY_HALF,
    SPEAKING_DETAIL,
    bool_item,
    judged,
)

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
    "annual_rollup": ROLLUP_BY_HALF,
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
                bool_item(
                    "documents",
                    "Tài liệu gửi đảng viên trước ít nhất 1 ngày",
                    "documents_ready",
                    4,
                    "tài liệu có trước 1 ngày",
                ),
                bool_item("board", "Chi ủy họp trước để chuẩn bị", "board_met_first", 3, "chi ủy họp trước"),
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
                judged("discussion", "Chất lượng thảo luận, tự phê bình và phê bình", 15),
            ],
        },
        {
            "code": "chairing",
            "title": "Điều hành",
            "max_points": 10,
            "items": [judged("chairing", "Chủ trì điều hành, kết luận", 10)],
        },
        {
            "code": "principles",
            "title": "Nguyên tắc",
            "max_points": 5,
            "items": [judged("principles", "Bảo đảm nguyên tắc tập trung dân chủ", 5)],
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
                bool_item(
                    "resolution_filed",
                    "Nghị quyết ban hành trong 2 ngày",
                    "resolution_filed",
                    2,
                    "nghị quyết trong 2 ngày",
                ),
                bool_item("minutes", "Biên bản được thông qua", "minutes_adopted", 2, "biên bản thông qua"),
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
