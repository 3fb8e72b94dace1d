"""The verbs on the party tree. Its pages (the tree, a node's children and a node's page, which show members and
meetings) are apps/home/views/node.py, added to this namespace by the root URLconf (chibo/urls.py)."""

from django.urls import path

from apps.orgs.views import tree as views

app_name = "orgs"
urlpatterns = [
    path("<int:org_id>/new/", views.create_child, name="create_child"),
    path("<int:org_id>/move/", views.move, name="move"),
    path("<int:org_id>/edit/", views.edit, name="edit"),
]
