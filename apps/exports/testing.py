"""Test helpers for the exports: a provider's table for a user, its rows, and the sheet it writes read back."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from apps.exports.queries.exports import table_for
from apps.exports.rules import xlsx
from apps.exports.rules.tables import Table


def table(user, name: str, **params) -> Table:
    return table_for(user, name, {key: str(value) for key, value in params.items()})


def rows(user, name: str, **params) -> list[list]:
    return [list(row) for row in table(user, name, **params).rows]


def column(rows_: list[list], index: int) -> list:
    return [row[index] for row in rows_]


def sheet(made: Table):
    """The table written and read back (the first sheet)."""
    out = io.BytesIO()
    xlsx.write(made, out, exported_by="Người thử", exported_at=datetime(2026, 12, 1, 9, 0))
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
