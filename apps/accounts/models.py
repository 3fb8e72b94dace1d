"""Signing in: a person's session epoch ("log out everywhere"), the second factor's history, and the counted
attempts of the password-reset throttle. The devices themselves are django-otp's (TOTPDevice, StaticDevice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountState(models.Model):
    """What the accounts app keeps per user: the session epoch. Every session records the epoch at its login; a
    session whose epoch is older than the user's is ended by the session guard ("log out everywhere")."""

    owner_path = "user"  # a person's own record, only ever looked up through the user

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state")
    session_epoch = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"account state #{self.pk}"


class SecondFactorEvent(models.Model):
    """One change to a person's second factor (audited: who, when, from which address, through django-auditlog).
    No secret and no personal data: the person is referenced by id."""

    owner_path = "user"  # a person's own record, only ever looked up through the user

    class Kind(models.TextChoices):
        SET_UP = "set_up", _("Two-step verification set up")
        NEW_RECOVERY_CODES = "new_recovery_codes", _("New recovery codes")
        RESET = "reset", _("Two-step verification reset by an administrator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"second factor {self.kind} #{self.pk}"


class ThrottleHit(models.Model):
    """One counted attempt under a throttle key (e.g. "reset-address:203.0.113.5", "reset-email:<sha256>"). Kept in
    the database so that every gunicorn worker counts the same attempts; rows older than a day are removed."""

    system_record = True  # counts of attempts by address or e-mail: no organisation, no person

    key = models.CharField(max_length=100)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M}"
