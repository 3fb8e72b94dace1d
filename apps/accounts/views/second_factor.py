"""Setting up the authenticator (QR code and key, confirmed by a code) and new recovery codes, shown once."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.forms.second_factor import ConfirmForm, ConfirmPasswordForm
from apps.accounts.queries import second_factor as queries
from apps.accounts.rules.second_factor import grouped, grouped_key
from apps.accounts.services import login as services_login
from apps.accounts.services import second_factor as services


def _codes_page(request, codes: list[str], *, first: bool):
    """The recovery codes, in the answer to the POST that made them: they are stored hashed nowhere else to show."""
    return render(request, "accounts/second_factor/codes.html", {"codes": [grouped(c) for c in codes], "first": first})


@login_required
def setup(request):
    """GET: the state (set up already / start / the QR code of the authenticator being set up). POST "start": a new
    key; POST with a code: confirm, then the recovery codes."""
    user = request.user
    has_device = bool(queries.confirmed_devices(user))
    if has_device and not user.is_verified():
        # A session that gave the password but not yet the code (the guard lets it reach this page) must not
        # replace the owner's authenticator: it gives the code first.
        return redirect("accounts:verify")
    pending = queries.pending_totp(user)
    form = ConfirmForm()
    password_form = ConfirmPasswordForm(request, request.POST if "start" in request.POST else None)
    if request.method == "POST":
        if "start" in request.POST or pending is None:
            # Replacing a working authenticator asks for the password again: a session left open on a phone must
            # not be enough to lock the owner out of their own second factor.
            if not has_device or password_form.is_valid():
                services.totp_start(user)
                return redirect("accounts:otp_setup")
            pending = None
        form = ConfirmForm(request.POST)
        if form.is_valid():
            codes = services.totp_confirm(user, pending, form.cleaned_data["code"])
            if codes is not None:
                services_login.session_verify(request, pending)
                return _codes_page(request, codes, first=True)
            form.add_error("code", _("This code is not right: check the phone's clock and type the newest code."))
    context = {
        "form": form,
        "password_form": password_form,
        "has_device": queries.has_confirmed_totp(user),
        "required": queries.must_use_second_factor(user),
        "pending": pending,
    }
    if pending is not None:
        qr = segno.make(pending.config_url, error="m")
        context["qr"] = qr.svg_data_uri(scale=5, border=2)
        context["key"] = grouped_key(pending.bin_key)
    return render(request, "accounts/second_factor/setup.html", context)


@login_required
def recovery_codes(request):
    """New recovery codes (the old ones stop working), after the password again."""
    if not queries.has_confirmed_totp(request.user):
        return redirect("accounts:otp_setup")
    form = ConfirmPasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _codes_page(request, services.recovery_codes_new(request.user), first=False)
    return render(
        request,
        "accounts/second_factor/recovery.html",
        {"form": form, "left": queries.recovery_codes_left(request.user)},
    )
