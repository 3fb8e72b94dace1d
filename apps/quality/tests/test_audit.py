"""The rubric's lock is in the audit trail: the first score locks the version in force with a queryset update, which
django-auditlog does not see, so the service writes it through apps.common.audit."""

import pytest
from auditlog.models import LogEntry

from apps.quality.models import Rubric
from apps.quality.services import rubrics as services
from apps.quality.services import score as services_score
from apps.quality.testing import attach_small_rubric, held_meeting

pytestmark = pytest.mark.django_db

JUDGED = {"discussion": "4", "steps": [True, True]}


def lock_entries(rubric: Rubric) -> list:
    updates = LogEntry.objects.get_for_object(rubric).filter(action=LogEntry.Action.UPDATE)
    return [entry.changes_dict for entry in updates]


def test_the_first_score_locks_the_rubric_with_an_audit_entry(world):
    rubric = attach_small_rubric(world.cell_a1)
    meeting = held_meeting(world.cell_a1, [world.secretary_member, world.plain_member])
    services_score.score_propose(meeting=meeting, judged=JUDGED, by=world.secretary)
    assert Rubric.objects.get(pk=rubric.pk).locked
    assert lock_entries(rubric) == [{"locked": ["False", "True"]}]
    services_score.score_propose(meeting=meeting, judged=JUDGED, by=world.secretary)  # proposed again: no change
    assert lock_entries(rubric) == [{"locked": ["False", "True"]}]


def test_locking_a_locked_rubric_writes_no_entry(world):
    rubric = attach_small_rubric(world.cell_a1)
    services.rubric_lock(rubric=rubric)
    services.rubric_lock(rubric=rubric)
    assert rubric.locked and len(lock_entries(rubric)) == 1
