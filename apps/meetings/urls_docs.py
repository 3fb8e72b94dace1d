from django.urls import path

from apps.meetings import views_docs as views

urlpatterns = [
    path("<int:meeting_id>/documents/minutes.docx", views.docx_minutes, name="docx_minutes"),
    path("<int:meeting_id>/documents/resolution.docx", views.docx_resolution, name="docx_resolution"),
    path("<int:meeting_id>/print/attendance/", views.print_attendance, name="print_attendance"),
    path("<int:meeting_id>/print/agenda/", views.print_agenda, name="print_agenda"),
    path("<int:meeting_id>/attendance/paper/", views.paper_attendance, name="paper_attendance"),
]
