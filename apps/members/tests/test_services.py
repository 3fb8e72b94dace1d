"""Member verbs: bad input refused with a Vietnamese message, nothing half-saved."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.common.scoping import Role, grants_for
from apps.members.models import CellMembership, CellRole, Member
from apps.members.services import member as services
from apps.members.testing import MemberFactory, add_member
from apps.orgs.models import RoleGrant


def messages_of(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


@pytest.mark.django_db
def test_duplicate_card_number_is_refused_and_nothing_saved(world):
    before = (Member.objects.count(), CellMembership.objects.count())
    with pytest.raises(ValidationError) as exc:
        add_member(world.cell_a2, card_number=world.plain_member.card_number)
    assert "Số thẻ đảng viên này đã thuộc về một đảng viên khác." in messages_of(exc.value)
    assert (Member.objects.count(), CellMembership.objects.count()) == before


@pytest.mark.django_db
def test_duplicate_national_id_is_refused(world):
    add_member(world.cell_a2, national_id="025012345678")
    with pytest.raises(ValidationError) as exc:
        add_member(world.cell_a1, national_id="025012345678")
    assert "national_id" in exc.value.message_dict


@pytest.mark.django_db
def test_future_birth_date_is_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        add_member(world.cell_a1, date_of_birth=tomorrow)
    assert exc.value.message_dict["date_of_birth"] == ["Ngày sinh không thể ở tương lai."]


@pytest.mark.django_db
def test_names_are_stored_nfc(world):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Ha\u0300"  # NFD, as legacy imports deliver it
    member = add_member(world.cell_a1, full_name=decomposed)
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Hà" and member.full_name_search == "nguyen thi ha"


@pytest.mark.django_db
def test_member_cannot_join_a_committee(world):
    with pytest.raises(ValidationError):
        add_member(world.commune_a)


@pytest.mark.django_db
def test_a_member_never_has_two_open_cells(world):
    """The database refuses a second open membership period even if a service is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CellMembership.objects.create(member=world.plain_member, cell=world.cell_a2, joined_on=date(2024, 1, 1))


@pytest.mark.django_db
def test_transfer_closes_one_period_opens_the_next_and_moves_the_grants(world):
    member = world.plain_member
    day = timezone.localdate()
    services.member_transfer(member=member, to_cell=world.cell_b1, on=day, note="Chuyển nơi cư trú")
    periods = list(CellMembership.objects.filter(member=member).order_by("joined_on", "pk"))
    assert [(p.cell_id, p.left_on) for p in periods] == [(world.cell_a1.pk, day), (world.cell_b1.pk, None)]
    assert periods[1].joined_from == "Chi bộ 21"
    member.refresh_from_db()
    assert member.cell_id == world.cell_b1.pk
    open_grants = RoleGrant.objects.filter(user=world.member_user, ends_on__isnull=True)
    assert [(g.organization_id, g.role) for g in open_grants] == [(world.cell_b1.pk, Role.MEMBER)]


@pytest.mark.django_db
def test_transfer_to_the_same_cell_or_before_joining_is_refused(world):
    with pytest.raises(ValidationError):
        services.member_transfer(member=world.plain_member, to_cell=world.cell_a1, on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.member_transfer(member=world.plain_member, to_cell=world.cell_a2, on=date(2019, 1, 1))
    assert CellMembership.objects.filter(member=world.plain_member).count() == 1


@pytest.mark.django_db
def test_official_status_needs_its_date(world):
    member = MemberFactory.build(status="official", official_on=None)
    with pytest.raises(ValidationError) as exc:
        services.member_create(cell=world.cell_a1, member=member, joined_on=date(2020, 1, 1))
    assert "official_on" in exc.value.message_dict


@pytest.mark.django_db
def test_overlapping_exemptions_are_refused(world):
    services.exemption_add(member=world.plain_member, starts_on=date(2025, 1, 1), ends_on=None, reason="Tuổi cao")
    with pytest.raises(ValidationError):
        services.exemption_add(
            member=world.plain_member, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1), reason="Ốm"
        )


@pytest.mark.django_db
def test_new_secretary_ends_the_previous_term_and_its_grant(world):
    services.cell_role_assign(member=world.secretary_member, office="secretary", starts_on=date(2025, 7, 1))
    services.cell_role_assign(member=world.plain_member, office="secretary", starts_on=date(2026, 3, 1))
    terms = list(CellRole.objects.filter(cell=world.cell_a1, office="secretary").order_by("starts_on"))
    assert [(t.member_id, t.ends_on) for t in terms] == [
        (world.secretary_member.pk, date(2026, 2, 28)),
        (world.plain_member.pk, None),
    ]
    roles = {g.role for g in grants_for(world.member_user)}
    assert Role.CELL_SECRETARY in roles


@pytest.mark.django_db
def test_a_transfer_leaves_audit_entries_for_the_offices_and_grants_it_ends(world):
    """A transfer ends the member's offices and account grants in bulk; each row ended has its audit entry."""
    office = services.cell_role_assign(member=world.plain_member, office="board_member", starts_on=date(2025, 1, 1))
    grants = list(RoleGrant.objects.filter(user=world.member_user, ends_on__isnull=True))
    assert grants
    day = timezone.localdate()
    services.member_transfer(member=world.plain_member, to_cell=world.cell_a2, on=day)
    ended = [day.isoformat()]
    office_entry = LogEntry.objects.get_for_object(office).filter(action=LogEntry.Action.UPDATE).get()
    assert office_entry.changes_dict["ends_on"] == [None, *ended]
    for grant in grants:
        entry = LogEntry.objects.get_for_object(grant).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.changes_dict["ends_on"] == [None, *ended]


@pytest.mark.django_db
def test_a_transfer_out_of_the_system_leaves_an_audit_entry_for_the_offices_it_ends(world):
    office = services.cell_role_assign(member=world.plain_member, office="board_member", starts_on=date(2025, 1, 1))
    services.member_transfer_out(member=world.plain_member, on=timezone.localdate(), to_organization="Chi bộ Khu 2")
    entry = LogEntry.objects.get_for_object(office).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["ends_on"] == [None, timezone.localdate().isoformat()]
