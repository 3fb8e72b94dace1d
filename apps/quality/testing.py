"""Test helpers for scoring: a held meeting and a small rubric attached to a cell."""

from datetime import timedelta

from django.utils import timezone

from apps.meetings.services import live as services_live
from apps.meetings.testing import make_meeting
from apps.quality.services import rubrics as services

SMALL_RUBRIC = {
    "code": "TEST-SMALL",
    "name": "Phiếu thử",
    "effective_from": "2020-01-01",
    "effective_to": None,
    "meeting_kinds": ["regular", "thematic"],
    "levels": [["tot", 9], ["kha", 7], ["trung_binh", 5], ["kem", 0]],
    "knockouts": [
        {
            "code": "no-unexcused",
            "title": "Tốt cần không ai vắng không lý do",
            "max_level": "kha",
            "conditions": [["unexcused_absences", "gt", 0]],
        }
    ],
    "categories": [
        {
            "code": "all",
            "title": "Chung",
            "max_points": 10,
            "items": [
                {
                    "code": "attendance",
                    "title": "Dự họp",
                    "kind": "computed",
                    "max_points": 5,
                    "metric": "attendance_rate",
                    "bands": [[0, 5]],
                    "label": "tỷ lệ dự họp",
                    "unit": "%",
                    "detail": "({attendance_present}/{attendance_expected}, {attendance_exempt_absent} miễn)",
                },
                {"code": "discussion", "title": "Thảo luận", "kind": "judged_number", "max_points": 4},
                {
                    "code": "steps",
                    "title": "Trình tự",
                    "kind": "judged_checklist",
                    "max_points": 1,
                    "checklist": [["Khai mạc", 0.5], ["Kết luận", 0.5]],
                },
            ],
        }
    ],
}


def attach_small_rubric(cell):
    return services.rubric_import(data=SMALL_RUBRIC, applies_to=cell)


def held_meeting(cell, members, *, statuses=None, when=None):
    """A meeting held yesterday (started, roll call marked, ended)."""
    meeting = make_meeting(cell, when=when or timezone.now() - timedelta(days=1))
    meeting = services_live.meeting_start(meeting=meeting)
    statuses = statuses or {}
    for member in members:
        services_live.attendance_mark(meeting=meeting, member=member, status=statuses.get(member.pk, "present"))
    return services_live.meeting_end(meeting=meeting)
