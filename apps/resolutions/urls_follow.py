from django.urls import path

from apps.resolutions import views_follow as views

urlpatterns = [
    path("committees/<int:org_id>/", views.committee_resolutions, name="committee_resolutions"),
    path("committees/<int:org_id>/new/", views.committee_new, name="committee_new"),
    path("committee/<int:resolution_id>/", views.committee_resolution, name="committee_resolution"),
    path("committee/<int:resolution_id>/tasks/add/", views.committee_task_add, name="committee_task_add"),
    path("cells/<int:cell_id>/directives/", views.cell_directives, name="cell_directives"),
    path("directives/<int:task_id>/follow-up/", views.follow_up_create, name="follow_up_create"),
    path("<int:resolution_id>/feedback/", views.feedback, name="feedback"),
    path("feedback/<int:feedback_id>/respond/", views.feedback_respond, name="feedback_respond"),
    path("<int:resolution_id>/amend/", views.resolution_amend, name="resolution_amend"),
    path("orgs/<int:org_id>/inspections/", views.inspections, name="inspections"),
    path("orgs/<int:org_id>/inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", views.inspection, name="inspection"),
    path("inspections/<int:inspection_id>/conclude/", views.inspection_conclude, name="inspection_conclude"),
    path("inspections/<int:inspection_id>/remedies/add/", views.inspection_remedy_add, name="inspection_remedy_add"),
]
