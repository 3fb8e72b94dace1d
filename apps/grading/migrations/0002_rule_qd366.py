"""Ship the grading rule of Quy định 366-QĐ/TW (30/8/2025) as data (DOMAIN.md §8).

The HTXSNV quota (20 % of those graded HTTNV or better) comes from the 2019 guidance and is unconfirmed under
Quy định 366: it is a setting in the rule's data (``quota_htxsnv_percent_of_httnv``; null for no quota)."""

from datetime import date

from django.db import migrations

QD366 = {
    "levels": [
        {
            "code": "htxsnv",
            "min_points": 90,
            "conditions": {"all_on_time": True, "min_exceeding_percent": 30, "collective_nobody_disciplined": True},
        },
        {"code": "httnv", "min_points": 70, "conditions": {"all_on_time": True}},
        {"code": "htnv", "min_points": 50, "conditions": {"max_late_percent": 20}},
        {"code": "khtnv", "min_points": 0, "conditions": {}},
    ],
    "disqualifiers": ["disciplined", "disunity", "under_half_targets"],
    "quota_htxsnv_percent_of_httnv": 20,
    "quota_confirmed": False,
}


def forwards(apps, schema_editor):
    GradingRule = apps.get_model("grading", "GradingRule")
    GradingRule.objects.update_or_create(
        code="QD366-2025",
        defaults={
            "title": "Quy định 366-QĐ/TW ngày 30/8/2025",
            "effective_from": date(2025, 8, 30),
            "levels": QD366,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("grading", "GradingRule").objects.filter(code="QD366-2025").delete()


class Migration(migrations.Migration):
    dependencies = [("grading", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
