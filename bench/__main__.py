"""`make bench`: page timings on a demo data set, as ratios against a baseline request measured in the same run.

The machine is shared and noisy, so absolute times mean little; each figure is the median of several runs
divided by the median of the baseline (an authenticated request that does one trivial query).

    python -m bench [--profile district|province] [--repeat N] [--db PATH] [--no-rebuild]

Oversight (issue 12, bench/oversight.py): the committees' pages (province, commune and cell dashboards, warnings,
briefing) are in the table with their query counts; then the province dashboard's figures are timed against one
hand-written SQL query computing the same figures from the raw attendance in the same run, and one rebuild of the
fact table against the baseline (--no-rebuild skips it: minutes on a province).

The province data set takes several minutes to generate: keep it with --db var/bench-province and reuse it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["district", "province"], default="district")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", help="SQLite folder to reuse (created and seeded when empty)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip timing a rebuild of the fact table")
    parser.add_argument("--import-rows", type=int, default=100_000, help="members imported (bench/imports.py; 0 skips)")
    args = parser.parse_args()
    var = Path(args.db or tempfile.mkdtemp(prefix="chibo-bench-"))
    os.environ["CHIBO_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings.dev")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    settings.CHIBO_OTP_REQUIRED = False  # the bench times pages, not the login's second step
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", profile=args.profile, if_empty=True, stdout=quiet)
    print(f"data set: {args.profile} in {var} (ready in {time.monotonic() - started:.0f}s)")

    from apps.members.models import Member
    from apps.orgs.models import Organization

    User = get_user_model()
    admin = User.objects.get(username="quantri")
    staff = User.objects.get(username="canbo")
    root = Organization.objects.get(depth=1)
    district = Organization.objects.filter(depth=2).first()
    big_cell = max(
        Organization.objects.filter(kind="cell", path__startswith=district.path)[:300], key=lambda c: c.members.count()
    )
    member = Member.objects.filter(cell=big_cell).first()
    from apps.meetings.models import Meeting

    held = Meeting.objects.filter(cell=big_cell, status="closed", kind="regular").order_by("-scheduled_at").first()
    from django.urls import reverse

    commune = staff.role_grants.get().organization  # the demo commune, where the annual grading is under way
    grading_year = reverse("grading:year", args=[commune.pk, held.scheduled_at.year])

    cases = [
        ("baseline: /healthz (authenticated)", admin, "/healthz"),
        ("tree roots + counts (admin)", admin, "/orgs/"),
        ("children of the root + counts", admin, f"/orgs/{root.pk}/children/"),
        ("children of a district (~50 grassroots) + counts", admin, f"/orgs/{district.pk}/children/"),
        ("root detail page (all counts)", admin, f"/orgs/{root.pk}/"),
        ("cell detail (largest cell of a district)", admin, f"/orgs/{big_cell.pk}/"),
        ("member list, page 1 (everything)", admin, "/members/"),
        ("member search 'nguyen van hung' (everything)", admin, "/members/?q=nguyen+van+hung"),
        ("org search 'chi bo khu 1' (everything)", admin, "/orgs/?q=chi+bo+khu+1"),
        ("member profile", admin, f"/members/{member.pk}/"),
        ("meeting screen, largest cell (held meeting)", admin, f"/meetings/{held.pk}/"),
        ("minutes page of that meeting", admin, f"/meetings/{held.pk}/minutes/"),
        ("calendar of that cell", admin, f"/meetings/calendar/{big_cell.pk}/{held.scheduled_at.year}/"),
        ("committee calendars overview", staff, "/meetings/calendars/"),
        ("meeting score page of that meeting (scored)", admin, reverse("quality:meeting_score", args=[held.pk])),
        ("grading year page of the demo commune", staff, grading_year),
        ("commune staff: member list", staff, "/members/"),
    ]
    from bench import oversight

    cases += oversight.cases(admin, staff)
    results = []
    for label, user, url in cases:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm caches
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)
        results.append((label, statistics.median(times), len(ctx.captured_queries)))
    base = results[0][1]
    print(f"{'case':<52} {'× baseline':>10} {'queries':>8} {'median ms':>10}")
    for label, median, queries in results:
        print(f"{label:<52} {median / base:>10.1f} {queries:>8} {median * 1000:>10.1f}")
    oversight.report(admin, base=base, repeat=args.repeat, with_rebuild=not args.no_rebuild)
    if args.import_rows:
        from bench import imports

        imports.report(folder=var, rows=args.import_rows)  # in a process of its own: its peak memory
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
