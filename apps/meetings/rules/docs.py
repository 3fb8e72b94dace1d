"""Rules of meeting documents (DOMAIN.md §10): on time, numbering, term years. No ORM, no request."""

from __future__ import annotations

from datetime import date, timedelta


def documents_available_in_time(*, published_at, meeting_at, days: int = 1) -> bool:
    """Documents must be available to members at least ``days`` before the meeting."""
    return published_at is not None and published_at <= meeting_at - timedelta(days=days)


def term_start_year(day: date, *, first_term_year: int = 2025, term_years: int = 5) -> int:
    """The party term (nhiệm kỳ) a date falls in; cell terms run 2025–2030, 2030–2035, …"""
    return first_term_year + ((day.year - first_term_year) // term_years) * term_years


def document_number(*, number: int, doc_type: str, issuer_abbrev: str = "CB") -> str:
    """ "05-NQ/CB": two digits from 01 within the term, the type, the issuer (DOMAIN.md §10)."""
    return f"{number:02d}-{doc_type}/{issuer_abbrev}"
