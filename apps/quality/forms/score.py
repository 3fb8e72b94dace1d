"""Forms of the scoring page: judged items built from the rubric (numbers in range, checklists as ticks), the
adoption, and the supervisor's confirmation (a button)."""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.forms import NFCFormMixin
from apps.quality.rules.engine import RubricSpec
from apps.quality.rules.engine.scoring import vn_number
from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST, JUDGED_NUMBER
from apps.quality.rules.score import judged_field


class JudgedForm(NFCFormMixin, forms.Form):
    """One field per judged item: a number in 0..max, or one tick box per checklist line."""

    def __init__(
        self, *args, spec: RubricSpec, initial_judged: dict | None = None, unmeasured: Iterable[str] = (), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.unmeasured = set(unmeasured)
        initial_judged = initial_judged or {}
        for item in spec.items():
            name = judged_field(item.code)
            if item.kind == COMPUTED and item.code in self.unmeasured:
                self.fields[name] = forms.DecimalField(
                    label=_("%(title)s: no data in the record, judge by hand (0–%(max)s)")
                    % {"title": item.title, "max": vn_number(item.max_points)},
                    required=False,
                    min_value=Decimal(0),
                    max_value=item.max_points,
                    decimal_places=2,
                    error_messages=_points_range(item.max_points),
                    initial=initial_judged.get(item.code),
                    help_text=_("Leave empty to give the sheet's points for a missing figure."),
                    widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                )
            elif item.kind == JUDGED_NUMBER:
                self.fields[name] = forms.DecimalField(
                    label=f"{item.title} (0–{vn_number(item.max_points)})",
                    min_value=Decimal(0),
                    max_value=item.max_points,
                    decimal_places=2,
                    error_messages=_points_range(item.max_points),
                    initial=initial_judged.get(item.code),
                    widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                )
            elif item.kind == JUDGED_CHECKLIST:
                ticks = initial_judged.get(item.code) or []
                for index, (label, points) in enumerate(item.checklist):
                    self.fields[f"{name}_{index}"] = forms.BooleanField(
                        label=f"{label} ({vn_number(points)})",
                        required=False,
                        initial=bool(ticks[index]) if index < len(ticks) else False,
                    )

    def judged(self) -> dict:
        """The judged values by item code, in the engine's format."""
        out: dict = {}
        for item in self.spec.items():
            name = judged_field(item.code)
            if item.kind == COMPUTED and item.code in self.unmeasured:
                if self.cleaned_data.get(name) is not None:
                    out[item.code] = str(self.cleaned_data[name])
            elif item.kind == JUDGED_NUMBER:
                out[item.code] = str(self.cleaned_data[name])
            elif item.kind == JUDGED_CHECKLIST:
                out[item.code] = [bool(self.cleaned_data[f"{name}_{i}"]) for i in range(len(item.checklist))]
        return out


class OverrideForm(JudgedForm):
    reason = forms.CharField(label=_("Reason for the override"), widget=forms.Textarea(attrs={"rows": 3}))


class AdoptForm(NFCFormMixin, forms.Form):
    approving = forms.IntegerField(
        label=_("Members approving"),
        required=False,
        min_value=0,
        help_text=_("Leave empty when the board adopts the score without a vote."),
    )


def _points_range(maximum: Decimal) -> dict[str, str]:
    """The range error of a judged item in the sheet's own numbers ("từ 0 đến 15 điểm", not Django's "15.00 .")."""
    message = _("Enter from 0 to %(max)s points.") % {"max": vn_number(maximum)}
    return {"min_value": message, "max_value": message}
