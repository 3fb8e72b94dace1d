import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext

from apps.common import rules
from apps.common.text import nfc

F = TypeVar("F", bound=forms.Field)


class NFCFormMixin:
    """Normalise every text field to NFC before validation-dependent code sees it."""

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]  # a mixin: the form class it is mixed into has clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = nfc(value)
        return cleaned


class DateInput(forms.DateInput):
    """Dates are typed and shown as dd/mm/yyyy (the format Vietnamese offices use)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", **(attrs or {})},
            format="%d/%m/%Y",
        )


def apply_errors(form: forms.Form, error) -> None:
    """Attach a service's ValidationError to the form: per field where it names one, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------------------------------------- plausible ranges
# The ranges are apps.common.rules; these put them on form fields with a Vietnamese message that says the range.


class DateRangeValidator:
    """The date (or a date and time, by its day) lies within ``bounds()``: a function, so that ranges around today
    are read when the form is validated, not when the server started."""

    def __init__(self, bounds: Callable[[], tuple[date, date]]):
        self.bounds = bounds

    def __call__(self, value) -> None:
        day = value.date() if isinstance(value, datetime) else value
        low, high = self.bounds()
        if not low <= day <= high:
            raise ValidationError(
                gettext("Enter a date from %(low)s to %(high)s.")
                % {"low": f"{low:%d/%m/%Y}", "high": f"{high:%d/%m/%Y}"},
                code="date_range",
            )


def dates_within(field: F, bounds: Callable[[], tuple[date, date]]) -> F:
    """``field`` with a range check on its date (see ``apps.common.rules`` for the ranges)."""
    field.validators.append(DateRangeValidator(bounds))
    return field


def record_date_field(**kwargs) -> forms.DateField:
    """A date of a record (a rate, a rubric, a period), typed dd/mm/yyyy, between the years the system serves."""
    return dates_within(forms.DateField(widget=DateInput(), **kwargs), rules.record_dates)


def dong(value: Decimal) -> str:
    """100000000 → "100.000.000" (the way amounts in đồng are written)."""
    return f"{value:,.0f}".replace(",", ".")


def _amount_message(maximum: Decimal) -> str:
    return gettext("Enter an amount from 0 to %(max)s đồng.") % {"max": dong(maximum)}


class DongField(forms.DecimalField):
    """Whole đồng, also as Vietnamese offices write them: "50.000" or "50 000" is fifty thousand, not fifty."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", " ")
            if THOUSANDS.fullmatch(text):
                value = re.sub(r"[. ]", "", text)
        return super().to_python(value)


THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+")


def amount_field(*, maximum: Decimal, **kwargs) -> forms.DecimalField:
    """An amount in đồng: a whole number from 0 to ``maximum``, one message for every way of being out of range."""
    message = lazy(_amount_message, str)(maximum)
    return DongField(
        min_value=Decimal(0),
        max_value=maximum,
        decimal_places=0,
        error_messages={"min_value": message, "max_value": message, "max_decimal_places": message},
        **kwargs,
    )


class ButtonForm(forms.Form):
    """The form of a button (adopt, confirm, start, delete): nothing to type; the service decides, and its refusal
    shows on this form (apps.common.views.verb)."""
