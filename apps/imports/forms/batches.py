"""What a person chooses on the imports' pages: the file to bring in (what kind of data, into which organisation, the
register's year), then which column of the file holds each field (docs/decisions/0012-imports.md).

Rights are the service's to check (apps.imports.services.batches); the forms offer only what the user may choose,
so that a refusal is rare, and say why in Vietnamese when one comes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common import rules as common_rules
from apps.common.scoping import RESTRUCTURE, ROLE_ACTIONS, grants_for, today
from apps.imports import permissions
from apps.imports.models import Kind
from apps.imports.queries import batches as queries
from apps.imports.rules import mapping as rules_mapping
from apps.orgs.models import Organization

ACCEPT = ".xlsx,.xls,.csv"
COLUMN_PREFIX = "col_"  # the mapping's inputs are named col_<field> (a field named "cell" is a column, not the option)


def restructures_somewhere(user) -> bool:
    """The user may bring in a tree somewhere (committee staff, an administrator): no query, the grants are loaded."""
    return user.is_superuser or any(RESTRUCTURE in ROLE_ACTIONS[g.role] for g in grants_for(user))


def _top_depth(user) -> int:
    """The depth of the user's highest grant (the first level the organisation select shows unindented)."""
    paths = [g.path for g in grants_for(user)]
    if user.is_superuser or not paths:
        return 1
    return min(len(path) for path in paths) // Organization.steplen


class TargetChoiceField(forms.ModelChoiceField):
    """An organisation shown with its place in the tree (a dash per level below the first one offered)."""

    top_depth = 1

    def label_from_instance(self, obj: Organization) -> str:
        return "— " * max(0, obj.depth - self.top_depth) + obj.name


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    organization = TargetChoiceField(
        label=_("Into the organisation"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=_("Members and attendance go into its cells; a tree's new organisations go under it."),
    )
    year = forms.IntegerField(label=_("Year of the register"), required=False)  # its range: __init__ (this year)
    file = forms.FileField(
        label=_("Spreadsheet file"),
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("Excel (.xlsx, .xls) or .csv. Old fonts (.VnTime, VNI-Times) are converted."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = [(Kind.MEMBERS.value, Kind.MEMBERS.label), (Kind.ATTENDANCE.value, Kind.ATTENDANCE.label)]
        if restructures_somewhere(user):
            kinds.append((Kind.TREE.value, Kind.TREE.label))
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = Kind.MEMBERS.value
        targets = queries.import_targets(user, Kind.MEMBERS.value).order_by("path")
        field: Any = self.fields["organization"]
        field.queryset = targets
        field.top_depth = _top_depth(user)
        this_year = today().year
        self.fields["year"] = forms.IntegerField(
            label=_("Year of the register"),
            required=False,
            min_value=common_rules.FIRST_YEAR,
            max_value=this_year,
            initial=this_year,
            help_text=_("For past attendance only: the year the register covers."),
        )

    def clean(self):
        cleaned = super().clean()
        kind, organization = cleaned.get("kind"), cleaned.get("organization")
        if kind and organization and not permissions.import_into(self.user, organization, kind):
            self.add_error("organization", _("You may not bring this kind of data into this organisation."))
        if cleaned.get("kind") == Kind.ATTENDANCE and not cleaned.get("year"):
            self.add_error("year", _("Enter the year the attendance register covers."))
        if cleaned.get("kind") != Kind.ATTENDANCE:
            cleaned["year"] = None
        return cleaned


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": the column's name as Excel shows it."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_choices(sheets: list[dict]) -> list[tuple[str, str]]:
    """The file's columns by index, each named by its letter and its header (the headers of every sheet that has
    the column, when they differ)."""
    labels: dict[int, list[str]] = {}
    for sheet in sheets or []:
        for index, label in sheet.get("columns") or []:
            names = labels.setdefault(int(index), [])
            if label and label not in names:
                names.append(str(label))
    return [
        (str(index), f"{column_letter(index)} · {' / '.join(names)[:80]}" if names else column_letter(index))
        for index, names in sorted(labels.items())
    ]


class MappingForm(forms.Form):
    """One select per target field of the kind (the file's columns; the suggested one chosen), then the options:
    the cell for rows that name none, and "a sheet per cell"."""

    cell = forms.ModelChoiceField(
        label=_("Cell for the rows that name none"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— each row names its cell —"),
        help_text=_("When the file has no cell column: every row goes into this cell."),
    )
    sheet_per_cell = forms.BooleanField(
        label=_("Each sheet is a cell (the sheet's name is the cell's name)"),
        required=False,
    )

    def __init__(self, *args, batch, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        columns = [("", _("— not in the file —")), *column_choices(batch.sheets)]
        suggested = batch.mapping or {}
        self.target_fields = list(rules_mapping.FIELDS.get(batch.kind, []))
        fields: dict[str, forms.Field] = {}
        for target in self.target_fields:
            initial = suggested.get(target.name)
            fields[COLUMN_PREFIX + target.name] = forms.ChoiceField(
                label=target.label_vi,
                choices=columns,
                required=target.required,
                initial="" if initial is None else str(initial),
            )
        if batch.kind == Kind.TREE:
            del self.fields["cell"], self.fields["sheet_per_cell"]
        else:
            cells = (
                queries.import_targets(user, batch.kind)
                .filter(path__startswith=batch.organization.path, kind=Organization.Kind.CELL)
                .order_by("path")
            )
            cell: Any = self.fields["cell"]
            cell.queryset = cells
            options = batch.options or {}
            if options.get("cell_id"):
                cell.initial = options["cell_id"]
            elif batch.organization.kind == Organization.Kind.CELL:
                cell.initial = batch.organization.pk
            self.fields["sheet_per_cell"].initial = bool(options.get("sheet_per_cell"))
        self.fields = {**fields, **self.fields}  # the columns first, then the options

    def column_fields(self):
        return [self[COLUMN_PREFIX + target.name] for target in self.target_fields]

    def option_fields(self):
        return [self[name] for name in ("cell", "sheet_per_cell") if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        mapping: dict[str, int] = {}
        chosen_by: dict[int, str] = {}
        for target in self.target_fields:
            value = cleaned.get(COLUMN_PREFIX + target.name)
            if value in (None, ""):
                continue
            index = int(value)
            if index in chosen_by:
                self.add_error(
                    COLUMN_PREFIX + target.name,
                    _("Column %(column)s is already chosen for “%(other)s”.")
                    % {"column": column_letter(index), "other": chosen_by[index]},
                )
                continue
            chosen_by[index] = str(target.label_vi)
            mapping[target.name] = index
        cleaned["mapping"] = mapping
        options: dict[str, Any] = {}
        if "cell" in self.fields:
            cell = cleaned.get("cell")
            options = {"cell_id": cell.pk if cell else None, "sheet_per_cell": bool(cleaned.get("sheet_per_cell"))}
        cleaned["options"] = options
        return cleaned
