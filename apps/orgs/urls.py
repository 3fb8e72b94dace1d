from django.urls import path

from apps.orgs.views import tree as views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/children/", views.children, name="children"),
    path("<int:org_id>/new/", views.create_child, name="create_child"),
    path("<int:org_id>/move/", views.move, name="move"),
]
