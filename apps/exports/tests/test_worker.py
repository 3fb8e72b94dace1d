"""The real worker path: a large export asked for in a committed request waits on the database task queue until
``manage.py db_worker`` runs it; the worker writes the file and the progress on the export's row."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.exports.models import Export

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE, CHIBO_EXPORT_INLINE_ROWS=1, CHIBO_EXPORT_PROGRESS_EVERY=1)
def test_the_worker_writes_a_queued_export(world, client_for):
    client = client_for(world.staff)
    response = client.post(reverse("exports:start", args=["members"]) + f"?org={world.commune_a.pk}")
    export = Export.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[export.pk])
    # Committed and queued, not written: the request did not wait for the file.
    assert (export.status, export.rows_done, export.rows_total) == ("queued", 0, 3)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).content.decode()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    export.refresh_from_db()
    assert (export.status, export.rows_done, export.rows_total, export.error) == ("done", 3, 3, "")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    download = client.get(reverse("exports:download", args=[export.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"  # a zip: .xlsx
