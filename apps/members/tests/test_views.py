"""Member pages: scope per persona, 404 outside, login for anonymous, nothing changed on denied posts."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.common.testing import snapshot
from apps.members.models import Member
from apps.members.services import member as services
from apps.members.testing import add_member


def url(name, *args):
    return reverse(name, args=args)


state = snapshot(Member.objects.order_by("pk").values_list("pk", "cell_id", "full_name", "status"))


@pytest.mark.parametrize(
    ("persona", "target", "expected"),
    [
        ("secretary", "plain_member", 200),
        ("secretary", "a2_member", 404),
        ("secretary", "b1_member", 404),
        ("member_user", "plain_member", 200),  # own profile
        ("member_user", "secretary_member", 404),  # least privilege: not other members' profiles
        ("staff", "a2_member", 200),
        ("staff", "b1_member", 404),
        ("supervisor", "a2_member", 200),
        ("supervisor", "plain_member", 404),
        ("inspector", "plain_member", 200),
        ("outsider", "plain_member", 404),
        ("outsider", "b1_member", 200),
    ],
)
@pytest.mark.django_db
def test_member_detail_is_scoped(world, client_for, persona, target, expected):
    member = getattr(world, target)
    assert client_for(getattr(world, persona)).get(url("members:detail", member.pk)).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary", 200),
        ("staff", 200),
        ("member_user", 404),
        ("supervisor", 404),
        ("inspector", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["members:edit", "members:transfer", "members:exemption", "members:office"])
@pytest.mark.django_db
def test_member_changes_need_manage_rights_inside_the_subtree(world, client_for, persona, expected, name):
    assert client_for(getattr(world, persona)).get(url(name, world.plain_member.pk)).status_code == expected


@pytest.mark.parametrize("name", ["members:list", "members:probation_due"])
@pytest.mark.django_db
def test_anonymous_goes_to_login(world, client, name):
    response = client.get(url(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_outsider_cannot_edit_and_nothing_changes(world, client_for):
    before = state()
    response = client_for(world.outsider).post(
        url("members:edit", world.plain_member.pk), {"full_name": "Bị sửa trộm", "gender": "male"}
    )
    assert response.status_code == 404 and state() == before


@pytest.mark.django_db
def test_outsider_cannot_add_a_member_to_another_cell(world, client_for):
    before = state()
    assert client_for(world.outsider).post(url("members:create", world.cell_a1.pk), {}).status_code == 404
    assert state() == before


@pytest.mark.django_db
def test_member_list_is_scoped(world, client_for):
    html = client_for(world.staff).get(url("members:list")).content.decode()
    assert "Phạm Thị Thôn Đông" in html and "Hoàng Văn Người Ngoài" not in html
    html = client_for(world.outsider).get(url("members:list"), {"q": "dang vien"}).content.decode()
    assert "Lê Văn Đảng Viên" not in html


@pytest.mark.django_db
def test_member_search_without_diacritics(world, client_for):
    html = client_for(world.staff).get(url("members:list"), {"q": "le van dang vien"}).content.decode()
    assert "Lê Văn Đảng Viên" in html and "Phạm Thị Thôn Đông" not in html


@pytest.mark.django_db
def test_reading_a_profile_is_logged(world, client_for):
    client_for(world.staff).get(url("members:detail", world.plain_member.pk))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(world.plain_member.pk)).get()
    assert entry.actor == world.staff


@pytest.mark.django_db
def test_secretary_adds_a_member_with_dd_mm_yyyy_dates(world, client_for):
    response = client_for(world.secretary).post(
        url("members:create", world.cell_a1.pk),
        {
            "full_name": "Đỗ Thị Mới",
            "gender": "female",
            "date_of_birth": "02/09/1990",
            "card_number": "77000001",
            "admitted_on": "03/02/2026",
            "status": "probationary",
            "joined_on": "03/02/2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    member = Member.objects.get(card_number="77000001")
    assert member.cell == world.cell_a1 and member.date_of_birth.isoformat() == "1990-09-02"
    assert member.memberships.get().joined_on.isoformat() == "2026-02-03"


@pytest.mark.django_db
def test_duplicate_card_number_in_the_form_gets_a_vietnamese_message(world, client_for):
    before = state()
    response = client_for(world.secretary).post(
        url("members:create", world.cell_a1.pk),
        {
            "full_name": "Trùng Thẻ",
            "gender": "male",
            "date_of_birth": "01/01/1980",
            "card_number": world.a2_member.card_number,
            "admitted_on": "01/01/2005",
            "official_on": "01/01/2006",
            "status": "official",
            "joined_on": "01/01/2020",
        },
    )
    assert response.status_code == 200
    assert "Số thẻ đảng viên này đã thuộc về một đảng viên khác." in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_probation_due_list(world, client_for):
    today = timezone.localdate()
    add_member(
        world.cell_a1,
        full_name="Dự Bị Đến Hạn",
        status="probationary",
        official_on=None,
        admitted_on=today - timedelta(days=370),
    )
    add_member(
        world.cell_a1,
        full_name="Dự Bị Chưa Đến",
        status="probationary",
        official_on=None,
        admitted_on=today - timedelta(days=100),
    )
    add_member(
        world.cell_b1,
        full_name="Dự Bị Xã Khác",
        status="probationary",
        official_on=None,
        admitted_on=today - timedelta(days=370),
    )
    html = client_for(world.staff).get(url("members:probation_due")).content.decode()
    assert "Dự Bị Đến Hạn" in html and "Dự Bị Chưa Đến" not in html and "Dự Bị Xã Khác" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_member_list_query_count_is_constant(world, client_for, extra):
    for _ in range(extra):
        add_member(world.cell_a2)
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("members:list")).status_code == 200
    # session, user, grants, count, page of members (cell joined, exemption as a subquery)
    assert len(ctx.captured_queries) == 5, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_member_detail_query_count_is_constant(world, client_for, extra):
    for i in range(extra):
        services.exemption_add(
            member=world.plain_member, starts_on=date(2020 + i, 1, 1), ends_on=date(2020 + i, 6, 1), reason="Ốm"
        )
        services.suspension_add(
            member=world.plain_member, starts_on=date(2020 + i, 7, 1), ends_on=date(2020 + i, 8, 1), reason="Chờ"
        )
    client = client_for(world.staff)
    ContentType.objects.get_for_model(Member)  # the access log's content type is cached per process
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("members:detail", world.plain_member.pk)).status_code == 200
    # session, user, grants, member (+cell, user), memberships, exemptions, suspensions, attachments (+host),
    # offices, access-log insert
    assert len(ctx.captured_queries) == 10, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_transfer_out_of_the_system_archives_the_member(world, client_for):
    response = client_for(world.secretary).post(
        url("members:transfer", world.plain_member.pk),
        {"to_organization": "Chi bộ Khu 2, Đảng bộ phường Tân Định", "on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    world.plain_member.refresh_from_db()
    assert not world.plain_member.active
    period = world.plain_member.memberships.get()
    assert period.left_to == "Chi bộ Khu 2, Đảng bộ phường Tân Định" and period.left_on == timezone.localdate()
    assert "Lê Văn Đảng Viên" not in client_for(world.secretary).get(url("members:list")).content.decode()


@pytest.mark.django_db
def test_transfer_needs_exactly_one_destination(world, client_for):
    response = client_for(world.secretary).post(url("members:transfer", world.plain_member.pk), {"on": "01/01/2026"})
    assert response.status_code == 200
    assert "Chọn một chi bộ trong hệ thống" in response.content.decode()


@pytest.mark.django_db
def test_photo_is_served_only_inside_the_scope(world, client_for):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
        b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    world.plain_member.photo.save("anh.png", SimpleUploadedFile("anh.png", png))
    response = client_for(world.secretary).get(url("members:photo", world.plain_member.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(world.outsider).get(url("members:photo", world.plain_member.pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [1, 3])
def test_probation_due_query_count_is_constant(world, client_for, extra):
    for _ in range(extra):
        add_member(
            world.cell_a2,
            status="probationary",
            official_on=None,
            admitted_on=timezone.localdate() - timedelta(days=380),
        )
    client = client_for(world.staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("members:probation_due"))
    assert response.status_code == 200 and len(response.context["rows"]) == extra
    # session, user, grants, the due members with their cells
    assert len(ctx.captured_queries) == 4, [q["sql"] for q in ctx.captured_queries]
