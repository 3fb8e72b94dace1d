from django.urls import path

from apps.meetings import views_prep as views

urlpatterns = [
    path("<int:meeting_id>/prepare/", views.prepare, name="prepare"),
    path("<int:meeting_id>/prepare/preparer/", views.prepare_preparer, name="prepare_preparer"),
    path("<int:meeting_id>/prepare/documents/add/", views.document_add, name="document_add"),
    path("prepare/documents/<int:document_id>/publish/", views.document_publish, name="document_publish"),
    path("prepare/documents/<int:document_id>/approve/", views.document_approve, name="document_approve"),
    path("prepare/documents/<int:document_id>/file/", views.document_file, name="document_file"),
    path("<int:meeting_id>/prepare/board/", views.board_meeting, name="board_meeting"),
    path("<int:meeting_id>/prepare/notify/", views.notify, name="notify"),
    path("<int:meeting_id>/prepare/notices/told/", views.notices_told, name="notices_told"),
    path("<int:meeting_id>/prepare/notices/print/", views.notices_print, name="notices_print"),
    path("<int:meeting_id>/prepare/agenda/add/", views.agenda_item_add, name="agenda_item_add"),
    path("prepare/agenda/<int:item_id>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("prepare/agenda/<int:item_id>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("prepare/agenda/<int:item_id>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("<int:meeting_id>/minutes/generate/", views.minutes_generate, name="minutes_generate"),
    path("<int:meeting_id>/minutes/save/", views.minutes_save, name="minutes_save"),
    path("<int:meeting_id>/minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
    path("<int:meeting_id>/minutes/correct/", views.minutes_correct, name="minutes_correct"),
    path("<int:meeting_id>/minutes/history/", views.minutes_history, name="minutes_history"),
]
