"""Test helpers: an adopted resolution of a cell with tasks and a target."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.resolutions.models import Resolution, Target, Task


def make_resolution(
    org,
    *,
    meeting=None,
    title: str = "Nghị quyết tháng",
    tasks: int = 2,
    targets: int = 1,
    lead=None,
    deadline: date | None = None,
) -> Resolution:
    today = timezone.localdate()
    resolution = Resolution.objects.create(
        organization=org,
        meeting=meeting,
        title=title,
        status=Resolution.Status.ADOPTED,
        adopted_on=today,
        kind=Resolution.Kind.CELL_MONTHLY if org.kind == "cell" else Resolution.Kind.COMMITTEE,
        period_start=today,
        period_end=today + timedelta(days=30),
    )
    for i in range(tasks):
        Task.objects.create(
            resolution=resolution,
            organization=org,
            title=f"Nhiệm vụ {i + 1}",
            lead=lead,
            deadline=deadline or today + timedelta(days=20),
        )
    for i in range(targets):
        Target.objects.create(
            resolution=resolution,
            organization=org,
            title=f"Chỉ tiêu {i + 1}",
            unit="%",
            value=Decimal("90"),
            period_start=today,
            period_end=today + timedelta(days=30),
        )
    return resolution
