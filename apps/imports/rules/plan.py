"""What a plan says about one input row: the values shared by the preview, the commit and the tests."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR refuses the row; WARNING is shown and the row is imported
    field: str  # the target field ("" for the row as a whole)
    message: str  # Vietnamese, for the user

    def as_json(self) -> dict[str, str]:
        return {"level": self.level, "field": self.field, "message": str(self.message)}


@dataclass(frozen=True)
class Conversion:
    field: str
    encoding: str  # "tcvn3" | "vni" | "nfd" (decomposed Unicode) | "spacing" (names tidied)
    before: str
    after: str

    def as_json(self) -> dict[str, str]:
        # Stored as NFC like every text (a decomposed "before" looks the same composed: the encoding says what was
        # done); legacy glyphs (TCVN3, VNI) are precomposed code points, which NFC leaves alone.
        return {
            "field": self.field,
            "encoding": self.encoding,
            "before": unicodedata.normalize("NFC", self.before),
            "after": unicodedata.normalize("NFC", self.after),
        }


@dataclass
class SourceRow:
    """One data row of a table, with the column mapping applied: field name → raw cell value (not yet repaired)."""

    sheet: str
    row_number: int
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific (attendance: month columns' raw values)


@dataclass
class Planned:
    """The fate of one input row: what the commit will do with it and why."""

    sheet: str
    row_number: int
    fate: str
    data: dict[str, Any] = field(default_factory=dict)  # parsed values (JSON-ready: dates as ISO text)
    problems: list[Problem] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)
    target_pk: int | None = None

    @property
    def refused(self) -> bool:
        return self.fate == REFUSED

    def refuse(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(ERROR, field_name, message))
        self.fate = REFUSED

    def warn(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(WARNING, field_name, message))
