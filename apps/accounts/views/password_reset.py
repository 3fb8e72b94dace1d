"""Password reset: limited per client address and per e-mail address each hour; the answer never tells whether
an account has that address; the mail goes through the task queue."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.forms.password_reset import ResetForm
from apps.accounts.services import password_reset as services


def password_reset(request):
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.reset_allowed_from(request.META.get("REMOTE_ADDR", "")):
            form.add_error(None, _("Too many requests from this address: try again in an hour."))
        else:
            services.reset_mail_queue(
                form.cleaned_data["email"], domain=request.get_host(), use_https=request.is_secure()
            )
            return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form, "title": _("Password reset")})
