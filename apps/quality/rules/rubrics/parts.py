"""The building blocks the shipped sheets share: the explanations' figures, the 90/70/50 levels, the roll-up by
halves and the two common kinds of item. Metric names are those of apps/quality/queries/metrics.py; percentages
are 0–100."""

from __future__ import annotations

ATTENDANCE_DETAIL = "({attendance_present}/{attendance_expected}, {attendance_exempt_absent} miễn)"
SPEAKING_DETAIL = "({speakers}/{attendees})"
DURATION_DETAIL = "(định mức {duration_norm_minutes} phút)"
RESULTS_DETAIL = "(nhiệm vụ {tasks_done}/{tasks_due}, chỉ tiêu {targets_met}/{targets_due})"
LEVELS_90 = [["tot", 90], ["kha", 70], ["trung_binh", 50], ["kem", 0]]
# The year takes a level when half of its meetings reached it (and, for Tốt and Khá, none fell below the next level).
ROLLUP_BY_HALF = {
    "tiers": [
        {"level": "tot", "all_at_least": "kha", "at_least_share": [["tot", 0.5]]},
        {"level": "kha", "all_at_least": "trung_binh", "at_least_share": [["kha", 0.5]]},
        {"level": "trung_binh", "at_least_share": [["trung_binh", 0.5]]},
    ],
    "otherwise": "kem",
}


def bool_item(code: str, title: str, metric: str, points: int, label: str) -> dict:
    return {
        "code": code,
        "title": title,
        "kind": "computed",
        "max_points": points,
        "metric": metric,
        "bands": [[1, points]],
        "label": label,
    }


def judged(code: str, title: str, points: int) -> dict:
    return {"code": code, "title": title, "kind": "judged_number", "max_points": points}
