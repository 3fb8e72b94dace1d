"""The person's account page: the second factor, the recovery codes, the password, and "log out everywhere"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.queries import second_factor as queries
from apps.accounts.services import sessions as services


@login_required
def security(request):
    user = request.user
    return render(
        request,
        "accounts/account/security.html",
        {
            "has_device": queries.has_confirmed_totp(user),
            "required": queries.must_use_second_factor(user),
            "codes_left": queries.recovery_codes_left(user),
            "events": queries.events_of(user),
        },
    )


@login_required
@require_POST
def log_out_everywhere(request):
    services.log_out_everywhere(request)
    messages.success(request, _("Every other session of your account has been logged out."))
    return redirect("accounts:security")
