"""Resolution URLs, grouped by feature (views/<feature>.py)."""

from django.urls import path

from apps.resolutions.views import follow, inspections, progress, targets, tasks

app_name = "resolutions"
urlpatterns = [
    # tasks
    path("meetings/<int:meeting_id>/", tasks.meeting_resolution, name="meeting_resolution"),
    path("<int:resolution_id>/", tasks.resolution, name="resolution"),
    path("<int:resolution_id>/edit/", tasks.resolution_edit, name="resolution_edit"),
    path("<int:resolution_id>/adopt/", tasks.resolution_adopt, name="resolution_adopt"),
    path("<int:resolution_id>/refresh-loop/", tasks.resolution_refresh_loop, name="resolution_refresh_loop"),
    path("<int:resolution_id>/tasks/add/", tasks.task_add, name="task_add"),
    path("tasks/<int:task_id>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/delete/", tasks.task_delete, name="task_delete"),
    path("tasks/mine/", tasks.my_tasks, name="my_tasks"),
    path("tasks/overdue/", tasks.overdue, name="overdue"),
    # progress
    path("tasks/<int:task_id>/", progress.task, name="task"),
    path("tasks/<int:task_id>/progress/", progress.task_progress, name="task_progress"),
    path("tasks/<int:task_id>/done/", progress.task_done, name="task_done"),
    path("tasks/<int:task_id>/drop/", progress.task_drop, name="task_drop"),
    path("tasks/<int:task_id>/review/", progress.task_review, name="task_review"),
    path("progress/<int:progress_id>/evidence/", progress.evidence, name="evidence"),
    # targets
    path("<int:resolution_id>/targets/", targets.targets, name="targets"),
    path("<int:resolution_id>/targets/add/", targets.target_add, name="target_add"),
    path("targets/<int:target_id>/", targets.target, name="target"),
    path("targets/<int:target_id>/edit/", targets.target_edit, name="target_edit"),
    path("targets/<int:target_id>/actuals/add/", targets.target_actual_add, name="target_actual_add"),
    path("orgs/<int:org_id>/targets/", targets.org_targets, name="org_targets"),
    # follow
    path("committees/<int:org_id>/", follow.committee_resolutions, name="committee_resolutions"),
    path("committees/<int:org_id>/new/", follow.committee_new, name="committee_new"),
    path("committee/<int:resolution_id>/", follow.committee_resolution, name="committee_resolution"),
    path("committee/<int:resolution_id>/tasks/add/", follow.committee_task_add, name="committee_task_add"),
    path("cells/<int:cell_id>/directives/", follow.cell_directives, name="cell_directives"),
    path("directives/<int:task_id>/follow-up/", follow.follow_up_create, name="follow_up_create"),
    path("<int:resolution_id>/feedback/", follow.feedback, name="feedback"),
    path("feedback/<int:feedback_id>/respond/", follow.feedback_respond, name="feedback_respond"),
    path("<int:resolution_id>/amend/", follow.resolution_amend, name="resolution_amend"),
    # inspections
    path("orgs/<int:org_id>/inspections/", inspections.inspections, name="inspections"),
    path("orgs/<int:org_id>/inspections/new/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", inspections.inspection, name="inspection"),
    path("inspections/<int:inspection_id>/conclude/", inspections.inspection_conclude, name="inspection_conclude"),
    path(
        "inspections/<int:inspection_id>/remedies/add/", inspections.inspection_remedy_add, name="inspection_remedy_add"
    ),
]
