"""Ship the rubrics of DOMAIN.md §7 as data (apps/quality/rules/rubrics/, one module per sheet).

They are national/provincial sheets without an issuing committee in this installation (``issuer`` and
``applies_to`` empty): HD-12 (2018-era) and the HD-42 ward sheet (2025) apply everywhere by default; the Nghệ An and
Phú Thọ sheets are a library that committee staff attach to their subtree."""

from django.db import migrations

from apps.quality.rules.rubrics import shipped


def load(apps, schema_editor):
    models = {name: apps.get_model("quality", name) for name in ("Rubric", "RubricCategory", "RubricItem")}
    for data in shipped.SHIPPED:
        if not models["Rubric"].objects.filter(code=data["code"]).exists():
            shipped.load_rubric(data, **models)


def unload(apps, schema_editor):
    Rubric = apps.get_model("quality", "Rubric")  # noqa: N806
    codes = [data["code"] for data in shipped.SHIPPED]
    for rubric in Rubric.objects.filter(code__in=codes, locked=False, revisions__isnull=True).order_by("-version"):
        rubric.delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
