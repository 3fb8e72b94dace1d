from django.urls import path

from apps.meetings import views_live as views

urlpatterns = [
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/counts/", views.live_counts, name="live_counts"),
    path("<int:meeting_id>/start/", views.start, name="start"),
    path("<int:meeting_id>/end/", views.end, name="end"),
    path("<int:meeting_id>/attendance/<int:member_id>/", views.mark, name="mark"),
    path("<int:meeting_id>/attendance/everyone-present/", views.mark_all_present, name="mark_all_present"),
    path("<int:meeting_id>/guests/", views.guest_add, name="guest_add"),
    path("agenda/<int:item_id>/speakers/", views.speech_add, name="speech_add"),
    path("speakers/<int:speech_id>/move/<str:direction>/", views.speech_move, name="speech_move"),
    path("speakers/<int:speech_id>/", views.speech_record, name="speech_record"),
    path("speakers/<int:speech_id>/remove/", views.speech_remove, name="speech_remove"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("<int:meeting_id>/qr.svg", views.checkin_qr, name="checkin_qr"),
]
