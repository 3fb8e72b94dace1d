"""The rubric editor: one form for a whole sheet (its fields, levels, categories, items, bands and checklist lines).

The editor only edits what a committee adapts; the structure (codes, kinds, metrics, caps, bonuses, knock-outs, the
annual roll-up) is shown read-only. ``RubricEditForm.changes()`` gives exactly what differs from the stored version,
in the shape of ``services.rubrics.rubric_revise``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common import rules
from apps.common.forms import NFCFormMixin, record_date_field
from apps.meetings.models import Meeting
from apps.quality.models import Rubric, RubricItem
from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST
from apps.quality.rules.rubrics.labels import OP_WORDS, condition_text, level_label, plain_number

EXTRA_BANDS = 2  # empty rows under a computed item's bands, to add a band without JavaScript
EXTRA_LINES = 1  # the same under a checklist

INPUT_STYLE = "font-size:1rem;padding:.35rem;"  # inputs inside tables, as large as the other fields


def json_number(value: Decimal) -> int | float:
    """A number for the rubric's JSON fields (bands, levels, checklist points)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _points_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=rules.POINTS_MAX,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "style": INPUT_STYLE + "width:6rem"}),
    )


def _threshold_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=-rules.THRESHOLD_MAX,
        max_value=rules.THRESHOLD_MAX,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "style": INPUT_STYLE + "width:7rem"}),
    )


def _bands(raw, item_op: str) -> list[tuple[Decimal, Decimal, str]]:
    """Bands compared by meaning: (threshold, points, op) with the item's op filled in."""
    return [(Decimal(str(b[0])), Decimal(str(b[1])), b[2] if len(b) > 2 and b[2] else item_op) for b in raw]


def _checklist(raw) -> list[tuple[str, Decimal]]:
    return [(label, Decimal(str(points))) for label, points in raw]


@dataclass
class BandRow:
    op: str
    op_words: str
    threshold: forms.BoundField
    points: forms.BoundField


@dataclass
class LineRow:
    label: forms.BoundField
    points: forms.BoundField


