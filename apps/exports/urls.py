"""The exports (.xlsx): ``/exports/<table>/?<params>`` to ask for one, then its progress and its file; the user's
own exports only (docs/decisions/0010-exports.md)."""

from django.urls import path

from apps.exports.views import exports as views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("<int:export_id>/", views.detail, name="detail"),
    path("<int:export_id>/file", views.download, name="download"),
    path("<slug:table>/", views.start, name="start"),
]
