"""The restore drill, on SQLite and on PostgreSQL: a world with a year of history and uploaded files is backed up,
wiped (the database flushed, the uploads deleted) and restored; every table's row count and checksum and every
file's bytes come back as they were.

Transactional tests: the backup reads the database through its own connection (pg_dump sees committed rows only),
the way it does on a serving site. Under xdist each worker backs up and restores its own test database.
"""

import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from apps.common.backup import archive, media
from apps.meetings.models import Attendance, Meeting
from apps.meetings.testing import add_history
from apps.members.models import Member
from apps.members.testing import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = bytes(range(256)) * 64  # every byte value: nothing in the archive may be text-mangled
MINUTES = "Biên bản họp chi bộ tháng 11 — nguyên văn.\n".encode() * 100


@pytest.fixture(autouse=True)
def own_storage(settings):
    """A storage of the drill's own: the worker's shared in-memory storage holds what earlier tests uploaded."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def _state():
    return archive.ENGINES[connection.vendor].live_state(connection.settings_dict)


def _files():
    return {name: media.read(name) for name in media.names()}


def test_backup_wipe_restore_gives_back_every_row_and_file(tmp_path):
    world = build_world()
    history = add_history(world)
    member = history.members[0]
    member.photo.save("anh-the.png", ContentFile(PHOTO), save=True)
    minutes_name = default_storage.save("meetings/2026/biên bản tháng 11.txt", ContentFile(MINUTES))
    before_tables, before_migrations = _state()
    before_files = _files()
    meetings, attendance = Meeting.objects.count(), Attendance.objects.count()
    assert meetings >= 12 and attendance > 100

    path = tmp_path / "drill.tar.gz"
    call_command("backup", output=str(path), verbosity=0)

    manifest = archive.read_manifest(path)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == before_tables
    assert manifest["migrations"] == before_migrations and "members.0001_initial" in manifest["migrations"]
    assert {f["name"] for f in manifest["media"]} == {member.photo.name, minutes_name}
    with tarfile.open(path) as tar:
        assert sorted(tar.getnames()) == sorted(
            [archive.MANIFEST, manifest["database"]["file"], f"media/{member.photo.name}", f"media/{minutes_name}"]
        )

    call_command("flush", interactive=False, verbosity=0)
    media.clear()
    assert Member.objects.count() == 0 and Meeting.objects.count() == 0
    assert not default_storage.exists(minutes_name)
    assert _state()[0] != before_tables

    call_command("restore", str(path), yes=True, verbosity=0)

    assert _state() == (before_tables, before_migrations)
    assert _files() == before_files
    assert Meeting.objects.count() == meetings and Attendance.objects.count() == attendance
    restored = Member.objects.get(pk=member.pk)
    assert restored.full_name == member.full_name
    with restored.photo.open("rb") as photo:
        assert photo.read() == PHOTO
