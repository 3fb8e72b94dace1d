"""The imports' pages (docs/decisions/0012-imports.md): the history, the upload, a batch's page and its file, and the
verbs on a batch (map its columns, import it, undo it, cancel it, recover it when its job was lost)."""

from django.urls import path

from apps.imports.views import batches as views
from apps.imports.views import steps as views_steps

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<int:batch_id>/", views.detail, name="detail"),
    path("<int:batch_id>/file", views.original_file, name="file"),
    path("<int:batch_id>/mapping/", views_steps.mapping, name="mapping"),
    path("<int:batch_id>/commit/", views_steps.commit, name="commit"),
    path("<int:batch_id>/undo/", views_steps.undo, name="undo"),
    path("<int:batch_id>/cancel/", views_steps.cancel, name="cancel"),
    path("<int:batch_id>/recover/", views_steps.recover, name="recover"),
]
