from django.urls import path

from apps.resolutions import views_tasks as views

urlpatterns = [
    path("meetings/<int:meeting_id>/", views.meeting_resolution, name="meeting_resolution"),
    path("<int:resolution_id>/", views.resolution, name="resolution"),
    path("<int:resolution_id>/edit/", views.resolution_edit, name="resolution_edit"),
    path("<int:resolution_id>/adopt/", views.resolution_adopt, name="resolution_adopt"),
    path("<int:resolution_id>/refresh-loop/", views.resolution_refresh_loop, name="resolution_refresh_loop"),
    path("<int:resolution_id>/tasks/add/", views.task_add, name="task_add"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/overdue/", views.overdue, name="overdue"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:task_id>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("tasks/<int:task_id>/drop/", views.task_drop, name="task_drop"),
    path("tasks/<int:task_id>/review/", views.task_review, name="task_review"),
    path("progress/<int:progress_id>/evidence/", views.evidence, name="evidence"),
]
