"""The demo's spreadsheets, written the way committees keep them (a merged title, names in legacy fonts, dates as
Excel dates and as text, card numbers with spaces): the files apps/demo/imports.py brings in through the pipeline."""

from __future__ import annotations

import io
import random
import unicodedata
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from apps.common.vnlegacy import Encoding, from_unicode

MEMBER_HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
    "Nơi cư trú",
    "Nghề nghiệp",
    "Điện thoại",
]


def typed_date(rng: random.Random, day: date | None):
    """A date as a secretary typed it: an Excel date, or text in one of the usual ways."""
    if day is None:
        return None
    if rng.random() < 0.5:
        return datetime(day.year, day.month, day.day)
    return day.strftime(rng.choice(["%d/%m/%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]))


def typed_name(rng: random.Random, name: str, index: int) -> str:
    """Most names in Unicode; every fifth in TCVN3 (".VnTime"), one in VNI, one decomposed, one in capitals."""
    if index % 5 == 2:
        return from_unicode(name, Encoding.TCVN3)
    if index == 7:
        return from_unicode(name, Encoding.VNI)
    if index == 9:
        return unicodedata.normalize("NFD", name)
    if index == 11:
        return "  " + name.upper().replace(" ", "  ")
    return name


def workbook(title: str, subtitle: str, header: list[str], rows: list[list]) -> bytes:
    """A committee's sheet: the title merged over the columns, the header in bold, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    width = len(header)
    for line, text in enumerate((title, subtitle), start=1):
        sheet.cell(line, 1, text).font = Font(name=".VnTime", bold=True)
        sheet.cell(line, 1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def member_row(rng: random.Random, number: int, member: dict, cell_name: str | None) -> list:
    card = member["card_number"]
    if card and rng.random() < 0.3:
        card = f"{card[:2]} {card[2:5]} {card[5:]}"  # typed with spaces
    row = [
        number,
        typed_name(rng, member["full_name"], number),
        typed_date(rng, member["date_of_birth"]),
        "Nam" if member["gender"] == "male" else "Nữ",
        card,
        member["national_id"],
        typed_date(rng, member["admitted_on"]),
        typed_date(rng, member["official_on"]),
        cell_name,
        member["residence"],
        member["occupation"],
        member["phone"] or None,
    ]
    return row if cell_name is not None else row[:8] + row[9:]


MEMBER_FIELDS = (
    "pk",
    "cell_id",
    "full_name",
    "date_of_birth",
    "gender",
    "card_number",
    "national_id",
    "admitted_on",
    "official_on",
    "residence",
    "occupation",
    "phone",
)
