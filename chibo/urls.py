from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.home.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("orgs/", include("apps.orgs.urls")),
    path("members/", include("apps.members.urls")),
    path("meetings/", include("apps.meetings.urls")),
    path("resolutions/", include("apps.resolutions.urls")),
    path("grading/", include("apps.grading.urls")),
    path("quality/", include("apps.quality.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
