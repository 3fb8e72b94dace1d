"""Real bytes of the files people upload (apps.common.uploads checks content, so tests need the real thing)."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook
from PIL import Image


def docx_bytes(text: str = "Dự thảo nghị quyết") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "Đảng viên"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def elf_bytes() -> bytes:
    """The start of a Linux executable (ELF header) padded with code-like bytes."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 8


def mz_bytes() -> bytes:
    """The start of a Windows executable (MZ/PE)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + bytes(range(256)) * 8


def mz_with_zip_appended() -> bytes:
    """A self-extracting archive: an executable with a real .docx appended (zipfile alone would open it)."""
    return mz_bytes() + docx_bytes()


def zip_bomb(entries: int = 1, size: int = 120 * 1024 * 1024) -> bytes:
    """A small zip that inflates to ``size`` bytes, dressed as a .docx (its parts are present)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        chunk = b"\x00" * (1024 * 1024)
        for index in range(entries):
            with archive.open(f"word/media/bomb{index}.bin", "w", force_zip64=True) as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return buffer.getvalue()


def zip_of_many_entries(count: int = 5000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(count):
            archive.writestr(f"word/x{index}.xml", "")
    return buffer.getvalue()


def zip_without_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "không phải tài liệu Word")
    return buffer.getvalue()
