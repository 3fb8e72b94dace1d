"""A small site with one of each fault the walk must find (tests/test_walk_parts.py walks it):
a link to a missing page, a GET that writes, a GET that fails, a form that fails, and the healthy counterparts."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from apps.common.audit import record_access
from chibo import urls as site_urls

HOME = """<!doctype html><html><body hx-headers='{"X-CSRFToken": "%(token)s"}'>
<a href="/fine/">fine</a> <a href="/missing/">missing</a> <a href="/writes/">writes</a> <a href="/boom/">boom</a>
<a href="/reads/">reads</a> <a href="https://example.org/">away</a> <a href="/static/app.css">css</a>
<a href="#top">top</a> <a href="mailto:a@example.org">mail</a>
%(numbered)s
<div hx-get="/fragment/" hx-trigger="load"></div>
<form method="post" action="/post-ok/"><input type="hidden" name="csrfmiddlewaretoken" value="%(token)s">
  <input name="title" required><button>Save</button></form>
<form method="post" action="/post-boom/"><input type="hidden" name="csrfmiddlewaretoken" value="%(token)s">
  <button>Break</button></form>
<form method="post" action="/post-ok/" hx-post="/post-ok/"><button name="direction" value="up">up</button></form>
</body></html>"""


def home(request):
    numbered = " ".join(f'<a href="/fine/?n={n}">{n}</a>' for n in range(1, 8))
    return HttpResponse(HOME % {"token": get_token(request), "numbered": numbered})


def fine(request):
    return HttpResponse("<html><body><p>fine</p></body></html>")


def writes(request):
    get_user_model().objects.filter(pk=request.user.pk).update(first_name="Changed by a GET")
    return HttpResponse("<html><body>written</body></html>")


def reads(request):
    record_access(request.user)  # an access entry: the one write a GET may make
    return HttpResponse("<html><body>read</body></html>")


def boom(request):
    raise RuntimeError("the page fails")


@require_POST
def post_ok(request):
    if not request.POST.get("title") and not request.POST.get("direction"):
        return HttpResponse("missing title", status=400)
    return redirect("/fine/")


@require_POST
def post_boom(request):
    raise RuntimeError("the form fails")


# The site's own patterns follow, for what every page needs (the login page, the 404 page's menu).
urlpatterns = [
    path("", home, name="fake_home"),
    path("fine/", fine, name="fake_fine"),
    path("writes/", writes, name="fake_writes"),
    path("reads/", reads, name="fake_reads"),
    path("boom/", boom, name="fake_boom"),
    path("fragment/", fine, name="fake_fragment"),
    path("post-ok/", post_ok, name="fake_post_ok"),
    path("post-boom/", post_boom, name="fake_post_boom"),
    *site_urls.urlpatterns,
]
