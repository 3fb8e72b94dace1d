"""The uploaded files, read and written through Django's default storage (FileSystemStorage under MEDIA_ROOT in
production, InMemoryStorage in the tests), so a backup holds exactly the files the application can serve."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def names(path: str = "") -> Iterator[str]:
    """Every file of the storage, sorted, as the storage names them ("members/photo.png")."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # FileSystemStorage before the first upload: no MEDIA_ROOT yet
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from names(posixpath.join(path, directory) if path else directory)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(name: str) -> bool:
    """A name a backup may write back: relative, no "..", no empty part (an archive is checked, not trusted)."""
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\\" not in name and all(p not in ("", ".", "..") for p in parts)


def clear() -> int:
    """Delete every file of the storage; the number deleted."""
    existing = list(names())
    for name in existing:
        default_storage.delete(name)
    return len(existing)


def write(name: str, data: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        raise OSError(f"the storage saved {name} as {saved}")
