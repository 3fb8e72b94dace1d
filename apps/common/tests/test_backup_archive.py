"""What a restore refuses and what it proves: no --yes, an archive of another database kind or a newer chibo, a
damaged or padded archive, a name outside the uploads; a restore whose tables differ from the manifest fails loudly;
uploads on a FileSystemStorage (production's) come back byte for byte; the archive's place and permissions; how a
value becomes the text the checksums cover."""

import io
import json
import stat
import tarfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from apps.common.backup import archive, digest, media

# Every test here reads the test database (only tests marked so have it set up, and under xdist a worker may get
# none of the transactional ones): without the mark the module's backup would read the configured database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def backup(tmp_path_factory, django_db_setup, django_db_blocker):
    """One archive of the freshly migrated test database (the backup reads it through its own connection)."""
    with django_db_blocker.unblock():
        path, _manifest = archive.create(tmp_path_factory.mktemp("backup") / "base.tar.gz")
    return path


def _rewrite(source, target, *, manifest=None, members=None):
    """A copy of an archive with its manifest changed by ``manifest(m)`` and members added or replaced."""
    members = dict(members or {})
    with tarfile.open(source) as tar:
        contents = {m.name: tar.extractfile(m).read() for m in tar}
    loaded = json.loads(contents[archive.MANIFEST])
    if manifest:
        manifest(loaded)
    contents[archive.MANIFEST] = json.dumps(loaded).encode()
    contents.update(members)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def _refused(path, *needles):
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(path), yes=True, verbosity=0)
    for needle in needles:
        assert needle in str(refusal.value)


def test_without_yes_nothing_is_replaced_and_the_operator_is_told_what_would_be(backup):
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(backup), verbosity=0)
    text = str(refusal.value)
    assert "The archive is sound" in text and "REPLACES the whole database" in text and "--yes" in text
    assert "DELETES every uploaded file" in text


def test_an_archive_of_another_database_kind_is_refused(backup, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def vendor(m):
        m["database"]["vendor"] = other

    _refused(_rewrite(backup, tmp_path / "other.tar.gz", manifest=vendor), f"holds a {other} database")


def test_an_archive_of_a_newer_chibo_is_refused(backup, tmp_path):
    def newer(m):
        m["migrations"].append("members.9999_from_the_future")

    _refused(_rewrite(backup, tmp_path / "newer.tar.gz", manifest=newer), "newer chibo", "members.9999")


def test_a_damaged_or_padded_archive_is_refused(backup, tmp_path):
    manifest = archive.read_manifest(backup)
    database = manifest["database"]["file"]
    _refused(_rewrite(backup, tmp_path / "damaged.tar.gz", members={database: b"not the database"}), "checksum")
    _refused(_rewrite(backup, tmp_path / "padded.tar.gz", members={"media/extra.txt": b"x"}), "does not list")
    (tmp_path / "junk.tar.gz").write_bytes(b"\x1f\x8b not really")
    _refused(tmp_path / "junk.tar.gz", "not a chibo backup archive")


def test_a_file_name_outside_the_uploads_is_refused(backup, tmp_path):
    def escape(m):
        m["media"].append({"name": "../../etc/cron.d/x", "size": 1, "sha256": media.sha256(b"x")})

    path = _rewrite(backup, tmp_path / "escape.tar.gz", manifest=escape, members={"media/../../etc/cron.d/x": b"x"})
    _refused(path, "outside the uploads")


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_does_not_match_the_manifest_fails_loudly(backup, tmp_path):
    def wrong(m):
        m["tables"]["django_content_type"]["rows"] += 1
        m["tables"]["auth_permission"]["sha256"] = "0" * 64

    _refused(
        _rewrite(backup, tmp_path / "wrong.tar.gz", manifest=wrong),
        "RESTORE DOES NOT MATCH",
        "django_content_type",
        "auth_permission: same",
    )


@pytest.mark.django_db(transaction=True)
def test_uploads_on_the_file_system_come_back_byte_for_byte(tmp_path):
    root = tmp_path / "media"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    files = {
        "members/ảnh thẻ.png": bytes(range(256)) * 10,
        "meetings/2026/biên-bản.pdf": b"%PDF-1.7\n" + b"\x00\xff" * 500,
        "tasks/2026/minh-chung.docx": b"PK\x03\x04" + b"\x00" * 100,
    }
    with override_settings(STORAGES=storages, CHIBO_BACKUP_DIR=tmp_path / "backups"):
        for name, data in files.items():
            assert default_storage.save(name, ContentFile(data)) == name
        path, manifest = archive.create()
        assert path.parent == tmp_path / "backups" and path.name.startswith("chibo-")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert {f["name"] for f in manifest["media"]} == set(files)

        (root / "members" / "ảnh thẻ.png").write_bytes(b"overwritten")
        (root / "meetings" / "2026" / "biên-bản.pdf").unlink()
        default_storage.save("exports/2026/after-the-backup.xlsx", ContentFile(b"newer"))

        call_command("restore", str(path), yes=True, verbosity=0)
        assert {name: (root / name).read_bytes() for name in files} == files
        assert set(media.names()) == set(files)  # what came after the backup is gone, as the refusal said


def test_media_names_are_checked_before_anything_is_written():
    assert media.safe_name("members/ảnh.png") and media.safe_name("a")
    for bad in ("", "/etc/passwd", "../x", "a/../b", "a//b", "a/./b", "a\\b"):
        assert not media.safe_name(bad), bad


def test_values_become_the_same_text_on_both_databases():
    saigon = timezone(timedelta(hours=7))
    assert digest.as_text(datetime(2026, 12, 1, 9, 0, tzinfo=saigon)) == "2026-12-01T02:00:00"
    assert digest.as_text(datetime(2026, 12, 1, 2, 0, tzinfo=UTC)) == "2026-12-01T02:00:00"
    assert digest.as_text(True) == "t" and digest.as_text(1) == "1" and digest.as_text(None) == "\\N"
    assert digest.as_text(date(2026, 2, 3)) == "2026-02-03" and digest.as_text(Decimal("12.50")) == "12.50"
    assert digest.as_text(UUID(int=1)) == "0" * 31 + "1" and digest.as_text(b"\x00\xff") == "00ff"
    assert digest.as_text({"b": 1, "a": "x\ty"}) == '{"a":"x\\\\ty","b":1}'
    assert digest.as_text("dòng 1\ndòng\t2\\") == "dòng 1\\ndòng\\t2\\\\"
    # a row boundary cannot be forged by a value: two rows and one row with a newline inside differ
    assert digest.digest_rows([("a",), ("b",)]) != digest.digest_rows([("a\nb",)])
    assert digest.digest_rows([("a", "b")])["rows"] == 1
