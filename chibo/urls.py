"""The root URLconf: every app's URLs under its prefix. A page that reads apps above the one it is named after
lives on the top floor (apps.home) and is added here to that app's namespace, under its old name and path: the
party tree's pages (they show members and meetings) to ``orgs``, the membership watch (it reads the meetings'
attendance) to ``members``."""

from django.contrib import admin
from django.urls import include, path

from apps.accounts.views import login as accounts_login
from apps.accounts.views import password_reset as accounts_password_reset
from apps.home.views import home, node, watch
from apps.members import urls as members_urls
from apps.orgs import urls as orgs_urls

orgs_pages = [
    path("", node.tree, name="tree"),
    path("<int:org_id>/", node.detail, name="detail"),
    path("<int:org_id>/children/", node.children, name="children"),
]
members_pages = [
    path("watch/", watch.watch_list, name="watch"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("orgs/", include((orgs_pages + orgs_urls.urlpatterns, "orgs"))),
    path("members/", include((members_pages + members_urls.urlpatterns, "members"))),
    path("meetings/", include("apps.meetings.urls")),
    path("resolutions/", include("apps.resolutions.urls")),
    path("grading/", include("apps.grading.urls")),
    path("quality/", include("apps.quality.urls")),
    path("oversight/", include("apps.oversight.urls")),
    path("exports/", include("apps.exports.urls")),
    path("imports/", include("apps.imports.urls")),
    # Django's own names for the login and the password reset, through the accounts app (second step, throttle).
    path("accounts/login/", accounts_login.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", accounts_password_reset.password_reset, name="password_reset"),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
