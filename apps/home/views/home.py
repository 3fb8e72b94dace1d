"""The home page (what waits for the user, their next meetings) and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from apps.home.queries.home import home_page


@login_required
def home(request):
    return render(request, "home/home.html", home_page(request.user, now=timezone.localtime()))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
