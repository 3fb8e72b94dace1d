"""Which backup archives to keep: the newest of each of the last ``daily`` days that have one and the newest of each
of the last ``monthly`` months that have one (14 and 12 by default: two weeks of nights, a year of months). Only
archives named by ``manage.py backup`` (chibo-YYYYMMDDTHHMMSSZ.tar.gz) are ever considered; nothing else in the
directory is touched."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

NAME = re.compile(r"^chibo-(\d{8}T\d{6}Z)\.tar\.gz$")


def taken_at(path: Path) -> datetime | None:
    match = NAME.match(path.name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def to_keep(paths: list[Path], *, daily: int = 14, monthly: int = 12) -> set[Path]:
    dated = sorted(((when, p) for p in paths if (when := taken_at(p))), reverse=True)  # newest first
    keep: set[Path] = set()
    days: set[str] = set()
    months: set[str] = set()
    for when, path in dated:
        day, month = when.strftime("%Y-%m-%d"), when.strftime("%Y-%m")
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(path)
        if month not in months and len(months) < monthly:
            months.add(month)
            keep.add(path)
    return keep


def prune(directory: Path, *, daily: int = 14, monthly: int = 12) -> list[Path]:
    """Delete the archives of ``directory`` that ``to_keep`` does not keep; the paths deleted, oldest first."""
    archives = [p for p in directory.iterdir() if p.is_file() and taken_at(p)]
    keep = to_keep(archives, daily=daily, monthly=monthly)
    removed = sorted((p for p in archives if p not in keep), key=lambda p: p.name)
    for path in removed:
        path.unlink()
    return removed
