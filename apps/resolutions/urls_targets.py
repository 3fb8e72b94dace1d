from django.urls import path

from apps.resolutions import views_targets as views

urlpatterns = [
    path("<int:resolution_id>/targets/", views.targets, name="targets"),
    path("<int:resolution_id>/targets/add/", views.target_add, name="target_add"),
    path("targets/<int:target_id>/", views.target, name="target"),
    path("targets/<int:target_id>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:target_id>/actuals/add/", views.target_actual_add, name="target_actual_add"),
    path("orgs/<int:org_id>/targets/", views.org_targets, name="org_targets"),
]
