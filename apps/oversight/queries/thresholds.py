"""Reads of the thresholds of oversight (``OversightRule``, data issued by a committee for its subtree from a date):
the rule in force at a node, the rule in force at each cell of a subtree (for the warnings), the thresholds page,
and who may read or set them. The rule that picks one is ``apps.oversight.rules.warnings.rule_in_force``: the
nearest issuer above (or at) the node, its latest version in force."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet

from apps.common.scoping import MANAGE, VIEW, allows, subtree_filter
from apps.orgs.models import Organization
from apps.oversight.models import OversightRule
from apps.oversight.rules import warnings as rules


def oversees(user, node: Organization) -> bool:
    """Committee staff, supervisors, the inspection commission and a cell's secretaries read the warnings, the
    thresholds and the briefing of the subtrees they hold (no query: the grants are loaded once per request). A
    plain member does not: the warnings name members on the removal watch."""
    return allows(user, VIEW, node.path)


def sets_thresholds(user, node: Organization) -> bool:
    """Staff with manage rights on a committee set its thresholds and write its briefing's focus; a cell follows
    its committee's."""
    return not node.is_cell and allows(user, MANAGE, node.path)


def _candidates(rows: Iterable[OversightRule]) -> list[tuple[str, date, OversightRule]]:
    return [(r.issuer_path, r.effective_from, r) for r in rows]  # type: ignore[attr-defined]  # annotated below


def rules_reaching(node: Organization) -> QuerySet[OversightRule]:
    """Every version of the thresholds issued at ``node`` or above it (``applying_to``), newest first, with the
    issuer's path (``issuer_path``) and name."""
    return (
        OversightRule.objects.applying_to(node.path)
        .select_related("organization", "created_by")
        .annotate(issuer_path=F("organization__path"))
        .order_by("-effective_from", "-organization__path")
    )


def rule_at(node: Organization, day: date) -> OversightRule:
    """The thresholds in force at ``node`` on ``day`` (one query): the nearest issuer above (or at) the node, its
    latest version in force; the defaults (an unsaved ``OversightRule()``) when none."""
    found = rules.rule_in_force(
        _candidates(rules_reaching(node).filter(effective_from__lte=day)), path=node.path, day=day
    )
    return found if found is not None else OversightRule()


def _subtree_rules(node: Organization, day: date) -> list[tuple[str, date, OversightRule]]:
    """The versions in force on ``day`` that reach any node of the subtree: issued above (or at) it, or inside it
    (one query)."""
    above = OversightRule.objects.applying_to(node.path)
    inside = OversightRule.objects.filter(subtree_filter(OversightRule.scope_path, node.path))
    rows = (above | inside).filter(effective_from__lte=day).annotate(issuer_path=F("organization__path"))
    return _candidates(rows)


class Thresholds:
    """The rule in force at each cell of a subtree, picked from one list of candidates."""

    def __init__(self, node: Organization, day: date):
        self.day = day
        self.candidates = _subtree_rules(node, day)
        self.default = OversightRule()
        self._by_path: dict[str, OversightRule] = {}

    def at(self, path: str) -> OversightRule:
        if path not in self._by_path:
            found = rules.rule_in_force(self.candidates, path=path, day=self.day)
            self._by_path[path] = found if found is not None else self.default
        return self._by_path[path]

    def smallest(self, field: str) -> int:
        """The smallest value of ``field`` among the rules that may apply (a safe first filter for a query)."""
        return min([getattr(self.default, field)] + [getattr(r, field) for _p, _d, r in self.candidates])

    def largest(self, field: str) -> int:
        return max([getattr(self.default, field)] + [getattr(r, field) for _p, _d, r in self.candidates])


# The thresholds, in the order the pages show them.
FIELDS = (
    "attendance_min",
    "speaking_min",
    "falling_months",
    "score_confirm_days",
    "calendar_due_month",
    "probation_grace_days",
    "briefing_day",
)


def label(name: str) -> str:
    """A threshold's name as the model's field says it."""
    field = OversightRule._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


@dataclass
class RuleRow:
    rule: OversightRule
    inherited: bool  # issued by a committee above the node
    in_force: bool  # the one in force at the node today
    upcoming: bool  # in force from a later date


def thresholds_page(user, node: Organization, *, today: date) -> dict:
    """The thresholds page of ``node``: the rule in force (``current``; ``is_default`` when none was issued), the
    versions that reach it, newest first (``rows``), and those issued inside its subtree that the user sees
    (``below``): 3 queries."""
    reaching = list(rules_reaching(node))
    current = rules.rule_in_force(_candidates(reaching), path=node.path, day=today)
    rows = [
        RuleRow(r, inherited=r.organization_id != node.pk, in_force=r is current, upcoming=r.effective_from > today)
        for r in reaching
    ]
    below = (
        OversightRule.objects.visible_to(user, VIEW)
        .filter(subtree_filter(OversightRule.scope_path, node.path))
        .exclude(organization=node)
        .select_related("organization", "created_by")
        .order_by("organization__path", "-effective_from")
    )
    shown = current if current is not None else OversightRule()
    return {
        "current": shown,
        "values": [(label(name), getattr(shown, name)) for name in FIELDS],
        "is_default": current is None,
        "rows": rows,
        "below": [RuleRow(r, inherited=False, in_force=False, upcoming=r.effective_from > today) for r in below],
    }
