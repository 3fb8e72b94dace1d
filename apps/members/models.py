from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class PeriodQuerySet(ScopedQuerySet):
    def in_force_on(self, day):
        """The periods covering the day (from, until or open-ended): the queryset twin of rules.in_force_on."""
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class MemberPeriod(models.Model):
    """A period of a member's party life with its reason (open-ended when ``ends_on`` is empty). Subclasses give
    the ``member`` foreign key (with their own related name)."""

    member: Member  # declared by each subclass

    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    objects = PeriodQuerySet.as_manager()
    scope_path = "member__cell__path"
    member_scope = "member__user"

    class Meta:
        abstract = True
        ordering = ["member", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="%(class)s_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.starts_on}–{self.ends_on or ''}"


class Exemption(MemberPeriod):
    """Exemption from party work and meetings (miễn công tác và sinh hoạt đảng) for a period."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exemptions")

    class Meta(MemberPeriod.Meta):
        pass


class Suspension(MemberPeriod):
    """Suspension from party activity (đình chỉ sinh hoạt đảng) for a period, decided by a competent committee
    (usually pending a discipline case). A suspended member keeps their line in the cell but has no vote
    (DOMAIN.md §5: not counted among the eligible members) and is not graded for the year (§8)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="suspensions")
    decision_ref = models.CharField(_("decision"), max_length=120, blank=True)

    class Meta(MemberPeriod.Meta):
        pass


class Attachment(MemberPeriod):
    """Temporary attachment to another cell (sinh hoạt đảng tạm thời, DOMAIN.md §5): while working or studying away
    for a while, the member meets with a host cell but stays a member of their home cell. During the period the home
    cell's roll call shows them as attached (neither absent nor eligible unless they come); the host cell lists them
    among those attending who do not vote there and does not count them among its members."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attachments")
    host = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="attached_members", verbose_name=_("host cell")
    )

    class Meta(MemberPeriod.Meta):
        pass


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


# --- Party dues (DOMAIN.md §9; Quy định 01-QĐ/TW) -------------------------------------------------------------


class DuesBasis(models.TextChoices):
    SALARY = "salary", _("Social-insurance salary")
    PENSION = "pension", _("Pension")
    FIXED = "fixed", _("Fixed amount")


class DuesRate(models.Model):
    """A dues rate in force from a date, set by a committee for its subtree (rates are data, not code).

    The rate for a member and month is the newest row (``effective_from`` on or before the month) among the rows of
    the committees above the member's cell; at equal dates the committee nearest the cell wins.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="dues_rates", verbose_name=_("issued by")
    )
    basis = models.CharField(_("basis"), max_length=8, choices=DuesBasis.choices)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(_("fixed amount (đồng)"), max_digits=12, decimal_places=0, null=True, blank=True)
    effective_from = models.DateField(_("in force from"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None

    class Meta:
        ordering = ["organization", "basis", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "basis", "effective_from"], name="one_dues_rate_per_date"),
            models.CheckConstraint(
                condition=Q(basis="fixed", fixed_amount__isnull=False) | (~Q(basis="fixed") & Q(percent__isnull=False)),
                name="dues_rate_has_its_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.percent or self.fixed_amount} ({self.effective_from})"


class MemberDuesBasis(models.Model):
    """What a member's dues are computed from, from a date: salary or pension (with the monthly income), or fixed."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_bases")
    basis = models.CharField(_("basis"), max_length=8, choices=DuesBasis.choices)
    monthly_income = models.DecimalField(
        _("monthly salary or pension (đồng)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    effective_from = models.DateField(_("in force from"))

    objects = ScopedQuerySet.as_manager()
    scope_path = "member__cell__path"
    member_scope = "member__user"

    class Meta:
        ordering = ["member", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_from"], name="one_dues_basis_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_basis_display()} ({self.effective_from})"


class Dues(models.Model):
    """One member's party dues for one month (``month`` is the first day of the month)."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        REDUCED = "reduced", _("Reduced")
        EXEMPT = "exempt", pgettext_lazy("dues", "Exempt")
        UNPAID = "unpaid", _("Unpaid")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues")
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount (đồng)"), max_digits=12, decimal_places=0, default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "member__cell__path"
    member_scope = "member__user"

    class Meta:
        verbose_name = _("party dues")
        verbose_name_plural = _("party dues")
        ordering = ["member", "month"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="one_dues_row_per_member_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["month", "member"])]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%m/%Y}: {self.get_status_display()}"
