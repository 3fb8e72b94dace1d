"""The soak's people, added to the seeded demo: a login for the secretary of each of N cells (the demo has one,
``bithu``), two members of each of those cells and one committee-staff reader of the district's dashboards.

Run inside Django (``python -m soak.inside accounts PLAN.json``, with the soak's settings and database): writes the
plan the load driver follows (who logs in, which cell, which organisations) as JSON. Secretaries and members need no
second factor; the committee reader does (CHIBO_OTP_REQUIRED), so when django-otp's TOTP device model is installed
the reader gets a device whose key is written into the plan, and the driver answers the second step with its code.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from apps.common.scoping import Role
from apps.members.models import CellRole, Member
from apps.orgs.models import Organization, RoleGrant


def main(plan_path: str) -> int:
    cells_wanted = int(os.environ.get("SOAK_CELLS", "30"))
    password = os.environ["SOAK_PASSWORD"]
    hashed = make_password(password)  # one hash for every soak account: hashing ninety times would take a minute
    User = get_user_model()
    today = date.today()
    current = CellRole.objects.filter(office=CellRole.Office.SECRETARY, ends_on__isnull=True)
    current = current.select_related("member", "cell").order_by("cell__path")
    chosen = []
    for role in current:
        sec = role.member
        if sec.user_id is not None or not sec.active or sec.cell_id != role.cell_id:
            continue  # the demo's own secretary keeps her account; a secretary moved away is not the cell's
        others = list(
            Member.objects.filter(cell=role.cell, active=True, user__isnull=True, status=Member.Status.OFFICIAL)
            .exclude(pk=sec.pk)
            .order_by("pk")[:2]
        )
        if Member.objects.filter(cell=role.cell, active=True).count() < 5 or len(others) < 2:
            continue
        chosen.append((role, others))
        if len(chosen) == cells_wanted:
            break
    if len(chosen) < cells_wanted:
        print(f"only {len(chosen)} cells fit (wanted {cells_wanted})", file=sys.stderr)
        return 1
    district = Organization.objects.filter(depth=2).order_by("path").first()
    first = chosen[0][0].cell
    reader_root = Organization.objects.filter(path=first.path[: -Organization.steplen]).first()
    assert district is not None and reader_root is not None
    with transaction.atomic():

        def user(username: str, name: str):
            u = User.objects.create(username=username, first_name=name, last_name="", password=hashed)
            return u

        plan_cells = []
        for n, (role, others) in enumerate(chosen, start=1):
            sec_user = user(f"soak-bt{n:02d}", role.member.full_name)
            Member.objects.filter(pk=role.member.pk).update(user=sec_user)
            RoleGrant.objects.create(user=sec_user, organization=role.cell, role=Role.MEMBER, starts_on=role.starts_on)
            RoleGrant.objects.create(
                user=sec_user, organization=role.cell, role=Role.CELL_SECRETARY, starts_on=role.starts_on
            )
            readers = []
            for k, member in enumerate(others, start=1):
                u = user(f"soak-dv{n:02d}-{k}", member.full_name)
                Member.objects.filter(pk=member.pk).update(user=u)
                RoleGrant.objects.create(user=u, organization=role.cell, role=Role.MEMBER, starts_on=today)
                readers.append(u.username)
            plan_cells.append(
                {
                    "cell": role.cell.pk,
                    "name": role.cell.name,
                    "secretary": sec_user.username,
                    "members": readers,
                    "voters": [role.member.pk, *(m.pk for m in others)],  # the three who vote on their phones
                }
            )
        staff = user("soak-cb", "Cán bộ kiểm thử tải")
        RoleGrant.objects.create(user=staff, organization=district, role=Role.COMMITTEE_STAFF, starts_on=today)
        totp_key = ""
        try:
            TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
        except LookupError:
            TOTPDevice = None
        if TOTPDevice is not None:
            totp_key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=staff, name="soak", key=totp_key, confirmed=True)
    plan = {
        "cells": plan_cells,
        "committee": {
            "username": staff.username,
            "totp_key": totp_key,
            "orgs": [district.pk, reader_root.pk],
            "cells": [c["cell"] for c in plan_cells[:5]],
        },
    }
    with open(plan_path, "w", encoding="utf-8") as out:
        json.dump(plan, out, ensure_ascii=False, indent=1)
    print(f"soak accounts: {len(plan_cells)} secretaries, {2 * len(plan_cells)} members, 1 committee reader")
    return 0
