"""A meeting's score as stored: the engine's result as JSON, and the form field of a judged item."""

from __future__ import annotations

from typing import Any

from apps.quality.rules.engine import ScoreResult


def result_dict(result: ScoreResult) -> dict[str, Any]:
    """The engine's result as JSON (decimals as strings)."""
    return {
        "items": {
            i.code: {
                "points": str(i.points),
                "max": str(i.max_points),
                "explanation": i.explanation,
                "missing": i.missing,
            }
            for i in result.items
        },
        "categories": {code: str(points) for code, points in result.categories.items()},
        "total": str(result.total),
        "max_points": str(result.max_points),
        "level_by_points": result.level_by_points,
        "level": result.level,
        "knocked_out": list(result.knocked_out),
    }


def judged_field(code: str) -> str:
    return f"j_{code}"
