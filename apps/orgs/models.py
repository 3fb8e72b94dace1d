from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from apps.common.scoping import Role, ScopedQuerySet
from apps.common.text import nfc, search_key


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, action: str = "view") -> OrganizationQuerySet:
        return self.get_queryset().visible_to(user, action)


class Organization(MP_Node):
    """Any node of the party tree (tổ chức đảng), of any depth."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        CELL = "cell", _("Party cell")
        PARTY_GROUP = "party_group", _("Party group")

    class Sector(models.TextChoices):
        """The kind of cell or organisation, for the breakdowns of the dashboards (issue 12)."""

        RESIDENTIAL = "residential", _("Hamlet or residential group")
        AGENCY = "agency", _("Agency")
        SCHOOL = "school", _("School or public service unit")
        ENTERPRISE = "enterprise", _("Enterprise")
        ARMED = "armed", _("Armed forces")
        OTHER = "other", _("Other")

    steplen = 4
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level_label = models.CharField(_("level"), max_length=80, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_search = models.CharField(max_length=200, db_index=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    sector = models.CharField(_("kind of unit"), max_length=12, choices=Sector.choices, blank=True)

    objects = OrganizationManager()

    scope_path = "path"
    member_scope = "node"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["committee", "cell", "party_group"]), name="org_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.level_label = nfc(self.level_label)
        self.code = nfc(self.code)
        self.name_search = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_cell(self) -> bool:
        return self.kind == self.Kind.CELL


class RoleGrantQuerySet(ScopedQuerySet):
    pass


class RoleGrant(models.Model):
    """A role held by a user on a node; it covers the node's subtree. A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()
    scope_path = "organization__path"
    member_scope = None

    class Meta:
        verbose_name = _("role grant")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="grant_period_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
