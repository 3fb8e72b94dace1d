"""--prune keeps the newest archive of each of the last 14 days and of each of the last 12 months, never the
operator's other files, and always the archive just written."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.common.backup import archive, retention


def _name(when: datetime) -> Path:
    return Path(f"chibo-{when:%Y%m%dT%H%M%SZ}.tar.gz")


def test_fourteen_nights_and_twelve_month_ends_are_kept():
    start = datetime(2025, 1, 1, 19, 0, tzinfo=UTC)
    nightly = [_name(start + timedelta(days=d)) for d in range(700)]
    twice = [_name(start + timedelta(days=699, hours=2))]  # a second archive on the last day
    keep = retention.to_keep(nightly + twice)
    newest = start + timedelta(days=699, hours=2)
    days = {retention.taken_at(p).date() for p in keep}
    assert _name(newest) in keep and nightly[-1] not in keep  # one a day: the newest of it
    assert {newest.date() - timedelta(days=d) for d in range(14)} <= days
    months = {}
    for when in sorted(retention.taken_at(p) for p in keep):
        months[when.strftime("%Y-%m")] = when  # the newest kept of each month
    assert list(months) == [f"{y}-{m:02}" for y, m in [(2026, m) for m in range(1, 13)]]  # the last twelve months
    assert all((when + timedelta(days=1)).day == 1 for when in list(months.values())[:-1])  # each its last night
    assert len(keep) == 14 + 10  # November's last night is one of the fourteen


@pytest.mark.django_db(transaction=True)  # the backup reads the test database through its own connection
def test_prune_touches_only_its_own_archives(tmp_path):
    old = [_name(datetime(2024, m, 28, 19, 0, tzinfo=UTC)) for m in range(1, 13)]
    for name in [*old, Path("chibo-notes.tar.gz"), Path("chibo-20240101T000000Z.tar.gz.partial"), Path("x.sql")]:
        (tmp_path / name).write_bytes(b"")
    with override_settings(CHIBO_BACKUP_DIR=tmp_path):
        call_command("backup", prune=True, keep_daily=2, keep_monthly=3, verbosity=0)
    left = sorted(p.name for p in tmp_path.iterdir())
    made = [n for n in left if retention.taken_at(Path(n)) and n not in {p.name for p in old}]
    assert len(made) == 1 and archive.read_manifest(tmp_path / made[0])["format"] == archive.FORMAT
    kept_old = sorted(set(left) & {p.name for p in old})
    assert kept_old == [old[-1].name, old[-2].name][::-1]  # 2 days: today's and the newest old; 3 months likewise
    assert {"chibo-notes.tar.gz", "chibo-20240101T000000Z.tar.gz.partial", "x.sql"} <= set(left)
