from django import forms

from .text import nfc


class NFCFormMixin:
    """Normalise every text field to NFC before validation-dependent code sees it."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = nfc(value)
        return cleaned


class DateInput(forms.DateInput):
    """Dates are typed and shown as dd/mm/yyyy (the format Vietnamese offices use)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(attrs or {})},
            format="%d/%m/%Y",
        )


def apply_errors(form: forms.Form, error) -> None:
    """Attach a service's ValidationError to the form: per field where it names one, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
