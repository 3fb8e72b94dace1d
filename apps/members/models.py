from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.common.scoping import ScopedQuerySet
from apps.common.text import nfc, search_key
from apps.orgs.models import Organization


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


class Member(models.Model):
    """A party member (đảng viên). ``cell`` is the one cell they belong to now; history is in CellMembership."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("Probationary")
        OFFICIAL = "official", _("Official")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members", verbose_name=_("cell"))
    full_name = models.CharField(_("full name"), max_length=120)
    full_name_search = models.CharField(max_length=120, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    card_number = models.CharField(_("party card number"), max_length=20, null=True, blank=True, unique=True)
    national_id = models.CharField(
        _("national ID"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("The national ID has exactly 12 digits."))],
    )
    admitted_on = models.DateField(_("date admitted"))
    official_on = models.DateField(_("date made official"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROBATIONARY)
    residence = models.CharField(_("residence (village / residential group)"), max_length=120, blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="members/", blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = MemberQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "user"

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["full_name_search", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="probationary", official_on__isnull=True)
                | Q(status="official", official_on__isnull=False),
                name="member_status_matches_official_date",
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=F("admitted_on")),
                name="member_official_after_admission",
            ),
            models.CheckConstraint(condition=Q(admitted_on__gt=F("date_of_birth")), name="member_admitted_after_birth"),
        ]
        indexes = [models.Index(fields=["cell", "active", "status"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        self.full_name_search = search_key(self.full_name)
        super().save(*args, **kwargs)


class CellMembership(models.Model):
    """One period of a member in a cell (sinh hoạt tại chi bộ); transfers close one period and open the next."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(_("joined on"))
    joined_from = models.CharField(_("transferred in from"), max_length=200, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_to = models.CharField(_("transferred out to"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "member__user"

    class Meta:
        ordering = ["member", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(left_on__isnull=True), name="one_open_membership_per_member"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="membership_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.cell}"


class Exemption(models.Model):
    """Exemption from party work and meetings (miễn công tác và sinh hoạt đảng) for a period."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exemptions")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    objects = ScopedQuerySet.as_manager()
    scope_path = "member__cell__path"
    member_scope = "member__user"

    class Meta:
        ordering = ["member", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="exemption_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.starts_on}–{self.ends_on or ''}"


class CellRole(models.Model):
    """A member's office in the cell for a term: secretary, deputy secretary or board member."""

    class Office(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        BOARD_MEMBER = "board_member", _("Board member")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cell_roles")
    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cell_roles")
    office = models.CharField(_("office"), max_length=20, choices=Office.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "cell__path"
    member_scope = "node"

    class Meta:
        ordering = ["cell", "office", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="cell_role_period_valid"
            ),
            models.UniqueConstraint(
                fields=["cell"],
                condition=Q(office="secretary", ends_on__isnull=True),
                name="one_current_secretary_per_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_office_display()}: {self.member}"
