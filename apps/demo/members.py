"""Demo party dues (DOMAIN.md §9): the province's rates (and one district's own fixed amount), each member's basis
(salary in agencies, pension for retired cadres, a fixed amount otherwise) and the dues of every ended month of the
year — mostly paid, exempted members exempt, a few reduced, and a few members behind, so that the membership watch
has something to show. Bulk inserts; amounts from ``watch.dues_amount``, as the dues sheet suggests them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from apps.demo.span import HISTORY_MONTHS, history_start
from apps.members.models import Dues, DuesRate, Member, MemberDuesBasis
from apps.members.rules import watch
from apps.orgs.models import Organization
from apps.oversight.rules.periods import add_months

AGENCY_WORDS = ("Cơ quan", "Trường", "Công an", "Ban Chỉ huy", "Bệnh viện", "Trung tâm")
RATES_FROM = date(2016, 1, 1)  # Quy định 01-QĐ/TW (2016): 1 % of a salary, 0.5 % of a pension
BASES_FROM = date(2025, 1, 1)


@dataclass
class DuesCounts:
    rates: int = 0
    bases: int = 0
    dues: int = 0
    unpaid: int = 0


def _income(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high) * 1000)


def build_dues(
    *,
    rng: random.Random,
    as_of: date,
    root: Organization,
    cells: list[Organization],
    by_cell: dict[int, list[Member]],
    exempt_ids: set[int],
    diligence: dict[int, float],
) -> DuesCounts:
    counts = DuesCounts()
    first_district = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")[0]
    rates = [
        DuesRate(organization=root, basis="salary", percent=Decimal("1"), effective_from=RATES_FROM),
        DuesRate(organization=root, basis="pension", percent=Decimal("0.5"), effective_from=RATES_FROM),
        DuesRate(organization=root, basis="fixed", fixed_amount=Decimal(5000), effective_from=RATES_FROM),
        # One district asks more of members paying a fixed amount from 2025 (its own rate overrides the province's).
        DuesRate(organization=first_district, basis="fixed", fixed_amount=Decimal(10000), effective_from=BASES_FROM),
    ]
    DuesRate.objects.bulk_create(rates)
    counts.rates = len(rates)

    # The months of the history that have ended; members fall behind in this year's months (the membership watch
    # counts a calendar year).
    months = [add_months(history_start(as_of), k) for k in range(HISTORY_MONTHS)]
    this_year = [month for month in months if month.year == as_of.year]
    bases, dues = [], []
    for cell in cells:
        agency = any(word in cell.name for word in AGENCY_WORDS)
        fixed = Decimal(10000) if cell.path.startswith(first_district.path) else Decimal(5000)
        q = diligence.get(cell.pk, 0.85)
        for member in by_cell.get(cell.pk, []):
            if "hưu" in member.occupation:
                basis, income = "pension", _income(rng, 4_500, 9_500)
            elif agency:
                basis, income = "salary", _income(rng, 5_000, 14_000)
            else:
                basis, income = "fixed", None
            bases.append(
                MemberDuesBasis(
                    member=member,
                    basis=basis,
                    monthly_income=income,
                    effective_from=max(BASES_FROM, member.admitted_on.replace(day=1)),
                )
            )
            amount = watch.dues_amount(
                basis=basis,
                monthly_income=income,
                percent=Decimal("1") if basis == "salary" else Decimal("0.5"),
                fixed_amount=fixed,
            )
            behind = set()
            if rng.random() < 0.02 + (1 - q) * 0.06:  # a few members fall behind, more in weaker cells
                behind = set(rng.sample(this_year, k=min(len(this_year), rng.choice([1, 2, 2, 3, 3, 4]))))
            reduced = rng.random() < 0.01
            for month in months:
                if month < member.admitted_on.replace(day=1):
                    continue
                if member.pk in exempt_ids:
                    row = Dues(member=member, month=month, amount=0, status=Dues.Status.EXEMPT)
                elif month in behind:
                    row = Dues(member=member, month=month, amount=0, status=Dues.Status.UNPAID)
                    counts.unpaid += 1
                else:
                    paid = (amount / 2).quantize(Decimal("1")) if reduced else amount
                    row = Dues(
                        member=member,
                        month=month,
                        amount=paid,
                        status=Dues.Status.REDUCED if reduced else Dues.Status.PAID,
                        paid_on=month + timedelta(days=rng.randint(3, 25)),
                        note="Hoàn cảnh gia đình khó khăn" if reduced else "",
                    )
                dues.append(row)
    MemberDuesBasis.objects.bulk_create(bases, batch_size=5000)
    Dues.objects.bulk_create(dues, batch_size=5000)
    counts.bases, counts.dues = len(bases), len(dues)
    return counts
