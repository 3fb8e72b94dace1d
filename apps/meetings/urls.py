"""Meeting URLs, grouped by feature (views/<feature>.py)."""

from django.urls import path

from apps.meetings.views import calendar, docs, feed, live, minutes, notices, prep, votes

app_name = "meetings"
urlpatterns = [
    # live
    path("<int:meeting_id>/", live.detail, name="detail"),
    path("<int:meeting_id>/counts/", live.live_counts, name="live_counts"),
    path("<int:meeting_id>/start/", live.start, name="start"),
    path("<int:meeting_id>/end/", live.end, name="end"),
    path("<int:meeting_id>/attendance/<int:member_id>/", live.mark, name="mark"),
    path("<int:meeting_id>/attendance/everyone-present/", live.mark_all_present, name="mark_all_present"),
    path("<int:meeting_id>/guests/", live.guest_add, name="guest_add"),
    path("agenda/<int:item_id>/speakers/", live.speech_add, name="speech_add"),
    path("speakers/<int:speech_id>/move/<str:direction>/", live.speech_move, name="speech_move"),
    path("speakers/<int:speech_id>/", live.speech_record, name="speech_record"),
    path("speakers/<int:speech_id>/remove/", live.speech_remove, name="speech_remove"),
    path("checkin/<str:token>/", live.checkin, name="checkin"),
    path("<int:meeting_id>/qr.svg", live.checkin_qr, name="checkin_qr"),
    # votes
    path("<int:meeting_id>/votes/", votes.vote_open, name="vote_open"),
    path("votes/<int:vote_id>/counts/", votes.vote_counts, name="vote_counts"),
    path("votes/<int:vote_id>/paper/", votes.vote_paper, name="vote_paper"),
    path("votes/<int:vote_id>/close/", votes.vote_close, name="vote_close"),
    path("votes/<int:vote_id>/void/", votes.vote_void, name="vote_void"),
    path("votes/<int:vote_id>/ballot/", votes.ballot, name="ballot"),
    # calendar
    path("calendar/<int:cell_id>/<int:year>/", calendar.calendar, name="calendar"),
    path("calendar/<int:cell_id>/<int:year>/generate/", calendar.calendar_generate, name="calendar_generate"),
    path("calendar/<int:cell_id>/rule/", calendar.calendar_rule, name="calendar_rule"),
    path("calendar/<int:cell_id>/new/", calendar.meeting_new, name="meeting_new"),
    path("calendars/", calendar.calendars, name="calendars"),
    path("calendars/<int:calendar_id>/submit/", calendar.calendar_submit, name="calendar_submit"),
    path("calendars/<int:calendar_id>/register/", calendar.calendar_register, name="calendar_register"),
    path("<int:meeting_id>/plan/", calendar.meeting_edit, name="meeting_edit"),
    path("mine/", calendar.mine, name="mine"),
    path("<int:meeting_id>/apology/", calendar.apology, name="apology"),
    path("apologies/<int:apology_id>/decide/", calendar.apology_decide, name="apology_decide"),
    # feed
    path("feed/<str:token>.ics", feed.feed, name="feed"),
    path("feed/", feed.feed_manage, name="feed_manage"),
    path("notifications/", feed.notification_prefs, name="notification_prefs"),
    # prep
    path("<int:meeting_id>/prepare/", prep.prepare, name="prepare"),
    path("<int:meeting_id>/prepare/preparer/", prep.prepare_preparer, name="prepare_preparer"),
    path("<int:meeting_id>/prepare/documents/add/", prep.document_add, name="document_add"),
    path("prepare/documents/<int:document_id>/publish/", prep.document_publish, name="document_publish"),
    path("prepare/documents/<int:document_id>/approve/", prep.document_approve, name="document_approve"),
    path("prepare/documents/<int:document_id>/file/", prep.document_file, name="document_file"),
    path("<int:meeting_id>/prepare/board/", prep.board_meeting, name="board_meeting"),
    path("<int:meeting_id>/prepare/agenda/add/", prep.agenda_item_add, name="agenda_item_add"),
    path("prepare/agenda/<int:item_id>/edit/", prep.agenda_item_edit, name="agenda_item_edit"),
    path("prepare/agenda/<int:item_id>/move/", prep.agenda_item_move, name="agenda_item_move"),
    path("prepare/agenda/<int:item_id>/delete/", prep.agenda_item_delete, name="agenda_item_delete"),
    # notices
    path("<int:meeting_id>/prepare/notify/", notices.notify, name="notify"),
    path("<int:meeting_id>/prepare/notices/told/", notices.notices_told, name="notices_told"),
    path("<int:meeting_id>/prepare/notices/print/", notices.notices_print, name="notices_print"),
    # minutes
    path("<int:meeting_id>/minutes/", minutes.minutes, name="minutes"),
    path("<int:meeting_id>/minutes/generate/", minutes.minutes_generate, name="minutes_generate"),
    path("<int:meeting_id>/minutes/save/", minutes.minutes_save, name="minutes_save"),
    path("<int:meeting_id>/minutes/adopt/", minutes.minutes_adopt, name="minutes_adopt"),
    path("<int:meeting_id>/minutes/correct/", minutes.minutes_correct, name="minutes_correct"),
    path("<int:meeting_id>/minutes/history/", minutes.minutes_history, name="minutes_history"),
    # docs
    path("<int:meeting_id>/documents/minutes.docx", docs.docx_minutes, name="docx_minutes"),
    path("<int:meeting_id>/documents/resolution.docx", docs.docx_resolution, name="docx_resolution"),
    path("<int:meeting_id>/print/attendance/", docs.print_attendance, name="print_attendance"),
    path("<int:meeting_id>/print/agenda/", docs.print_agenda, name="print_agenda"),
    path("<int:meeting_id>/attendance/paper/", docs.paper_attendance, name="paper_attendance"),
]
