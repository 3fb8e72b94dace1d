"""Password reset: the e-mail address only (the view throttles and queues the mail)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ResetForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
