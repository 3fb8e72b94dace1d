"""What a kind's plan needs besides the rows: the batch, who imports, where, the options chosen, the sheets' columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from apps.imports.models import ImportBatch
from apps.orgs.models import Organization


@dataclass
class PlanContext:
    batch: ImportBatch
    user: Any  # the person importing (previewing or committing): lookups are scoped to what they may see
    organization: Organization  # the target node: every record the plan reads or writes is in its subtree
    options: dict[str, Any]  # batch.options (the mapping page's choices)
    today: date
    # per sheet name: the table's columns as [(index, label), ...] (attendance reads its month columns from here)
    columns: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # a kind's lookups loaded once per plan (cells by name...)
