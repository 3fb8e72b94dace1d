"""The guards of tests/test_house.py catch what they are for: each runs here on a small app written to a temporary
folder, once breaking its rule (the guard fails) and once keeping it (the guard passes)."""

import textwrap

import pytest

from tests import test_house


@pytest.fixture
def house(tmp_path, monkeypatch):
    """A project root in a temporary folder, with its ``apps/`` package, importable; the guards read it."""
    (tmp_path / "apps_under_test").mkdir()
    monkeypatch.setattr(test_house, "ROOT", tmp_path)
    monkeypatch.setattr(test_house, "APPS", tmp_path / "apps_under_test")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(relative: str, source: str):
        path = test_house.APPS / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for package in [path.parent, *path.parent.parents]:
            if package == tmp_path:
                break
            (package / "__init__.py").touch()
        path.write_text(textwrap.dedent(source))
        return path

    return write


def test_a_view_touching_objects_fails_and_one_reading_through_queries_passes(house):
    view = house(
        "shop/views/meeting.py",
        """
        from apps.meetings.models import Meeting


        def detail(request, pk):
            return Meeting.objects.get(pk=pk)
        """,
    )
    assert test_house._touches_objects(view) == [6]
    with pytest.raises(AssertionError, match=r"uses \.objects on lines \[6\]"):
        test_house.test_views_read_only_through_queries(view)
    clean = house(
        "shop/views/clean.py",
        """
        from django.shortcuts import get_object_or_404

        from apps.meetings.queries.meeting import meetings_for


        def detail(request, pk):
            return get_object_or_404(meetings_for(request.user, "view"), pk=pk)
        """,
    )
    test_house.test_views_read_only_through_queries(clean)


def test_a_service_updating_an_audited_model_in_bulk_fails_and_one_through_audit_passes(house):
    service = house(
        "shop/services/bulk.py",
        """
        from apps.meetings.models import Meeting


        def meetings_cancel(ids):
            Meeting.objects.filter(pk__in=ids).update(status="cancelled")
        """,
    )
    with pytest.raises(AssertionError, match=r"Meeting\.update \(line 6\)"):
        test_house.test_services_record_their_bulk_writes(service)
    recorded = house(
        "shop/services/recorded.py",
        """
        from apps.common import audit
        from apps.meetings.models import Meeting


        def meetings_cancel(ids):
            audit.update(Meeting.objects.filter(pk__in=ids), status="cancelled")
        """,
    )
    test_house.test_services_record_their_bulk_writes(recorded)


def test_a_long_module_and_a_stray_module_fail(house):
    house("shop/views/short.py", "x = 1\n")
    test_house.test_no_module_passes_400_lines()
    test_house.test_every_app_has_the_one_layout("shop")
    house("shop/services/long.py", "x = 1\n" * (test_house.MAX_LINES + 1))
    with pytest.raises(AssertionError, match=r"shop/services/long\.py \(401 lines\)"):
        test_house.test_no_module_passes_400_lines()
    house("shop/utils.py", "x = 1\n")
    with pytest.raises(AssertionError, match=r"outside the layout.*utils\.py"):
        test_house.test_every_app_has_the_one_layout("shop")
