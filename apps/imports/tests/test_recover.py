"""A batch whose background job was lost (the worker stopped in the middle of it) does not poll "in progress" for
ever: after CHIBO_IMPORT_STALLED_MINUTES without moving on, its page says so and offers whoever may import there to
stop the interrupted work; the batch goes back to a status from which the step can be taken again (a lost commit or
undo wrote nothing: each runs in one transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.imports.models import ImportBatch, ImportRow
from apps.imports.services import batches, jobs
from apps.imports.tests import flow
from apps.members.models import Member

Status = ImportBatch.Status
LATER = timedelta(minutes=31)  # past CHIBO_IMPORT_STALLED_MINUTES (30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from flow.seeded(django_db_blocker)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows():
    cell = flow.home_cell()
    return [flow.new_row(1, cell), flow.new_row(2, cell)]


def recover_url(batch: ImportBatch) -> str:
    return reverse("imports:recover", args=[batch.pk])


@pytest.mark.django_db
def test_a_commit_whose_job_was_lost_is_recovered_and_imported_again(demo, clock, client):
    canbo = flow.user("canbo")
    batch = flow.run(canbo, flow.home_cell(), rows(), committed=False)
    members = Member.objects.count()
    batches.batch_commit_request(batch=batch, user=canbo)  # the worker takes the job and is stopped: nothing more
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTING and not batch.stalled
    client.force_login(canbo)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert recover_url(batch) not in page and 'hx-trigger="every 1s"' in page  # still followed: it may be working
    with pytest.raises(ValidationError):
        batches.batch_recover(batch=batch, user=canbo)

    clock.shift(LATER)
    batch.refresh_from_db()
    assert batch.stalled
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert recover_url(batch) in page and "bị gián đoạn" in page and 'hx-trigger="every 1s"' not in page
    response = client.post(recover_url(batch))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and "gián đoạn" in batch.error and Member.objects.count() == members
    assert "gián đoạn" in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()

    batch = flow.commit(canbo, batch)  # the step again, from the page's button
    assert batch.status == Status.COMMITTED and not batch.error and Member.objects.count() == members + 2


@pytest.mark.django_db
def test_an_undo_whose_job_was_lost_is_recovered_and_undone_again(demo, clock):
    canbo = flow.user("canbo")
    batch = flow.run(canbo, flow.home_cell(), rows())
    members = Member.objects.count()
    batches.batch_undo_request(batch=batch, user=canbo)
    clock.shift(LATER)
    batches.batch_recover(batch=batch, user=canbo)
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTED and Member.objects.count() == members
    batch = flow.undo(canbo, batch)
    assert batch.status == Status.UNDONE and Member.objects.count() == members - 2


@pytest.mark.django_db
def test_a_lost_preview_leaves_no_rows_and_the_columns_can_be_chosen_again(demo, clock):
    canbo = flow.user("canbo")
    batch = flow.upload(canbo, flow.home_cell(), rows())
    batches.batch_set_mapping(batch=batch, user=canbo, mapping=batch.mapping, options={})
    ImportRow.objects.create(batch=batch, sheet="Sheet", row_number=2, fate="create")  # what the job had written
    clock.shift(LATER)
    batches.batch_recover(batch=batch, user=canbo)
    batch.refresh_from_db()
    assert batch.status == Status.FAILED and not batch.rows.exists()
    batch = flow.preview(canbo, batch)
    assert batch.status == Status.PREVIEWED and batch.counts["create"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "dangvien", "giamsat", "kiemtra"])
def test_only_who_may_import_there_recovers(demo, clock, client, who):
    canbo = flow.user("canbo")
    batch = flow.run(canbo, flow.home_cell(), rows(), committed=False)
    batches.batch_commit_request(batch=batch, user=canbo)
    clock.shift(LATER)
    client.force_login(flow.outsider() if who == "outsider" else flow.user(who))
    assert client.post(recover_url(batch)).status_code == 404
    batch.refresh_from_db()
    assert batch.status == Status.COMMITTING
    if who == "kiemtra":  # the inspection commission reads the batch: its page says it stopped, without the button
        response = client.get(reverse("imports:detail", args=[batch.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "bị gián đoạn" in page and recover_url(batch) not in page


@pytest.mark.django_db
def test_a_job_that_starts_after_its_batch_was_recovered_writes_nothing(demo, clock):
    """The commit waited in the queue past the threshold and someone recovered the batch: when the worker finally
    runs the job, it finds the batch moved on and skips (no members, the status the recovery gave stays)."""
    canbo = flow.user("canbo")
    batch = flow.run(canbo, flow.home_cell(), rows(), committed=False)
    members = Member.objects.count()
    batches.batch_commit_request(batch=batch, user=canbo)
    clock.shift(LATER)
    batches.batch_recover(batch=batch, user=canbo)
    assert jobs.batch_commit(batch.pk, canbo.pk) == "skipped"
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED and Member.objects.count() == members


@pytest.mark.django_db
def test_a_second_run_of_an_undo_job_leaves_the_undone_batch_undone(demo):
    canbo = flow.user("canbo")
    batch = flow.undo(canbo, flow.run(canbo, flow.home_cell(), rows()))
    assert batch.status == Status.UNDONE
    assert jobs.batch_undo(batch.pk, canbo.pk) == "skipped"  # the same task delivered twice
    batch.refresh_from_db()
    assert batch.status == Status.UNDONE and not batch.error


@pytest.mark.django_db
def test_a_page_left_open_reloads_when_its_job_is_found_lost(demo, clock, client):
    """The progress section polls; once the batch is stalled the answer asks for the whole page, which holds the
    way to recover it."""
    canbo = flow.user("canbo")
    batch = flow.run(canbo, flow.home_cell(), rows(), committed=False)
    batches.batch_commit_request(batch=batch, user=canbo)
    client.force_login(canbo)
    poll = {"HX-Request": "true"}
    assert "HX-Refresh" not in client.get(reverse("imports:detail", args=[batch.pk]), headers=poll)
    clock.shift(LATER)
    assert client.get(reverse("imports:detail", args=[batch.pk]), headers=poll)["HX-Refresh"] == "true"
