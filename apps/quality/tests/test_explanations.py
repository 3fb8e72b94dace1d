"""How scores read (issue 10, defect 10): explanations written as a person would ("Tài liệu có trước 1 ngày: đạt,
5/5 điểm", not "tài liệu có trước 1 ngày có → 5/5"), and point ranges as people write numbers ("0–10", not
"0–1E+1")."""

from django.utils import translation

from apps.quality.forms.score import JudgedForm
from apps.quality.rules.engine import score_meeting, spec_from_dict
from apps.quality.rules.rubrics import shipped as rubrics_data

NA = spec_from_dict(rubrics_data.NA_08_2021)


def test_a_yes_no_measure_is_met_or_not():
    met = score_meeting(NA, {"documents_ready": True}).item("documents").explanation
    assert met == "Tài liệu có trước 1 ngày: đạt, 5/5 điểm"
    assert score_meeting(NA, {"documents_ready": False}).item("documents").explanation == (
        "Tài liệu có trước 1 ngày: không đạt, 0/5 điểm"
    )


def test_a_measure_with_its_value_and_a_missing_one():
    result = score_meeting(
        NA,
        {
            "attendance_rate": 87.5,
            "attendance_present": 14,
            "attendance_expected": 16,
            "attendance_exempt_absent": 2,
            "documents_ready": None,
        },
    )
    assert result.item("attendance").explanation.startswith("Tỷ lệ dự họp: 87,5% (14/16, 2 miễn), ")
    assert result.item("attendance").explanation.endswith(" điểm") and "→" not in result.item("attendance").explanation
    assert result.item("documents").explanation == "Tài liệu có trước 1 ngày: không có số liệu, 0/5 điểm"


def test_a_measure_judged_by_hand():
    explanation = score_meeting(NA, {}, {"documents": 4}).item("documents").explanation
    assert explanation == "Tài liệu có trước 1 ngày: không có số liệu, chấm tay 4/5 điểm"


def test_point_ranges_read_as_numbers():
    """Decimal("10").normalize() prints 1E+1: the judged fields' labels said "(0–1E+1)"."""
    spec = spec_from_dict(
        {
            "code": "T",
            "name": "T",
            "levels": [["tot", 10], ["kem", 0]],
            "categories": [
                {
                    "code": "c",
                    "title": "C",
                    "max_points": 22.5,
                    "items": [
                        {"code": "a", "title": "Nội dung", "kind": "judged_number", "max_points": 10},
                        {"code": "b", "title": "Tác phong", "kind": "judged_number", "max_points": 2.5},
                        {
                            "code": "d",
                            "title": "Chuẩn bị",
                            "kind": "judged_checklist",
                            "max_points": 10,
                            "checklist": [["Có tài liệu", 10]],
                        },
                    ],
                }
            ],
        }
    )
    form = JudgedForm(spec=spec)
    labels = [str(field.label) for field in form.fields.values()]
    assert labels == ["Nội dung (0–10)", "Tác phong (0–2,5)", "Có tài liệu (10)"]
    with translation.override("vi"):
        unmeasured = JudgedForm(spec=spec_from_dict(rubrics_data.NA_08_2021), unmeasured=["documents"])
        label = str(unmeasured.fields["j_documents"].label)
    assert "(0–5)" in label and "E+" not in label
