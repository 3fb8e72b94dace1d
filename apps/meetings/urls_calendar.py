"""The annual calendar, the member's page (apologies), the iCalendar feed and mail preferences."""

from django.urls import path

from apps.meetings import views_calendar as views

urlpatterns = [
    path("calendar/<int:cell_id>/<int:year>/", views.calendar, name="calendar"),
    path("calendar/<int:cell_id>/<int:year>/generate/", views.calendar_generate, name="calendar_generate"),
    path("calendar/<int:cell_id>/rule/", views.calendar_rule, name="calendar_rule"),
    path("calendar/<int:cell_id>/new/", views.meeting_new, name="meeting_new"),
    path("calendars/", views.calendars, name="calendars"),
    path("calendars/<int:calendar_id>/submit/", views.calendar_submit, name="calendar_submit"),
    path("calendars/<int:calendar_id>/register/", views.calendar_register, name="calendar_register"),
    path("<int:meeting_id>/plan/", views.meeting_edit, name="meeting_edit"),
    path("mine/", views.mine, name="mine"),
    path("<int:meeting_id>/apology/", views.apology, name="apology"),
    path("apologies/<int:apology_id>/decide/", views.apology_decide, name="apology_decide"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/", views.feed_manage, name="feed_manage"),
    path("notifications/", views.notification_prefs, name="notification_prefs"),
]
