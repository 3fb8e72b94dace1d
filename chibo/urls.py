"""The root URLconf: every app's URLs under its prefix. A page that reads apps above the one it is named after
lives on the top floor (apps.home) and is added here to that app's namespace, under its old name and path: the
party tree's pages (they show members and meetings) to ``orgs``, the membership watch (it reads the meetings'
attendance) to ``members``."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
