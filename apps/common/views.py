from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.common import idempotency, rules
from apps.common.forms import apply_errors
from apps.common.scoping import today


def year_param(request) -> int:
    """The ``year`` of the query string (2000–2100, apps.common.rules), else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if rules.year_ok(year) else today().year


def year_or_404(year: int) -> int:
    """A year taken from the path: one the system serves (2000–2100), else the page does not exist."""
    if not rules.year_ok(year):
        raise Http404
    return year


def error_messages(request, exc: ValidationError) -> None:
    """A service's refusal shown as messages, for a POST that goes back to another page."""
    for message in exc.messages:
        messages.error(request, message)


def form_error_messages(request, form) -> None:
    """A form's errors shown as messages, for the same kind of POST."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def verb_page(
    request, form, action, *, done: str, then, template: str, context: dict | None = None, once: bool = False
):
    """The page of a verb (add, edit, transfer…): on a valid POST, ``action(form.cleaned_data)`` calls the service
    (atomic), then a success message and a redirect to ``then`` (a URL, or a function of the service's result
    giving one); a ValidationError from the service goes onto the form and nothing is saved. Otherwise (GET, or
    errors) the form page ``template`` with ``form`` and ``context``.

    ``once``: the verb creates a record, and a double submit must not create two (apps.common.idempotency): the
    page gets a one-time ``submission_token`` to render as a hidden input; a second POST with it creates nothing and
    is redirected to what the first created."""
    token = idempotency.posted_token(request) if once and request.method == "POST" else ""
    if token:
        try:
            earlier = idempotency.earlier_result(token=token, user=request.user)
        except ValidationError as exc:  # sent before, and what it saved was removed since: a new token to resend
            apply_errors(form, exc)
            return _verb_form(request, template, form, context, token=idempotency.new_token())
        if earlier is not None:
            messages.info(request, _("This form had already been sent: it was saved once."))
            return redirect(then(earlier) if callable(then) else then)
    if request.method == "POST" and form.is_valid():
        try:
            if once:
                result, _first = idempotency.submit_once(
                    token=token, user=request.user, action=lambda: action(form.cleaned_data)
                )
            else:
                result = action(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(then(result) if callable(then) else then)
    return _verb_form(request, template, form, context, token=(token or idempotency.new_token()) if once else "")


def _verb_form(request, template: str, form, context: dict | None, *, token: str):
    """The form page; a page whose verb creates once carries its one-time token (the same one after an error:
    nothing was created with it)."""
    page = {"form": form, **(context or {})}
    if token:
        page["submission_token"] = token
    return render(request, template, page)


def paginate(request, queryset, per_page: int | None = None):
    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
