"""The year's calendar of a cell's meetings, its local rule, and each person's mail and feed choices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.meetings.models.meeting import new_token
from apps.orgs.models import Organization


class MeetingRule(models.Model):
    """A cell's local rule for its monthly meeting (DOMAIN.md §4): the day of the month, time and place.

    A weekend or public holiday moves the meeting to the next working day (rules.next_working_day).
    """

    cell = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="meeting_rule")
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=5)
    start_time = models.TimeField(_("start time"), default="19:30")
    place = models.CharField(_("place"), max_length=200, blank=True)
    thematic_month_of_quarter = models.PositiveSmallIntegerField(
        _("month of the quarter for the thematic meeting"), default=2
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28), name="rule_day_1_28"),
            models.CheckConstraint(
                condition=Q(thematic_month_of_quarter__gte=1, thematic_month_of_quarter__lte=3),
                name="rule_thematic_month_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cell}: {self.day_of_month}"


class AnnualCalendar(models.Model):
    """The year's planned meetings of a cell (lịch sinh hoạt năm), submitted to and registered by the committee."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REGISTERED = "registered", _("Registered")

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="calendars")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "year"], name="one_calendar_per_cell_year")]
        ordering = ["-year", "cell"]

    def __str__(self) -> str:
        return f"{self.cell} {self.year}"


class NotificationPreference(models.Model):
    """Per-user choice of which meeting e-mails to receive."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    calendar = models.BooleanField(_("the year's calendar and date changes"), default=True)
    reminders = models.BooleanField(_("reminder before each meeting"), default=True)
    preparation = models.BooleanField(_("meeting documents and invitations"), default=True)

    owner_path = "user"  # belongs to a person, not an organisation: always looked up through request.user

    def __str__(self) -> str:
        return str(self.user)


class CalendarFeed(models.Model):
    """A private, revocable token for a user's iCalendar feed of their cell's meetings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    owner_path = "user"

    def __str__(self) -> str:
        return str(self.user)
