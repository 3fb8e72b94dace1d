"""The votes section of the meeting screen on a cell with history: the two figures a secretary needs next to the
forms, the board's paper-ballot form (errors shown next to it, the figures as typed kept), closing with nothing entered
only after ticking the confirmation, voiding with a reason (struck through, kept), who may do what (another commune's
member: 404; a plain member cannot enter counts: 404; nothing changes), no GET that writes, bounded queries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.common.testing import snapshot
from apps.meetings.models import Vote
from apps.meetings.services import votes as services_votes


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


state = snapshot(lambda vote: Vote.objects.filter(pk=vote.pk).values())


PAPER = {"issued": 7, "returned": 7, "valid": 6, "invalid": 1, "approving": 5, "against": 1, "abstain": 0}


@pytest.mark.django_db
def test_the_screen_shows_the_number_the_check_uses_and_the_base_of_the_result(day, client_for):
    services_votes.vote_open(meeting=day.meeting, question="Thông qua nghị quyết", method="open")
    html = client_for(day.secretary).get(url("detail", day.meeting.pk)).content.decode()
    assert 'data-figure="voters-present">7<' in html and 'data-figure="eligible">8<' in html
    assert "Đảng viên chính thức có mặt được biểu quyết" in html
    assert "Số đảng viên được quyền biểu quyết (căn cứ tính kết quả)" in html
    # The forms' labels are written in sentence case.
    for label in ("Tán thành", "Không tán thành", "Không biểu quyết", "Nội dung biểu quyết", "Hình thức"):
        assert f">{label} *</label>" in html


@pytest.mark.django_db
def test_the_board_enters_the_paper_ballots(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm bí thư", method="secret")
    client = client_for(day.secretary)
    html = client.get(url("detail", day.meeting.pk)).content.decode()
    assert "Ghi kết quả kiểm phiếu" in html and f'action="{url("vote_paper", vote.pk)}"' in html
    for label in ("Số phiếu phát ra", "Số phiếu thu về", "Số phiếu hợp lệ", "Số phiếu không hợp lệ"):
        assert f">{label} *</label>" in html
    response = client.post(url("vote_paper", vote.pk), PAPER)
    assert response.status_code == 302 and response["Location"].endswith(f"#vote{vote.pk}")
    vote.refresh_from_db()
    assert (vote.paper_issued, vote.paper_valid, vote.paper_for, vote.paper_against) == (7, 6, 5, 1)
    assert client.post(url("vote_close", vote.pk)).status_code == 302
    html = client.get(url("detail", day.meeting.pk)).content.decode()
    assert 'class="vote-line"' in html and "5/8" in html and "Phiếu giấy: phát ra 7, thu về 7" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({**PAPER, "returned": 8, "valid": 7}, "8 phiếu thu về nhưng chỉ phát ra 7 phiếu."),
        ({**PAPER, "issued": 8, "returned": 8, "valid": 7, "approving": 6}, "vượt quá 7 đảng viên chính thức có mặt"),
        ({**PAPER, "abstain": 1}, "phải bằng số phiếu hợp lệ (6)"),
        ({**PAPER, "valid": "sáu"}, "Nhập số nguyên"),
        ({**PAPER, "invalid": "-1"}, "không được là số âm"),
        ({**PAPER, "issued": ""}, "Nhập một số"),
    ],
)
def test_figures_that_do_not_add_up_are_refused_next_to_the_form(day, client_for, typed, message):
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm bí thư", method="secret")
    before = state(vote)
    response = client_for(day.secretary).post(url("vote_paper", vote.pk), typed)
    html = response.content.decode()
    assert response.status_code == 200 and message in html, html[html.find('id="votes"') :][:3000]
    assert f'name="approving" value="{typed["approving"]}"' in html  # what was typed is still there
    assert state(vote) == before


@pytest.mark.django_db
def test_the_show_of_hands_is_refused_above_the_members_present_with_that_number(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method="open")
    response = client_for(day.secretary).post(url("vote_counts", vote.pk), {"approving": 8, "against": 0, "abstain": 0})
    assert response.status_code == 200 and "7" in response.content.decode()
    assert "chỉ có 7 đảng viên chính thức có mặt" in response.content.decode()
    vote.refresh_from_db()
    assert vote.votes_for == 0


@pytest.mark.django_db
def test_closing_with_nothing_entered_asks_first(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method="open")
    client = client_for(day.secretary)
    html = client.get(url("detail", day.meeting.pk)).content.decode()
    assert "Chưa ghi kết quả nào cho biểu quyết này. Vẫn kết thúc?" in html and 'name="confirm"' in html
    response = client.post(url("vote_close", vote.pk))
    assert response.status_code == 200 and "Đánh dấu xác nhận" in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == "open"
    assert client.post(url("vote_close", vote.pk), {"confirm": "on"}).status_code == 302
    vote.refresh_from_db()
    assert vote.status == "closed"


@pytest.mark.django_db
def test_a_vote_entered_by_mistake_is_voided_and_shown_struck_through(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Câu hỏi nhập nhầm", method="open")
    services_votes.vote_record_counts(vote=vote, approving=7, against=0, abstain=0)
    services_votes.vote_close(vote=vote)
    client = client_for(day.secretary)
    response = client.post(url("vote_void", vote.pk), {"reason": ""})
    assert response.status_code == 200 and "Ghi rõ lý do hủy bỏ biểu quyết." in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == "closed"
    assert client.post(url("vote_void", vote.pk), {"reason": "Đếm nhầm câu hỏi"}).status_code == 302
    vote.refresh_from_db()
    assert (vote.status, vote.void_reason, vote.voided_by) == ("voided", "Đếm nhầm câu hỏi", day.secretary)
    for viewer in (day.secretary, day.member_user):
        html = client_for(viewer).get(url("detail", day.meeting.pk)).content.decode()
        assert "<del><strong>Câu hỏi nhập nhầm</strong></del>" in html
        voider = day.secretary.get_full_name() or day.secretary.username
        assert f"bởi {voider}. Lý do: Đếm nhầm câu hỏi" in html
        assert "<del>7/8" in html


@pytest.mark.django_db
def test_a_voided_secret_ballot_takes_no_more_ballots(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    services_votes.vote_void(vote=vote, reason="Mở nhầm", by=day.secretary)
    response = client_for(day.member_user).post(url("ballot", vote.pk), {"choice": "for"})
    assert response.status_code == 200 and "Biểu quyết đã bị hủy bỏ." in response.content.decode()
    vote.refresh_from_db()
    assert vote.ballots_cast == 0


def _posts(vote):
    return [
        (url("vote_open", vote.meeting_id), {"question": "Câu hỏi lạ", "method": "open", "purpose": "other"}),
        (url("vote_counts", vote.pk), {"approving": 1, "against": 0, "abstain": 0}),
        (url("vote_paper", vote.pk), {**PAPER}),
        (url("vote_close", vote.pk), {"confirm": "on"}),
        (url("vote_void", vote.pk), {"reason": "Phá"}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "member_user", "supervisor"])
@pytest.mark.parametrize("method", ["open", "secret"])
def test_only_the_cells_managers_enter_close_or_void(day, client_for, who, method):
    """Another commune's member, a plain member of the cell and the supervisor of another cell: 404, nothing changes."""
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method=method)
    before, count = state(vote), Vote.objects.count()
    client = client_for(getattr(day, who))
    for target, data in _posts(vote):
        assert client.post(target, data).status_code == 404, target
    assert state(vote) == before and Vote.objects.count() == count


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in_and_get_writes_nothing(day, client):
    vote = services_votes.vote_open(meeting=day.meeting, question="Thông qua", method="secret")
    before = state(vote)
    for target, data in _posts(vote):
        response = client.post(target, data)
        assert response.status_code == 302 and "login" in response["Location"]

    secretary = get_user_model().objects.get(pk=day.secretary.pk)
    client.force_login(secretary)
    for target, _data in _posts(vote):
        assert client.get(target).status_code == 405
    assert state(vote) == before


