"""The one scoping mechanism: every model that reaches an organisation is scoped, and scoping is by subtree."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models

from apps.common.scoping import MANAGE, Role, ScopedQuerySet, forget_grants
from apps.common.testing import UserFactory
from apps.members.models import Member
from apps.members.testing import grant
from apps.orgs.models import Organization, RoleGrant
from apps.orgs.services.tree import organization_create

PROJECT_APPS = {c.label for c in apps.get_app_configs() if c.name.startswith("apps.")}


def reaches_organization(model, seen=()) -> bool:
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.OneToOneField) and field.concrete:
            target = field.related_model
            if target is Organization or (
                target not in seen
                and target._meta.app_label in PROJECT_APPS
                and reaches_organization(target, (*seen, model))
            ):
                return True
    return False


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


@pytest.mark.django_db
@pytest.mark.parametrize("model", project_models(), ids=lambda m: m.__name__)
def test_every_model_that_reaches_an_organization_is_scoped(world, model):
    if getattr(model, "owner_path", None) == "user" and not reaches_organization(model):
        return  # a person's own settings, only ever looked up through request.user
    if getattr(model, "system_record", False) and not reaches_organization(model):
        return  # the system's own bookkeeping (the audit chain, throttles): no organisation, no view reads it
    if getattr(model, "global_rule_data", False) and not reaches_organization(model):
        return  # a versioned national regulation (no personal or organisational data)
    if model is not Organization and not reaches_organization(model):
        pytest.fail(f"{model.__name__} does not reach an organisation: give it one or exclude it explicitly")
    assert isinstance(model.objects.all(), ScopedQuerySet), f"{model.__name__}.objects must be a ScopedQuerySet"
    assert hasattr(model, "scope_path"), f"{model.__name__} must name its scope_path"
    # The declared path resolves to the organisation's materialized path, and the outsider's view of the
    # model holds only rows of their own commune.
    paths = model.objects.visible_to(world.outsider).values_list(model.scope_path, flat=True)
    assert all(p.startswith(world.commune_b.path) for p in paths)


@pytest.mark.django_db
def test_unauthenticated_sees_nothing(world):
    assert not Organization.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_grants_cover_the_subtree(world):
    names = set(Organization.objects.visible_to(world.staff).values_list("name", flat=True))
    assert names == {"Đảng bộ xã An", "Chi bộ 21", "Chi bộ Thôn Đông"}
    assert set(Member.objects.visible_to(world.staff, MANAGE).values_list("pk", flat=True)) == {
        world.secretary_member.pk,
        world.plain_member.pk,
        world.a2_member.pk,
    }


@pytest.mark.django_db
def test_read_only_roles_cannot_manage(world):
    assert not Member.objects.visible_to(world.inspector, MANAGE).exists()
    assert not Member.objects.visible_to(world.supervisor, MANAGE).exists()
    assert Member.objects.visible_to(world.supervisor).get() == world.a2_member


@pytest.mark.django_db
def test_a_member_sees_their_cell_and_their_own_record_only(world):
    assert list(Organization.objects.visible_to(world.member_user)) == [world.cell_a1]
    assert list(Member.objects.visible_to(world.member_user)) == [world.plain_member]


@pytest.mark.django_db
def test_several_roles_on_several_nodes_add_up(world):
    grant(world.supervisor, world.cell_b1, Role.SUPERVISOR)
    forget_grants(world.supervisor)
    assert set(Organization.objects.visible_to(world.supervisor)) == {world.cell_a2, world.cell_b1}


@pytest.mark.django_db
def test_ended_grants_no_longer_count(world):
    RoleGrant.objects.filter(user=world.staff).update(ends_on=date(2021, 1, 1))
    forget_grants(world.staff)
    assert not Organization.objects.visible_to(world.staff).exists()


@pytest.mark.django_db
def test_sibling_paths_are_not_prefixes(world):
    """Prefix tests must not leak between siblings whose paths share leading characters."""
    siblings = [organization_create(parent=world.commune_b, kind="cell", code=f"S{i}", name=f"S{i}") for i in range(11)]
    user = UserFactory()
    grant(user, siblings[0], "cell_secretary")
    assert list(Organization.objects.visible_to(user)) == [siblings[0]]
