"""Pages of how a person follows the meetings outside chibo: the private iCalendar feed, its address, and the
e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.common.views import verb
from apps.meetings.forms.feed import NotificationPreferenceForm
from apps.meetings.queries import feed as queries
from apps.meetings.services import feed as services


def feed(request, token: str):
    """The private iCalendar feed: the token is the credential (no login, so calendar apps can subscribe)."""
    subscription = get_object_or_404(queries.feeds(), token=token)
    text = queries.feed_text(
        subscription.user,
        now=timezone.now(),
        name=_("Party cell meetings"),
        link=lambda m: request.build_absolute_uri(reverse("meetings:detail", args=[m.pk])),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chibo.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feed_manage(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The feed address was revoked."))
        else:
            services.calendar_feed_create(user=request.user)
            messages.success(request, _("A new private feed address was created."))
        return redirect("meetings:feed_manage")
    subscription = queries.feed_of(request.user)
    url = request.build_absolute_uri(reverse("meetings:feed", args=[subscription.token])) if subscription else ""
    return render(request, "meetings/feed/feed.html", {"feed": subscription, "url": url})


@login_required
@require_http_methods(["GET", "POST"])
def notification_prefs(request):
    form = NotificationPreferenceForm(request.POST or None, instance=queries.preference_of(request.user))
    return verb(
        request,
        form,
        lambda data: services.notification_preference_save(user=request.user, **data),
        done=_("Your e-mail preferences were saved."),
        then=reverse("meetings:notification_prefs"),
        template="meetings/feed/prefs.html",
        context={"has_email": bool(request.user.email)},
    )
