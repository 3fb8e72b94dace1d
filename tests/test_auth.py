"""Login, logout, password change and reset through Django's views, with django-axes lockout."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.common.testing import PASSWORD


@pytest.mark.django_db
def test_login_with_the_real_form_and_logout(world, client):
    response = client.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "Bí thư chi bộ" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_is_refused_in_vietnamese(world, client):
    response = client.post(reverse("login"), {"username": "bithu", "password": "sai-mat-khau"})
    assert response.status_code == 200 and "Tên đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "bithu", "password": "sai"})
    response = client.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()


@pytest.mark.django_db
def test_password_change(world, client):
    client.force_login(world.secretary)
    new = "mat-khau-moi-rat-dai-2026"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(new)


@pytest.mark.django_db
def test_password_reset_by_email(world, client):
    world.secretary.email = "bithu@example.org"
    world.secretary.save()
    client.post(reverse("password_reset"), {"email": "bithu@example.org"})
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Đặt lại mật khẩu"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "mat-khau-sau-khi-quen-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(new)
