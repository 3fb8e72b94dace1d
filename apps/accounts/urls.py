"""The accounts app's pages (the root URLconf puts the login and the password reset at Django's own names)."""

from django.urls import path

from apps.accounts.views import account, login, second_factor

app_name = "accounts"

urlpatterns = [
    # login
    path("verify/", login.verify, name="verify"),
    # account
    path("security/", account.security, name="security"),
    path("logout-everywhere/", account.log_out_everywhere, name="logout_everywhere"),
    # second factor
    path("2fa/setup/", second_factor.setup, name="otp_setup"),
    path("2fa/recovery-codes/", second_factor.recovery_codes, name="recovery_codes"),
]
