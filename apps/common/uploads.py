"""Uploaded files checked by what they hold, not by their name.

``check_upload(file, kinds)`` refuses, with a Vietnamese message, a file larger than ``CHIBO_UPLOAD_MAX_BYTES`` or
whose bytes do not match its extension: a .docx or .xlsx is a zip (bounded: entry count and uncompressed size, so a
zip bomb is refused before anything is inflated) holding ``[Content_Types].xml`` and ``word/document.xml`` or
``xl/workbook.xml``; a .pdf starts with ``%PDF-``; an image opens and verifies with Pillow within a pixel bound; an
OpenDocument file is a zip whose first entry names its type; a .doc/.xls is an OLE2 compound file; a .rtf starts
with ``{\\rtf``; a .txt or .json is UTF-8 text. Anything else (an executable renamed .docx) is refused.

Kinds: "docx", "xlsx", "pdf", "image" (jpg, jpeg, png, gif, webp), "odt", "ods", "doc", "xls", "rtf", "txt", "json".
The file is left rewound. See docs/security.md (uploads).
"""

from __future__ import annotations

import os
import warnings
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

# A zip may hold at most this many entries and inflate to at most this many bytes (declared sizes: Python's zipfile
# never inflates an entry beyond its declared size, so the bound holds even when the sizes lie).
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
# An image may have at most this many pixels (a 4,000 x 4,000 photo has 16 million).
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}

EXTENSION_KIND = {
    "docx": "docx",
    "xlsx": "xlsx",
    "pdf": "pdf",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "webp": "image",
    "odt": "odt",
    "ods": "ods",
    "doc": "doc",
    "xls": "xls",
    "rtf": "rtf",
    "txt": "txt",
    "json": "json",
}

OOXML_PARTS = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}
OPENDOCUMENT_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _refuse(kind: str) -> ValidationError:
    return ValidationError(
        _("The file's content is not a %(kind)s file, although its name says so. Upload the real document.")
        % {"kind": kind.upper() if kind != "image" else _("picture")},
        code="upload_content",
    )


def check_upload(file, kinds: set[str]) -> None:
    """Raise ValidationError (Vietnamese) unless ``file`` (an UploadedFile) is one of ``kinds`` by its content."""
    limit = settings.CHIBO_UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}, code="upload_size"
        )
    extension = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    kind = EXTENSION_KIND.get(extension)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("This kind of file is not accepted here (.%(extension)s).") % {"extension": extension or "?"},
            code="upload_kind",
        )
    file.seek(0)
    try:
        ok = _CHECKS[kind](file, kind)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError):
        ok = False
    finally:
        file.seek(0)
    if not ok:
        raise _refuse(kind)


def _head(file, size: int = 8) -> bytes:
    file.seek(0)
    return file.read(size)


def _zip_within_bounds(archive: zipfile.ZipFile) -> bool:
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        return False
    return sum(entry.file_size for entry in entries) <= ZIP_MAX_UNCOMPRESSED


def _read_part(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    with archive.open(name) as part:
        return part.read(limit)


def _zip_holds(file, test) -> bool:
    """``test(archive)`` on a file that starts as a zip (not an executable with a zip appended, which zipfile alone
    would open) and stays within the bounds of entries and uncompressed size."""
    if _head(file, 4) != ZIP_MAGIC:
        return False
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        return _zip_within_bounds(archive) and test(archive)


def _ooxml(file, kind: str) -> bool:
    main_part, content_type = OOXML_PARTS[kind]

    def holds(archive: zipfile.ZipFile) -> bool:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or main_part not in names:
            return False
        return content_type in _read_part(archive, "[Content_Types].xml")

    return _zip_holds(file, holds)


def _opendocument(file, kind: str) -> bool:
    def holds(archive: zipfile.ZipFile) -> bool:
        names = archive.namelist()
        if not names or names[0] != "mimetype" or "content.xml" not in names:
            return False
        return _read_part(archive, "mimetype", 200).strip() == OPENDOCUMENT_TYPES[kind]

    return _zip_holds(file, holds)


def _pdf(file, kind: str) -> bool:
    return _head(file, 5) == b"%PDF-"


def _ole2(file, kind: str) -> bool:
    return _head(file, 8) == OLE2_MAGIC


def _rtf(file, kind: str) -> bool:
    return _head(file, 5) == b"{\\rtf"


def _text(file, kind: str) -> bool:
    file.seek(0)
    data = file.read(settings.CHIBO_UPLOAD_MAX_BYTES + 1)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _image(file, kind: str) -> bool:
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file) as image:  # reads the header only
                if image.format not in IMAGE_FORMATS:
                    return False
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    return False
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return False
    return True


_CHECKS = {
    "docx": _ooxml,
    "xlsx": _ooxml,
    "odt": _opendocument,
    "ods": _opendocument,
    "pdf": _pdf,
    "doc": _ole2,
    "xls": _ole2,
    "rtf": _rtf,
    "txt": _text,
    "json": _text,
    "image": _image,
}
