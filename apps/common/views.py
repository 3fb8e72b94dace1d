from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
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


NOT_SAVED = "X-Not-Saved"  # on an htmx answer that shows why a change was refused (static/js/htmx-status.js)


def verb(
    request,
    form,
    action: Callable[[dict], Any],
    *,
    done: str | Callable[[Any], str] | None,
    then: str | Callable[[Any], str] | None = None,
    template: str | None = None,
    context: dict | Callable[[], dict] | None = None,
    once: bool = False,
    back: str | None = None,
    fragment: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """The one shape of a verb view: form → service → its refusal onto the form → message → redirect or fragment.

    - ``form``: the form, bound on a POST. ``action(form.cleaned_data)`` calls the service (atomic); a
      ValidationError it raises goes onto the form (per field where it names one) and nothing is saved.
    - ``done``: the success message, or a function of the service's result giving it (None: the fragment shows the
      change, no message).
    - ``then``: where a success goes (a URL, or a function of the service's result giving one); default ``back``.
    - ``template``: the verb's own page, shown on a GET and, with the form's errors, after a refused POST;
      ``context`` is its data, or a function giving it, called only when the page is drawn (a success reads nothing).
    - ``back``: for a verb without a page of its own (a form on a larger page): a refused POST goes back there with
      the form's errors as messages.
    - ``fragment``: for an htmx request, the part of the page the form lives in: ``fragment(form)`` renders it.
      After a success it gets ``None`` (fresh, as reloaded); after a refusal it gets the bound form, so the part is
      drawn again with the form's own errors, marked "not saved" for the screen's saving indicator.
    - ``once``: the verb creates a record and a double submit must not create two (apps.common.idempotency): the
      page carries a one-time ``submission_token``; a second POST with it creates nothing and is redirected to what
      the first created.
    """
    token = idempotency.posted_token(request) if once and request.method == "POST" else ""
    if token:
        try:
            earlier = idempotency.earlier_result(token=token, user=request.user)
        except ValidationError as exc:  # sent before, and what it saved was removed since: a new token to resend
            apply_errors(form, exc)
            return _verb_form(request, template, form, context, token=idempotency.new_token())
        if earlier is not None:
            messages.info(request, _("This form had already been sent: it was saved once."))
            return redirect(_target(then or back, earlier))
    if request.method == "POST":
        if form.is_valid():
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
                if done:
                    messages.success(request, _target(done, result))
                if fragment is not None and request.htmx:
                    return fragment(None)
                return _go(request, _target(then or back, result))
        if fragment is not None and request.htmx:
            response = fragment(form)
            response[NOT_SAVED] = "1"
            return response
        if template is None:
            _error_messages(request, form)
            return _go(request, back or _target(then, None))
    return _verb_form(request, template, form, context, token=(token or idempotency.new_token()) if once else "")


def _target(then, result) -> str:
    return then(result) if callable(then) else then


def _error_messages(request, form) -> None:
    """A refused form's errors (its own and the service's) shown as messages, for a verb without a page of its own:
    the answer goes back to another page."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _go(request, url: str) -> HttpResponse:
    """A redirect; for htmx, one it follows as a full page load (so the messages show)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _verb_form(request, template: str | None, form, context: dict | Callable[[], dict] | None, *, token: str):
    """The form page; a page whose verb creates once carries its one-time token (the same one after an error:
    nothing was created with it)."""
    page = {"form": form, **((context() if callable(context) else context) or {})}
    if token:
        page["submission_token"] = token
    return render(request, template, page)


def paginate(request, queryset, per_page: int | None = None):
    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
