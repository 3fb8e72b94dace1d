"""The database after the soak: is it consistent? Run inside Django (``python -m soak.inside check HELD.json``) once the
load has stopped; prints one line per check and exits 1 when any fails.

- the audit chain verifies (``manage.py verify_audit``, when the command exists);
- every meeting the driver held to the end is closed with adopted minutes (version 1, an official number), has one
  attendance row per member marked and no more, and its votes are closed with tallies that add up and stay within
  the official members present; no sealed ballot outlives its vote's close;
- no meeting, member pair has two attendance rows anywhere; no agenda item has two speakers at one place;
- the oversight facts: once the worker has drained the stale marks, the stored CellMonth and OrgYear rows equal a
  fresh recomputation (``facts.rebuild``: the same rows before and after).
"""

from __future__ import annotations

import json
import time

from django.core.management import call_command, get_commands
from django.db.models import Count, F, Q
from django.forms.models import model_to_dict
from django_tasks_db.models import DBTaskResult

from apps.meetings import models as meetings_models
from apps.meetings.models import Attendance, BallotReceipt, Meeting, Minutes, Speech, Vote
from apps.oversight.models import CellMonth, OrgYear, StaleCellMonth
from apps.oversight.services import facts


def _facts_snapshot():
    def rows(model, key):
        skip = {"id", "computed_at", "updated_at"}
        return {
            key(r): {k: v for k, v in model_to_dict(r).items() if k not in skip} for r in model.objects.all().iterator()
        }

    return rows(CellMonth, lambda r: (r.cell_id, r.month)), rows(OrgYear, lambda r: (r.organization_id, r.year))


def _diff(before: dict, after: dict, label: str) -> list[str]:
    out = []
    for key in sorted(set(before) | set(after), key=str):
        a, b = before.get(key), after.get(key)
        if a != b:
            if a is None or b is None:
                out.append(f"{label} {key}: {'missing before' if a is None else 'missing after'} the rebuild")
            else:
                changed = {k: (a[k], b[k]) for k in a if a[k] != b.get(k)}
                out.append(f"{label} {key}: stored != recomputed {changed}")
    return out


