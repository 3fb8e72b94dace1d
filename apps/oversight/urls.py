from django.urls import path

from apps.oversight.views import briefing, dashboard, supervision, thresholds, warnings

app_name = "oversight"

urlpatterns: list = [
    # --- dashboard ---
    path("<int:org_id>/", dashboard.dashboard, name="dashboard"),
    path("<int:org_id>/chart/<slug:name>.svg", dashboard.chart, name="chart"),
    path("<int:org_id>/meetings/", dashboard.cell_meetings, name="cell_meetings"),
    # --- supervision ---
    path("supervision/", supervision.supervision, name="supervision"),
    path("<int:org_id>/assignments/", supervision.assignments, name="assignments"),
    path("<int:org_id>/assignments/add/", supervision.assignment_add, name="assignment_add"),
    path("assignments/<int:assignment_id>/end/", supervision.assignment_end, name="assignment_end"),
    path("<int:org_id>/visits/", supervision.visits, name="visits"),
    path("cells/<int:cell_id>/visits/add/", supervision.visit_add, name="visit_add"),
    path("visits/<int:visit_id>/follow-up/", supervision.visit_follow_up, name="visit_follow_up"),
    # --- warnings ---
    path("<int:org_id>/warnings/", warnings.warnings, name="warnings"),
    path("<int:org_id>/thresholds/", thresholds.thresholds, name="thresholds"),
    path("<int:org_id>/briefing/", briefing.briefing, name="briefing_current"),
    path("<int:org_id>/briefing/<str:month>/", briefing.briefing, name="briefing"),
    path("<int:org_id>/briefing/<str:month>/focus/", briefing.briefing_focus, name="briefing_focus"),
    path("<int:org_id>/briefing/<str:month>/briefing.docx", briefing.briefing_docx, name="briefing_docx"),
]
