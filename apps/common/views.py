from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from apps.common.forms import apply_errors
from apps.common.scoping import Role, grants_for, today
from apps.orgs.models import Organization


def year_param(request) -> int:
    """The ``year`` of the query string (2000–2100), else this year."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if 2000 <= year <= 2100 else today().year


def error_messages(request, exc: ValidationError) -> None:
    """A service's refusal shown as messages, for a POST that goes back to another page."""
    for message in exc.messages:
        messages.error(request, message)


def form_error_messages(request, form) -> None:
    """A form's errors shown as messages, for the same kind of POST."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def verb_page(request, form, action, *, done: str, then, template: str, context: dict | None = None):
    """The page of a verb (add, edit, transfer…): on a valid POST, ``action(form.cleaned_data)`` calls the service
    (atomic), then a success message and a redirect to ``then`` (a URL, or a function of the service's result
    giving one); a ValidationError from the service goes onto the form and nothing is saved. Otherwise (GET, or
    errors) the form page ``template`` with ``form`` and ``context``."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(then(result) if callable(then) else then)
    return render(request, template, {"form": form, **(context or {})})


def paginate(request, queryset, per_page: int | None = None):
    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request):
    from apps.members.models import Member
    from apps.members.queries import probation_due_members

    from .todo import todo_for

    grants = grants_for(request.user)
    nodes = {o.pk: o for o in Organization.objects.filter(pk__in={g.organization_id for g in grants})}
    roles: dict[int, list[str]] = {}
    for g in grants:  # one line per node, with every role held there
        roles.setdefault(g.organization_id, []).append(str(Role(g.role).label))
    roles = [(", ".join(labels), nodes[org_id]) for org_id, labels in roles.items()]
    member = Member.objects.filter(user=request.user).select_related("cell").first()
    context = {
        "roles": roles,
        "member": member,
        "probation_due_count": probation_due_members(request.user, on=today()).count(),  # a COUNT, not the rows
        "todo": todo_for(request.user, today()),
    }
    return render(request, "common/home.html", context)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
