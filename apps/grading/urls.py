from django.urls import path

from apps.grading.views import discipline as views_discipline
from apps.grading.views import grading as views

app_name = "grading"

urlpatterns = [
    path("org/<int:org_id>/<int:year>/", views.year, name="year"),
    path("org/<int:org_id>/<int:year>/start/", views.start, name="start"),
    path("rating/<int:rating_id>/", views.rating, name="rating"),
    path("org/<int:org_id>/discipline/", views_discipline.discipline, name="discipline"),
]
