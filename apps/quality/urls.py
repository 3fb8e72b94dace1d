from django.urls import path

from apps.quality.views import rubrics as views_rubrics
from apps.quality.views import score as views_score

app_name = "quality"

urlpatterns = [
    path("rubrics/", views_rubrics.rubric_list, name="rubrics"),
    path("rubrics/<int:rubric_id>/", views_rubrics.rubric_detail, name="rubric"),
    path("rubrics/import/<int:org_id>/", views_rubrics.rubric_import, name="rubric_import"),
    path("rubrics/<int:rubric_id>/edit/", views_rubrics.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:rubric_id>/copy/", views_rubrics.rubric_copy, name="rubric_copy"),
    # the same page with the committee already chosen
    path("rubrics/<int:rubric_id>/copy/<int:org_id>/", views_rubrics.rubric_copy, name="rubric_copy"),
    path("meetings/<int:meeting_id>/score/", views_score.meeting_score, name="meeting_score"),
    path("meetings/<int:meeting_id>/score/propose/", views_score.score_propose, name="score_propose"),
    path("meetings/<int:meeting_id>/score/adopt/", views_score.score_adopt, name="score_adopt"),
    path("meetings/<int:meeting_id>/score/confirm/", views_score.score_confirm, name="score_confirm"),
    path("meetings/<int:meeting_id>/score/override/", views_score.score_override, name="score_override"),
]
