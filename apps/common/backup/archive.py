"""One backup archive (tar, gzip): the database (a SQLite file or a pg_dump custom-format dump), the uploaded files
under media/, and manifest.json, which states what the archive holds — format version, when, which database kind,
the applied migrations, every table's row count and checksum (apps.common.backup.digest), and every file's size and
sha256 — so that a restore is checked before it starts and proven after it ends.

``create`` writes an archive; ``check`` reads and checks one without changing anything; ``restore`` replaces the
database and the uploaded files with an archive's, then recounts and rechecks every table and file against the
manifest and raises ``RestoreMismatch`` naming each difference.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from apps.common.backup import digest, media, postgres, sqlite

FORMAT = "chibo-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"sqlite": sqlite, "postgresql": postgres}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


class RestoreMismatch(BackupError):
    """The restored database or files differ from the manifest."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Restored:
    manifest: dict[str, Any]
    files: int
    pending_migrations: list[str] = field(default_factory=list)


def backup_dir() -> Path:
    return Path(getattr(settings, "CHIBO_BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups")


def default_path(now: datetime | None = None) -> Path:
    now = now or datetime.now(UTC)
    return backup_dir() / f"chibo-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ENGINES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes | Path) -> None:
    info = tarfile.TarInfo(name)
    info.mode, info.mtime = 0o600, int(datetime.now(UTC).timestamp())
    if isinstance(data, Path):
        info.size = data.stat().st_size
        with data.open("rb") as handle:
            tar.addfile(info, handle)
    else:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def create(output: Path | str | None = None, *, alias: str = "default") -> tuple[Path, dict[str, Any]]:
    """Write one archive at ``output`` (default: a timestamped file in CHIBO_BACKUP_DIR or VAR_DIR/backups),
    readable by its owner only; the path and the manifest."""
    vendor = _vendor(alias)
    output = Path(output) if output else default_path()
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".partial")
    created_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".chibo-backup-") as tmp:
        database = Path(tmp) / DATABASE_FILES[vendor]
        tables, migrations = ENGINES[vendor].backup(connections[alias].settings_dict, database)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": created_at.isoformat(),
            "django": django.get_version(),
            "database": {
                "vendor": vendor,
                "file": DATABASE_FILES[vendor],
                "size": database.stat().st_size,
                "sha256": _file_sha256(database),
            },
            "migrations": migrations,
            "tables": tables,
            "media": [],
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                _add(tar, DATABASE_FILES[vendor], database)
                for name in media.names():  # after the database's snapshot: a file it names was there before
                    data = media.read(name)
                    _add(tar, f"media/{name}", data)
                    manifest["media"].append({"name": name, "size": len(data), "sha256": media.sha256(data)})
                _add(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            raw.flush()
            os.fsync(raw.fileno())
    os.replace(partial, output)
    return output, manifest


def read_manifest(path: Path | str) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as tar:
            handle = tar.extractfile(MANIFEST)
            manifest = json.load(handle) if handle else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not a chibo backup archive ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a chibo backup archive (no chibo manifest)")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{path} is a backup of format version {manifest.get('version')}; this chibo reads {VERSION}")
    return manifest


def _member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    handle = tar.extractfile(member)
    if handle is None:
        raise BackupError(f"{member.name} in the archive is not a file")
    return handle