def main(held_path: str) -> int:
    with open(held_path, encoding="utf-8") as src:
        held = json.load(src)
    problems: list[str] = []

    def check(name: str, found: list[str]) -> None:
        print(f"  {'ok  ' if not found else 'FAIL'} {name}" + (f": {len(found)} problem(s)" if found else ""))
        for line in found[:10]:
            print(f"       {line}")
        problems.extend(found)

    if "verify_audit" in get_commands():
        try:
            call_command("verify_audit")
            check("audit chain (verify_audit)", [])
        except (SystemExit, Exception) as exc:  # noqa: BLE001 - any refusal is the finding
            check("audit chain (verify_audit)", [f"verify_audit: {exc!r}"])
    else:
        print("  skip audit chain: manage.py verify_audit does not exist yet")

    meeting_ids = [int(m) for ids in held["meetings"].values() for m in ids]
    meetings = Meeting.objects.filter(pk__in=meeting_ids)
    found = []
    if meetings.count() != len(meeting_ids):
        found.append(f"{len(meeting_ids) - meetings.count()} meetings held by the driver are missing")
    for m in meetings.exclude(status=Meeting.Status.CLOSED):
        found.append(f"meeting {m.pk}: status {m.status}, not closed")
    adopted = Minutes.objects.filter(meeting__in=meetings, status=Minutes.Status.ADOPTED)
    if adopted.count() != len(meeting_ids):
        found.append(f"{len(meeting_ids) - adopted.count()} meetings held to the end have no adopted minutes")
    for minutes in adopted.annotate(v=Count("versions")).exclude(v=1):
        found.append(f"minutes of meeting {minutes.meeting_id}: {minutes.v} versions, expected 1")
    check(f"{len(meeting_ids)} meetings held: closed, minutes adopted", found)

    found = []
    marks = held.get("marks", {})
    for mid, by_member in marks.items():
        rows = dict(Attendance.objects.filter(meeting_id=int(mid)).values_list("member_id", "status"))
        expected = {int(k): v for k, v in by_member.items()}
        if int(mid) in meeting_ids and rows != expected:
            extra, missing = set(rows) - set(expected), set(expected) - set(rows)
            wrong = [k for k in set(rows) & set(expected) if rows[k] != expected[k]]
            found.append(f"meeting {mid}: {len(extra)} extra, {len(missing)} missing, {len(wrong)} wrong marks")
    check(f"attendance of {len(marks)} meetings equals what was marked", found)

    dupes = Attendance.objects.values("meeting_id", "member_id").annotate(n=Count("id")).filter(n__gt=1)
    check("attendance rows unique per meeting and member", [f"{d}" for d in dupes[:20]])
    places = Speech.objects.values("agenda_item_id", "position").annotate(n=Count("id")).filter(n__gt=1)
    check("speakers: one per place on each agenda item", [f"{d}" for d in places[:20]])

    found = []
    votes = Vote.objects.filter(meeting__in=meetings)
    for v in votes.exclude(status=Vote.Status.CLOSED):
        found.append(f"vote {v.pk}: {v.status}, not closed")
    for v in votes.filter(method=Vote.Method.OPEN):
        total = v.votes_for + v.votes_against + v.votes_abstain
        present = Attendance.objects.filter(
            meeting_id=v.meeting_id, status__in=["present", "late"], member__status="official"
        ).count()
        if total == 0 or total > present or (v.eligible is not None and total > v.eligible):
            found.append(f"vote {v.pk}: {total} hands, {present} official members present, eligible {v.eligible}")
    bad = Vote.objects.exclude(ballots_cast=F("secret_for") + F("secret_against") + F("secret_abstain"))
    found += [f"vote {v.pk}: ballots cast {v.ballots_cast} != the tallies' sum" for v in bad]
    bad_paper = Vote.objects.exclude(Q(paper_valid=F("paper_for") + F("paper_against") + F("paper_abstain")))
    found += [f"vote {v.pk}: paper ballots do not add up" for v in bad_paper]
    for vid, cast in held.get("ballots", {}).items():
        v = votes.filter(pk=int(vid)).first()
        receipts = BallotReceipt.objects.filter(vote_id=int(vid)).count()
        if v is None or v.method != Vote.Method.SECRET or receipts != cast or v.ballots_cast != cast:
            found.append(
                f"secret vote {vid}: {cast} cast on phones, {receipts} receipts, tallies {v and v.ballots_cast}"
            )
    SealedBallot = getattr(meetings_models, "SealedBallot", None)  # the ballots' sealing, when it has landed
    if SealedBallot is not None:
        left = SealedBallot.objects.exclude(vote__status=Vote.Status.OPEN).count()
        if left:
            found.append(f"{left} sealed ballots of closed or voided votes remain")
    check(f"{votes.count()} votes: closed, tallies add up", found)

    # The facts: wait for the worker to drain what the soak marked stale, then compare with a rebuild.
    waited = 0
    while StaleCellMonth.objects.exists() and waited < 300:
        time.sleep(2)
        waited += 2
    stale = StaleCellMonth.objects.count()
    check(f"stale cell-months drained by the worker ({waited}s)", [f"{stale} left"] if stale else [])
    failed = DBTaskResult.objects.failed()
    check(
        f"{DBTaskResult.objects.successful().count()} background tasks done, none failed",
        [f"{t.task_path}: {t.exception_class_path}" for t in failed[:10]]
        + ([f"{failed.count()} failed"] if failed else []),
    )
    started = time.monotonic()
    before = _facts_snapshot()
    facts.rebuild()
    after = _facts_snapshot()
    found = _diff(before[0], after[0], "CellMonth") + _diff(before[1], after[1], "OrgYear")
    check(
        f"{len(before[0])} cell-months and {len(before[1])} org-years equal a fresh rebuild "
        f"({time.monotonic() - started:.0f}s)",
        found,
    )
    print(f"consistency: {'FAILED, ' + str(len(problems)) + ' problem(s)' if problems else 'all checks passed'}")
    return 1 if problems else 0
