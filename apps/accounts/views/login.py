"""Logging in: Django's login form (django-axes watches it), then, for a person with an authenticator, the code."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.forms.login import CodeForm
from apps.accounts.queries import second_factor as queries
from apps.accounts.services import login as services_login
from apps.accounts.services import second_factor as services


class LoginView(auth_views.LoginView):
    """The password step. A person with a confirmed authenticator is not logged in yet: they wait in the session
    for the code (accounts:verify)."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if queries.has_confirmed_totp(user):
            services_login.second_step_start(self.request, user, self.get_success_url())
            return redirect("accounts:verify")
        return super().form_valid(form)


def verify(request):
    """The second step: after the password (a pending login), or for a session logged in without the code (it is
    marked verified). A wrong code counts as a failed login for django-axes (per account and per address)."""
    data = services_login.pending(request)
    if data is not None:
        user = services_login.pending_user(data)
    elif request.user.is_authenticated and not request.user.is_verified():
        user = request.user
    else:
        return redirect("home" if request.user.is_authenticated else "login")
    if user is None or not queries.confirmed_devices(user):
        return redirect("accounts:otp_setup" if request.user.is_authenticated else "login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return get_lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.code_check(user, form.cleaned_data["code"])
        if check.device is not None:
            services_login.second_step_finish(request, user, check.device, data)
            # The next page is a path LoginView checked (never a URL name: redirect() would try to reverse it).
            return HttpResponseRedirect((data or {}).get("next") or reverse("home"))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return get_lockout_response(request, None, credentials)
        if check.throttled:
            form.add_error("code", _("Too many wrong codes: wait a minute, then try again."))
        else:
            form.add_error("code", _("This code is not right (or was already used)."))
    return render(request, "accounts/login/verify.html", {"form": form, "pending": data is not None})
