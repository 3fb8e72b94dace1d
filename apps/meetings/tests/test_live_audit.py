"""The live meeting's writes in bulk leave their audit entries (apps.common.audit): the agenda a new meeting gets,
speakers ticked when the meeting ends, a remark recorded, a speaker moved; a phone ballot leaves none (it would tell
how someone voted)."""

import pytest
from auditlog.models import LogEntry
from django.db.models import F

from apps.common import audit
from apps.meetings.models import AgendaItem, Speech, Vote
from apps.meetings.services import live as services_live
from apps.meetings.services import prep as services_prep
from apps.meetings.services import votes as services_votes
from apps.meetings.testing import make_meeting


def entries(model, action=LogEntry.Action.UPDATE) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for entry in LogEntry.objects.get_for_model(model).filter(action=action).order_by("pk"):
        found.setdefault(int(entry.object_pk), []).append(entry.changes_dict)
    return found


@pytest.fixture
def started(world):
    meeting = services_live.meeting_start(meeting=make_meeting(world.cell_a1))
    for member in (world.plain_member, world.secretary_member):
        services_live.attendance_mark(meeting=meeting, member=member, status="present")
    return meeting


@pytest.mark.django_db
def test_a_new_meetings_agenda_is_recorded_item_by_item(world):
    meeting = make_meeting(world.cell_a1)
    created = entries(AgendaItem, LogEntry.Action.CREATE)
    items = list(meeting.agenda_items.all())
    assert items and sorted(created) == sorted(item.pk for item in items)
    assert all(created[item.pk][0]["title"] == [None, item.title] for item in items)


@pytest.mark.django_db
def test_speakers_ticked_at_the_end_a_remark_and_a_move_leave_audit_entries(world, started):
    item = started.agenda_items.get(position=8)
    first = services_live.speech_add(meeting=started, item=item, member=world.plain_member)
    second = services_live.speech_add(meeting=started, item=item, member=world.secretary_member)
    services_live.speech_record(speech=first, spoken=False, note="Góp ý về nhiệm vụ tháng")
    services_live.speech_move(speech=second, offset=-1)
    services_live.meeting_end(meeting=started, spoken=[second.pk])
    changes = entries(Speech)
    assert {"note": ["", "Góp ý về nhiệm vụ tháng"]} in changes[first.pk]
    assert {"position": ["1", "2"]} in changes[first.pk] and {"position": ["2", "1"]} in changes[second.pk]
    assert {"spoken": ["False", "True"]} in changes[second.pk]
    assert Speech.objects.get(pk=second.pk).spoken and not Speech.objects.get(pk=first.pk).spoken


@pytest.mark.django_db
def test_a_phone_ballot_leaves_no_entry_that_tells_the_choice(world, started):
    vote = services_votes.vote_open(meeting=started, question="Tín nhiệm", method="secret")
    before = LogEntry.objects.get_for_model(Vote).count()
    services_votes.ballot_cast(vote=vote, member=world.plain_member, choice="for")
    vote.refresh_from_db()
    assert (vote.secret_for, vote.ballots_cast) == (0, 0)  # sealed until the vote closes
    assert LogEntry.objects.get_for_model(Vote).count() == before


@pytest.mark.django_db
def test_a_deleted_agenda_item_is_recorded_once(world):
    """django-auditlog sees a deletion by its signal: the service adds no second entry of its own."""
    meeting = make_meeting(world.cell_a1)
    item = meeting.agenda_items.order_by("position").last()
    pk = item.pk
    services_prep.agenda_item_delete(item=item)
    assert list(entries(AgendaItem, LogEntry.Action.DELETE)) == [pk]
    assert LogEntry.objects.get_for_model(AgendaItem).filter(action=LogEntry.Action.DELETE).count() == 1


@pytest.mark.django_db
def test_an_update_by_expression_records_the_value_it_gave(world):
    meeting = make_meeting(world.cell_a1)
    item = meeting.agenda_items.order_by("position").first()
    audit.update(AgendaItem.objects.filter(pk=item.pk), position=F("position") + 10)
    assert entries(AgendaItem)[item.pk] == [{"position": [str(item.position), str(item.position + 10)]}]
