"""The scoring engine: pure Python over plain data (no ORM, no request). See docs/scoring.md."""

from apps.quality.rules.engine.scoring import ItemResult, ScoreResult, annual_level, score_meeting
from apps.quality.rules.engine.spec import Band, CategorySpec, Condition, ItemSpec, KnockOut, RubricSpec, spec_from_dict

__all__ = [
    "Band",
    "CategorySpec",
    "Condition",
    "ItemResult",
    "ItemSpec",
    "KnockOut",
    "RubricSpec",
    "ScoreResult",
    "annual_level",
    "score_meeting",
    "spec_from_dict",
]