@functools.cache  # the migrations on disk do not change while the command runs
def _known_migrations() -> frozenset[str]:
    return frozenset(f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_members(tar: tarfile.TarFile, manifest: dict[str, Any], extract_to: Path | None) -> None:
    """Every member present, named as the manifest says, with the bytes it says; the database file copied to
    ``extract_to`` on the way."""
    database = manifest["database"]
    expected = {database["file"]: database["sha256"], MANIFEST: None}
    for entry in manifest["media"]:
        if not media.safe_name(entry["name"]):
            raise BackupError(f"the archive names a file outside the uploads: {entry['name']!r}")
        expected[f"media/{entry['name']}"] = entry["sha256"]
    seen = set()
    for member in tar:
        if member.name not in expected or not member.isfile():
            raise BackupError(f"the archive holds {member.name!r}, which its manifest does not list")
        seen.add(member.name)
        if expected[member.name] is None:
            continue
        sha = hashlib.sha256()
        handle = _member(tar, member)
        out = (extract_to / database["file"]).open("wb") if extract_to and member.name == database["file"] else None
        try:
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
                if out:
                    out.write(chunk)
        finally:
            if out:
                out.close()
        if sha.hexdigest() != expected[member.name]:
            raise BackupError(f"{member.name} in the archive does not match its checksum (damaged archive)")
    if missing := sorted(expected.keys() - seen):
        raise BackupError(f"the archive lacks {', '.join(missing)}")


def check(path: Path | str, *, alias: str = "default", extract_to: Path | None = None) -> dict[str, Any]:
    """Check an archive against this installation without changing anything: its manifest, its database kind, its
    migrations (none unknown to this code), every member's checksum, and that the database file itself reads."""
    manifest = read_manifest(path)
    vendor = _vendor(alias)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(f"the archive holds a {manifest['database']['vendor']} database; this site runs on {vendor}")
    if unknown := sorted(set(manifest["migrations"]) - _known_migrations()):
        raise BackupError(
            f"the archive comes from a newer chibo (migrations unknown here: {', '.join(unknown[:5])}"
            f"{'…' if len(unknown) > 5 else ''}); install that version first"
        )
    with tempfile.TemporaryDirectory(prefix="chibo-restore-") as tmp:
        target = extract_to or Path(tmp)
        try:
            with tarfile.open(path, "r:gz") as tar:
                _check_members(tar, manifest, target)
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"the archive cannot be read to the end ({exc})") from exc
        database = target / manifest["database"]["file"]
        problem = sqlite.check(database) if vendor == "sqlite" else postgres.check(database, _settings(alias))
        if problem:
            raise BackupError(problem)
    return manifest


def _settings(alias: str) -> dict[str, Any]:
    return connections[alias].settings_dict


def restore(path: Path | str, *, alias: str = "default") -> Restored:
    """Replace the database and the uploaded files with the archive's, then prove it (RestoreMismatch if not)."""
    with tempfile.TemporaryDirectory(prefix="chibo-restore-") as tmp:
        manifest = check(path, alias=alias, extract_to=Path(tmp))
        vendor = manifest["database"]["vendor"]
        connections[alias].close()  # no connection of ours holds a lock on what is replaced
        try:
            ENGINES[vendor].restore(_settings(alias), Path(tmp) / manifest["database"]["file"])
        except (postgres.ToolError, sqlite3.Error) as exc:  # both copy in one transaction: all or nothing
            raise BackupError(f"the database was not restored (it is as it was): {exc}") from exc
        finally:
            connections[alias].close()
    wanted = {f"media/{entry['name']}": entry["name"] for entry in manifest["media"]}
    try:
        media.clear()
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.name in wanted:
                    media.write(wanted[member.name], _member(tar, member).read())
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"the database was restored but the uploaded files were not (run again): {exc}") from exc
    found, migrations = ENGINES[vendor].live_state(_settings(alias))
    problems = digest.differences(manifest["tables"], found)
    for entry in manifest["media"]:
        try:
            data = media.read(entry["name"])
        except OSError:
            problems.append(f"file {entry['name']} is missing")
            continue
        if media.sha256(data) != entry["sha256"]:
            problems.append(f"file {entry['name']} differs from the backup")
    if problems:
        raise RestoreMismatch(problems)
    pending = sorted(_known_migrations() - set(migrations))
    return Restored(manifest=manifest, files=len(manifest["media"]), pending_migrations=pending)


def summary(manifest: dict[str, Any]) -> str:
    tables = manifest["tables"]
    rows = sum(t["rows"] for t in tables.values())
    size = sum(f["size"] for f in manifest["media"])
    return (
        f"{manifest['database']['vendor']} database of {manifest['created_at']}: {len(tables)} tables, {rows} rows; "
        f"{len(manifest['media'])} uploaded files ({size} bytes)"
    )
