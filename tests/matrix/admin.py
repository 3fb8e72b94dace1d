"""Keywords of the admin site's URLs: a real row of the admin's model where there is one."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from tests.matrix.urls import Pattern


def admin_kwargs(pattern: Pattern) -> dict[str, str]:
    """``admin:<app>_<model>_<view>``'s keywords: the first row of that model (or "0" when it has none)."""
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    stem = pattern.name.removeprefix("admin:").rsplit("_", 1)[0]
    model = models.get(stem) or models.get(stem.rsplit("_", 1)[0])
    row = model._default_manager.order_by("pk").first() if model is not None else None
    user = get_user_model()._default_manager.order_by("pk").first()
    kwargs: dict[str, str] = {}
    for keyword in pattern.keywords:
        if keyword == "app_label":
            kwargs[keyword] = "orgs"
        elif keyword == "content_type_id":
            kwargs[keyword] = str(ContentType.objects.get_for_model(user).pk)
        elif keyword == "object_id" and pattern.name == "admin:view_on_site":
            kwargs[keyword] = str(user.pk)
        elif keyword == "url":  # the catch-all: a page the admin does not have
            kwargs[keyword] = "nowhere/"
        elif keyword == "id":
            kwargs[keyword] = str(user.pk)
        else:
            kwargs[keyword] = str(row.pk) if row is not None else "0"
    return kwargs
