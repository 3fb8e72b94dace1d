"""Uploads are checked by content (apps.common.uploads.check_upload), with real bytes, and every upload form uses it."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.common.uploads import check_upload
from apps.meetings.models import MeetingDocument
from apps.meetings.testing import make_meeting
from apps.members.forms.member import MEMBER_FIELDS, MemberForm
from apps.quality.models import Rubric
from apps.resolutions.models import TaskProgress
from apps.resolutions.tests.test_tasks_services import adopted_task
from tests import samples

ALL = {"docx", "xlsx", "pdf", "image", "odt", "ods", "doc", "xls", "rtf", "txt", "json"}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(name: str, data: bytes, kinds=frozenset(ALL)) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, data), set(kinds))
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("du-thao.docx", samples.docx_bytes()),
        ("DANH-SACH.XLSX", samples.xlsx_bytes()),
        ("bien-ban.pdf", samples.pdf_bytes()),
        ("anh.png", samples.png_bytes()),
        ("anh.jpg", samples.jpeg_bytes()),
        ("ghi-chu.txt", "Ghi chú tiếng Việt\n".encode()),
        ("bang.json", b'{"code": "x"}'),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
        ("van-ban.rtf", b"{\\rtf1\\ansi xin chao}"),
    ],
)
def test_real_files_pass_and_are_left_rewound(name, data):
    file = upload(name, data)
    check_upload(file, ALL)
    assert file.read() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("virus.docx", samples.elf_bytes()),
        ("virus.docx", samples.mz_bytes()),
        ("virus.xlsx", samples.mz_bytes()),
        ("virus.pdf", samples.mz_bytes()),
        ("virus.png", samples.elf_bytes()),
        ("virus.txt", samples.elf_bytes()),
        ("virus.doc", samples.mz_bytes()),
        ("virus.rtf", samples.mz_bytes()),
        ("tu-giai-nen.docx", samples.mz_with_zip_appended()),
        ("khong-phai-word.docx", samples.zip_without_parts()),
        ("bang-tinh.docx", samples.xlsx_bytes()),  # an Excel file named .docx lacks word/document.xml
        ("van-ban.xlsx", samples.docx_bytes()),
        ("anh.pdf", samples.png_bytes()),
        ("rong.docx", b""),
        ("cat-ngang.png", samples.png_bytes()[:30]),
    ],
)
def test_a_file_whose_content_is_not_its_name_is_refused_in_vietnamese(name, data):
    message = refusal(name, data)
    assert "Nội dung tệp không phải là" in message, message


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    assert "Nội dung tệp không phải là" in refusal("bom.docx", samples.zip_bomb())


def test_a_zip_of_thousands_of_entries_is_refused():
    assert "Nội dung tệp không phải là" in refusal("nhieu.docx", samples.zip_of_many_entries())


def test_a_picture_of_too_many_pixels_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # 64 million pixels in a few kilobytes
    assert "Nội dung tệp không phải là" in refusal("to.png", buffer.getvalue())


def test_an_extension_not_accepted_here_is_refused():
    assert "Loại tệp này không được nhận ở đây (.exe)" in refusal("virus.exe", samples.mz_bytes())
    assert "(.pdf)" in refusal("bien-ban.pdf", samples.pdf_bytes(), kinds={"image"})
    assert "(.?)" in refusal("khong-duoi", samples.pdf_bytes())


@override_settings(CHIBO_UPLOAD_MAX_BYTES=1000)
def test_a_file_above_the_size_limit_is_refused():
    assert "Tệp quá lớn" in refusal("lon.pdf", samples.pdf_bytes() + b"0" * 1000)


# ---------------------------------------------------------------------------------------------- the forms


@pytest.mark.django_db
def test_meeting_document_form(world, client_for):
    meeting = make_meeting(world.cell_a1, kind="thematic", when=timezone.now() + timedelta(days=3))
    client = client_for(world.secretary)
    target = reverse("meetings:document_add", args=[meeting.pk])
    fake = {"kind": "other", "title": "Giả", "file": upload("du-thao.docx", samples.mz_bytes())}
    response = client.post(target, fake)
    assert response.status_code == 200 and not MeetingDocument.objects.filter(meeting=meeting).exists()
    assert "Nội dung tệp không phải là" in " ".join(response.context["form"].errors["file"])
    real = {"kind": "other", "title": "Thật", "file": upload("du-thao.docx", samples.docx_bytes())}
    assert client.post(target, real).status_code == 302
    assert MeetingDocument.objects.get(meeting=meeting).file.name.endswith(".docx")


@pytest.mark.django_db
def test_task_progress_form(world, client_for):
    task = adopted_task(world)
    client = client_for(world.member_user)
    target = reverse("resolutions:task_progress", args=[task.pk])
    day = timezone.localdate().strftime("%d/%m/%Y")
    fake = {"on": day, "text": "Xong", "evidence": upload("anh.png", samples.elf_bytes())}
    response = client.post(target, fake)
    assert response.status_code == 200 and not TaskProgress.objects.filter(task=task).exists()
    assert "Nội dung tệp không phải là" in " ".join(response.context["form"].errors["evidence"])
    real = {"on": day, "text": "Xong", "evidence": upload("anh.png", samples.png_bytes())}
    assert client.post(target, real).status_code == 302
    assert TaskProgress.objects.get(task=task).evidence.name.endswith(".png")


@pytest.mark.django_db
def test_rubric_import_form(world, client_for):
    client = client_for(world.staff)
    target = reverse("quality:rubric_import", args=[world.commune_a.pk])
    before = Rubric.objects.count()
    response = client.post(target, {"file": upload("bang.json", samples.elf_bytes())})
    assert response.status_code == 200 and Rubric.objects.count() == before
    assert "Nội dung tệp không phải là" in " ".join(response.context["form"].errors["file"])
    response = client.post(target, {"file": upload("bang.exe", json.dumps({}).encode())})
    assert "Loại tệp này không được nhận ở đây" in " ".join(response.context["form"].errors["file"])


@pytest.mark.django_db
def test_member_photo_form(world, client_for):
    member = world.plain_member
    initial = MemberForm(instance=member).initial
    data = {name: initial.get(name) or "" for name in MEMBER_FIELDS}
    for name in ("date_of_birth", "admitted_on", "official_on"):
        data[name] = data[name].strftime("%d/%m/%Y") if data[name] else ""
    client = client_for(world.secretary)
    target = reverse("members:edit", args=[member.pk])
    response = client.post(target, {**data, "photo": upload("anh.png", samples.mz_bytes())})
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    member.refresh_from_db()
    assert not member.photo
    response = client.post(target, {**data, "photo": upload("anh.png", samples.png_bytes())})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    member.refresh_from_db()
    assert member.photo.name.endswith(".png")