@dataclass
class ItemSection:
    item: RubricItem
    title: forms.BoundField
    max_points: forms.BoundField
    bands: list[BandRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    caps: list[str] = field(default_factory=list)
    bonuses: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class CategorySection:
    code: str
    title: forms.BoundField
    max_points: forms.BoundField
    items: list[ItemSection]


class RubricEditForm(NFCFormMixin, forms.Form):
    """The whole sheet in one form. Build it with a rubric whose categories and items are loaded in order
    (``queries.rubrics.with_parts``): the form makes no query."""

    name = forms.CharField(label=_("name"), max_length=300)
    effective_from = record_date_field(label=_("in force from"))
    effective_to = record_date_field(
        label=_("in force until"),
        required=False,
        help_text=_("Leave empty while the rubric stays in force."),
    )
    meeting_kinds = forms.MultipleChoiceField(
        label=_("meeting kinds scored with this rubric"),
        choices=Meeting.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, rubric: Rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self._item_errors: dict[str, list] = {}
        self.categories = list(rubric.categories.all())
        self.initial.update(
            name=rubric.name,
            effective_from=rubric.effective_from,
            effective_to=rubric.effective_to,
            meeting_kinds=list(rubric.meeting_kinds or []),
        )
        for index, (code, threshold) in enumerate(rubric.levels):
            self.fields[f"level-{index}"] = _points_field(level_label(code))
            self.initial[f"level-{index}"] = plain_number(threshold)
        for category in self.categories:
            prefix = f"c-{category.code}"
            self.fields[f"{prefix}-title"] = forms.CharField(label=_("category"), max_length=200)
            self.fields[f"{prefix}-max_points"] = _points_field(_("maximum points"))
            self.initial[f"{prefix}-title"] = category.title
            self.initial[f"{prefix}-max_points"] = plain_number(category.max_points)
            for item in category.items.all():
                self._add_item_fields(item)

    # ------------------------------------------------------------------------------------------ building

    def _add_item_fields(self, item: RubricItem) -> None:
        prefix = f"i-{item.code}"
        self.fields[f"{prefix}-title"] = forms.CharField(label=_("item"), max_length=300)
        self.fields[f"{prefix}-max_points"] = _points_field(_("maximum points"))
        self.initial[f"{prefix}-title"] = item.title
        self.initial[f"{prefix}-max_points"] = plain_number(item.max_points)
        if item.kind == COMPUTED:
            for row in range(len(item.bands) + EXTRA_BANDS):
                self.fields[f"{prefix}-band-{row}-threshold"] = _threshold_field(_("threshold"))
                self.fields[f"{prefix}-band-{row}-points"] = _points_field(_("points"), required=False)
                for part, label in (("threshold", _("threshold")), ("points", _("points"))):
                    self.fields[f"{prefix}-band-{row}-{part}"].widget.attrs["aria-label"] = (
                        f"{item.title}: {label} {row + 1}"
                    )
                if row < len(item.bands):
                    self.initial[f"{prefix}-band-{row}-threshold"] = plain_number(item.bands[row][0])
                    self.initial[f"{prefix}-band-{row}-points"] = plain_number(item.bands[row][1])
        elif item.kind == JUDGED_CHECKLIST:
            for row in range(len(item.checklist) + EXTRA_LINES):
                self.fields[f"{prefix}-line-{row}-label"] = forms.CharField(
                    label=_("line"), max_length=300, required=False
                )
                self.fields[f"{prefix}-line-{row}-points"] = _points_field(_("points"), required=False)
                self.fields[f"{prefix}-line-{row}-label"].widget.attrs.update(
                    {"aria-label": f"{item.title}: {_('line')} {row + 1}", "style": INPUT_STYLE + "width:100%"}
                )
                self.fields[f"{prefix}-line-{row}-points"].widget.attrs["aria-label"] = (
                    f"{item.title}: {_('points')} {row + 1}"
                )
                if row < len(item.checklist):
                    self.initial[f"{prefix}-line-{row}-label"] = item.checklist[row][0]
                    self.initial[f"{prefix}-line-{row}-points"] = plain_number(item.checklist[row][1])

    def _items(self):
        for category in self.categories:
            for item in category.items.all():
                yield category, item

    @staticmethod
    def _band_op(item: RubricItem, row: int) -> str:
        """An existing band keeps its own comparison; a new row takes the item's."""
        if row < len(item.bands) and len(item.bands[row]) > 2 and item.bands[row][2]:
            return item.bands[row][2]
        return item.op or "gte"

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"level-{index}"] for index in range(len(self.rubric.levels))]

    def sections(self) -> list[CategorySection]:
        """The categories and items with their bound fields, in the sheet's order, for the template."""
        out = []
        for category in self.categories:
            items = []
            for item in category.items.all():
                prefix = f"i-{item.code}"
                section = ItemSection(
                    item=item,
                    title=self[f"{prefix}-title"],
                    max_points=self[f"{prefix}-max_points"],
                    caps=[condition_text(c) for c in item.caps],
                    bonuses=[condition_text(c) for c in item.bonuses],
                    errors=self._item_errors.get(item.code, []),
                )
                if item.kind == COMPUTED:
                    for row in range(len(item.bands) + EXTRA_BANDS):
                        op = self._band_op(item, row)
                        section.bands.append(
                            BandRow(
                                op=op,
                                op_words=str(OP_WORDS.get(op, op)),
                                threshold=self[f"{prefix}-band-{row}-threshold"],
                                points=self[f"{prefix}-band-{row}-points"],
                            )
                        )
                elif item.kind == JUDGED_CHECKLIST:
                    for row in range(len(item.checklist) + EXTRA_LINES):
                        section.lines.append(
                            LineRow(
                                label=self[f"{prefix}-line-{row}-label"], points=self[f"{prefix}-line-{row}-points"]
                            )
                        )
                items.append(section)
            out.append(
                CategorySection(
                    code=category.code,
                    title=self[f"c-{category.code}-title"],
                    max_points=self[f"c-{category.code}-max_points"],
                    items=items,
                )
            )
        return out

    # ------------------------------------------------------------------------------------------ cleaning

    def _item_error(self, item: RubricItem, message) -> None:
        """An error about an item as a whole (no band left, …): shown with the item and counted as a form error."""
        self._item_errors.setdefault(item.code, []).append(message)
        self.add_error(None, f"{item.title}: {message}")

    def clean(self):
        cleaned = super().clean()
        self._item_errors = {}
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("The end date cannot be before the start date."))
        cleaned["bands"], cleaned["checklists"] = {}, {}
        for _category, item in self._items():
            prefix = f"i-{item.code}"
            item_max = cleaned.get(f"{prefix}-max_points")
            if item.kind == COMPUTED:
                cleaned["bands"][item.code] = self._clean_bands(item, prefix, item_max)
            elif item.kind == JUDGED_CHECKLIST:
                cleaned["checklists"][item.code] = self._clean_lines(item, prefix)
        for category in self.categories:
            category_max = cleaned.get(f"c-{category.code}-max_points")
            maxima = [cleaned.get(f"i-{item.code}-max_points") for item in category.items.all()]
            if category_max is not None and None not in maxima and sum(maxima, Decimal(0)) < category_max:
                self.add_error(
                    f"c-{category.code}-max_points",
                    _("The items of this category add up to only %(sum)s points: they cannot reach its maximum.")
                    % {"sum": plain_number(sum(maxima, Decimal(0)))},
                )
        self._clean_levels(cleaned)
        return cleaned

    def _clean_bands(self, item: RubricItem, prefix: str, item_max: Decimal | None) -> list:
        bands = []
        for row in range(len(item.bands) + EXTRA_BANDS):
            threshold = self.cleaned_data.get(f"{prefix}-band-{row}-threshold")
            points = self.cleaned_data.get(f"{prefix}-band-{row}-points")
            if f"{prefix}-band-{row}-threshold" in self.errors or f"{prefix}-band-{row}-points" in self.errors:
                continue
            if threshold is None and points is None:
                continue  # an empty row: no band (this is how a band is removed)
            if threshold is None:
                self.add_error(f"{prefix}-band-{row}-threshold", _("Give the threshold of this band."))
                continue
            if points is None:
                self.add_error(f"{prefix}-band-{row}-points", _("Give the points of this band."))
                continue
            if item_max is not None and points > item_max:
                self.add_error(
                    f"{prefix}-band-{row}-points",
                    _("A band cannot give more than the item's maximum (%(max)s).") % {"max": plain_number(item_max)},
                )
                continue
            op = self._band_op(item, row)
            band = [json_number(threshold), json_number(points)]
            bands.append(band if op == (item.op or "gte") else [*band, op])
        if not bands and not any(
            f"{prefix}-band-{row}-{part}" in self.errors
            for row in range(len(item.bands) + EXTRA_BANDS)
            for part in ("threshold", "points")
        ):
            self._item_error(item, _("A computed item needs at least one band."))
        return bands

    def _clean_lines(self, item: RubricItem, prefix: str) -> list:
        lines = []
        for row in range(len(item.checklist) + EXTRA_LINES):
            label = (self.cleaned_data.get(f"{prefix}-line-{row}-label") or "").strip()
            points = self.cleaned_data.get(f"{prefix}-line-{row}-points")
            if f"{prefix}-line-{row}-points" in self.errors:
                continue
            if not label and points is None:
                continue
            if not label:
                self.add_error(f"{prefix}-line-{row}-label", _("Give the text of this line."))
                continue
            if points is None:
                self.add_error(f"{prefix}-line-{row}-points", _("Give the points of this line."))
                continue
            lines.append([label, json_number(points)])
        if not lines and not any(
            f"{prefix}-line-{row}-{part}" in self.errors
            for row in range(len(item.checklist) + EXTRA_LINES)
            for part in ("label", "points")
        ):
            self._item_error(item, _("A checklist needs at least one line."))
        return lines

    def _clean_levels(self, cleaned: dict) -> None:
        thresholds = [cleaned.get(f"level-{index}") for index in range(len(self.rubric.levels))]
        for index in range(1, len(thresholds)):
            above, here = thresholds[index - 1], thresholds[index]
            if above is not None and here is not None and here >= above:
                self.add_error(f"level-{index}", _("Each level needs fewer points than the level above it."))
        maxima = [cleaned.get(f"c-{category.code}-max_points") for category in self.categories]
        if thresholds and thresholds[0] is not None and None not in maxima:
            total = sum(maxima, Decimal(0))
            if thresholds[0] > total:
                self.add_error(
                    "level-0",
                    _("The sheet has only %(total)s points: this level could never be reached.")
                    % {"total": plain_number(total)},
                )

    # ------------------------------------------------------------------------------------------ result

    def changes(self) -> tuple[dict, dict, dict]:
        """What differs from the stored version, as ``rubric_revise(changes=…, categories=…, items=…)``."""
        data, rubric = self.cleaned_data, self.rubric
        changes: dict = {}
        for name in ("name", "effective_from", "effective_to"):
            if data[name] != getattr(rubric, name):
                changes[name] = data[name]
        kinds = [kind for kind in Meeting.Kind.values if kind in data["meeting_kinds"]]
        if set(kinds) != set(rubric.meeting_kinds or []):
            changes["meeting_kinds"] = kinds
        levels = [[code, json_number(data[f"level-{i}"])] for i, (code, _t) in enumerate(rubric.levels)]
        if any(Decimal(str(old)) != data[f"level-{i}"] for i, (_c, old) in enumerate(rubric.levels)):
            changes["levels"] = levels
        categories: dict = {}
        for category in self.categories:
            prefix = f"c-{category.code}"
            diff = {}
            if data[f"{prefix}-title"] != category.title:
                diff["title"] = data[f"{prefix}-title"]
            if data[f"{prefix}-max_points"] != category.max_points:
                diff["max_points"] = data[f"{prefix}-max_points"]
            if diff:
                categories[category.code] = diff
        items: dict = {}
        for _category, item in self._items():
            prefix = f"i-{item.code}"
            diff = {}
            if data[f"{prefix}-title"] != item.title:
                diff["title"] = data[f"{prefix}-title"]
            if data[f"{prefix}-max_points"] != item.max_points:
                diff["max_points"] = data[f"{prefix}-max_points"]
            op = item.op or "gte"
            if item.kind == COMPUTED and _bands(data["bands"][item.code], op) != _bands(item.bands, op):
                diff["bands"] = data["bands"][item.code]
            if item.kind == JUDGED_CHECKLIST and _checklist(data["checklists"][item.code]) != _checklist(
                item.checklist
            ):
                diff["checklist"] = data["checklists"][item.code]
            if diff:
                items[item.code] = diff
        return changes, categories, items