@pytest.mark.django_db
def test_the_votes_section_costs_at_most_one_query_more_whatever_the_votes(day, client_for):
    client = client_for(day.secretary)
    first = services_votes.vote_open(meeting=day.meeting, question="Câu 1", method="open")

    def queries_of_the_page():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("detail", day.meeting.pk)).status_code == 200
        return len(ctx.captured_queries)

    one = queries_of_the_page()
    services_votes.vote_record_counts(vote=first, approving=7, against=0, abstain=0)
    services_votes.vote_close(vote=first)
    services_votes.vote_void(vote=first, reason="Nhầm", by=day.secretary)
    second = services_votes.vote_open(meeting=day.meeting, question="Câu 2", method="secret")
    services_votes.vote_record_paper(vote=second, **PAPER)
    services_votes.vote_open(meeting=day.meeting, question="Câu 3", method="open")
    more = services_votes.vote_open(meeting=day.meeting, question="Câu 4", method="secret")
    services_votes.vote_void(vote=more, reason="Nhầm", by=day.secretary)
    assert queries_of_the_page() == one + 1  # the names of those who voided votes


@pytest.mark.django_db
def test_the_board_sees_before_closing_that_two_phone_ballots_cannot_be_counted_with_paper(day, client_for):
    vote = services_votes.vote_open(meeting=day.meeting, question="Tín nhiệm", method="secret")
    for member in day.present[:2]:
        services_votes.ballot_cast(vote=vote, member=member, choice="for")
    client = client_for(day.secretary)
    assert "bên cạnh phiếu giấy" not in client.get(url("detail", day.meeting.pk)).content.decode()
    services_votes.vote_record_paper(
        vote=vote, **{**PAPER, "issued": 5, "returned": 5, "valid": 5, "invalid": 0, "approving": 4}
    )
    html = client.get(url("detail", day.meeting.pk)).content.decode()
    assert 'class="warning">Có 2 phiếu bỏ trên điện thoại bên cạnh phiếu giấy' in html
    assert "2 phiếu bỏ trên điện thoại." in html
    response = client.post(url("vote_close", vote.pk))
    assert response.status_code == 200 and "ban kiểm phiếu có thể suy ra" in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == "open"
