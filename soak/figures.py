"""The soak's figures: requests by kind with latency percentiles, the workers' memory over time and its verdict,
the server's log, the consistency check; rendered as the "## Soak" section of docs/operations.md."""

from __future__ import annotations

import os
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

GROWTH_MIB = 8  # allowed growth of a worker's median RSS from the first half to the last (after warm-up) ...
GROWTH_SHARE = 0.08  # ... or this share of it, whichever is larger
MEMORY_WARM_SHARE = 1 / 3  # a worker's memory is judged after this share of the run ...


def memory_warm_up(duration: float) -> float:
    """... because a fresh worker grows in steps the first time it serves each heavy page (templates compiled,
    translations and modules loaded, the database connection's caches): a leak keeps growing after every page kind
    has been served, a warm-up levels off. Measured at stop 12: steps of 9-14 MiB in the first 13 minutes of 20,
    flat after."""
    return max(warm_up(duration), MEMORY_WARM_SHARE * duration)


def warm_up(duration: float) -> float:
    """Seconds at the start left out of the steady-state figures: people arriving and logging in (each login
    hashes the password on purpose slowly), workers loading templates and translations."""
    return max(60.0, 0.15 * duration)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def log_errors(path: Path) -> list[str]:
    """Lines of gunicorn's error log that tell of trouble: a traceback, an error, a worker timed out or killed."""
    if not path.exists():
        return []
    pattern = re.compile(
        r"Traceback|Internal Server Error|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|was sent SIGKILL|Worker exiting"
    )
    return [line.rstrip() for line in path.read_text(errors="replace").splitlines() if pattern.search(line)]


@dataclass
class Report:
    minutes: float
    elapsed: float
    cells: int
    workers: int
    stats: object
    samples: list[tuple[float, dict[int, int]]]
    worker_pids: list[int]
    task_pid: int
    server_errors: list[str]
    check_ok: bool
    check_text: str
    loads: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def memory(self) -> list[str]:
        """One line per gunicorn worker (and the task worker, shown, not judged): RSS at the start, at the end of
        the warm-up, the medians of the first and last halves after warm-up, the end; a problem when a worker grew
        beyond the margin or was replaced."""
        warm = memory_warm_up(self.elapsed)
        lines = []
        for pid in [*self.worker_pids, self.task_pid]:
            series = [(t, rss[pid] / 1024) for t, rss in self.samples if pid in rss]
            if not series:
                continue
            judged = pid != self.task_pid
            if judged and len(series) < len(self.samples):
                self.problems.append(f"gunicorn worker {pid} disappeared during the run (restarted)")
            after = [r for t, r in series if t >= warm] or [series[-1][1]]
            half = max(1, len(after) // 2)
            first, last = statistics.median(after[:half]), statistics.median(after[-half:])
            allowed = max(GROWTH_MIB, GROWTH_SHARE * first)
            verdict = "ok" if last - first <= allowed else "GREW"
            if judged and verdict != "ok":
                self.problems.append(f"gunicorn worker {pid} grew from {first:.0f} to {last:.0f} MiB")
            name = f"worker {pid}" if judged else f"task worker {pid}"
            lines.append(
                f"| {name} | {series[0][1]:.0f} | {after[0]:.0f} | {first:.0f} | {last:.0f} | {series[-1][1]:.0f} | "
                f"{last - first:+.1f} | {verdict if judged else '(shown)'} |"
            )
        return lines

    def render(self) -> str:
        s = self.stats
        kinds = sorted(s.times, key=lambda k: -len(s.times[k]))
        every = [v for k in kinds for v in s.times[k]]
        total, bad = len(every), sum(s.bad.values())
        rate = total / self.elapsed if self.elapsed else 0
        rows = [
            f"| {k} | {len(s.times[k])} | {s.bad[k]} | {1000 * percentile(s.times[k], 50):.0f} | "
            f"{1000 * percentile(s.times[k], 90):.0f} | {1000 * percentile(s.times[k], 99):.0f} | "
            f"{1000 * max(s.times[k]):.0f} |"
            for k in kinds
        ]
        if every:
            rows.append(
                f"| **all** | **{total}** | **{bad}** | {1000 * percentile(every, 50):.0f} | "
                f"{1000 * percentile(every, 90):.0f} | {1000 * percentile(every, 99):.0f} | {1000 * max(every):.0f} |"
            )
        steady = s.steady
        if steady:
            rows.append(
                f"| all after the first {warm_up(self.minutes * 60) / 60:.1f} min (steady) | {len(steady)} | | "
                f"{1000 * percentile(steady, 50):.0f} | {1000 * percentile(steady, 90):.0f} | "
                f"{1000 * percentile(steady, 99):.0f} | {1000 * max(steady):.0f} |"
            )
        memory = self.memory()
        if s.failure_count:
            self.problems.append(f"{s.failure_count} failures in the load")
        if self.server_errors:
            self.problems.append(f"{len(self.server_errors)} error lines in gunicorn's log")
        if not self.check_ok:
            self.problems.append("the consistency check failed")
        if not total:
            self.problems.append("no request was made")
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(s.statuses.items()))
        events = ", ".join(f"{name} {n}" for name, n in sorted(s.events.items()))
        check = "\n".join(f"    {line}" for line in self.check_text.rstrip().splitlines())
        out = [
            f"Last run: {time.strftime('%Y-%m-%d %H:%M')}, {self.minutes:g} minutes ({self.elapsed / 60:.1f} with the "
            f"meetings in hand finished), {self.cells} cells meeting at once ({self.cells} secretaries, "
            f"{2 * self.cells} members reading, 1 committee reader), gunicorn {self.workers} gthread workers × 2 "
            f"threads, PostgreSQL, {os.cpu_count()} CPUs shared with the database and the load driver"
            + (
                f" (load average during the run: median {statistics.median(self.loads):.1f}, "
                f"max {max(self.loads):.1f})."
                if self.loads
                else "."
            ),
            "",
            f"**Result: {'passed' if not self.problems else 'FAILED: ' + '; '.join(self.problems)}.** "
            f"{total} requests ({rate:.1f}/s), {bad} failed; statuses {statuses}. Done: {events}.",
            "",
            "| request | count | failed | p50 ms | p90 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Memory (VmRSS, MiB, read every {self._interval():.0f} s; judged after a warm-up of "
            f"{memory_warm_up(self.elapsed) / 60:.1f} min, a third of the run, in which a fresh worker grows in steps "
            f"as it first serves each page kind: the last half's median against the first half's, "
            f"allowed +{GROWTH_MIB} MiB or +{GROWTH_SHARE:.0%}):",
            "",
            "| process | start | after warm-up | first half | last half | end | growth | verdict |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            *memory,
            "",
            "Consistency of the database afterwards:",
            "",
            check,
        ]
        if s.failures:
            out += ["", "First failures:", "", *[f"    {f}" for f in s.failures[:10]]]
        if self.server_errors:
            out += ["", "gunicorn's log:", "", *[f"    {line}" for line in self.server_errors[:10]]]
        return "\n".join(out)

    def _interval(self) -> float:
        if len(self.samples) < 2:
            return 0
        return (self.samples[-1][0] - self.samples[0][0]) / (len(self.samples) - 1)

    @property
    def ok(self) -> bool:
        return not self.problems


INTRO = """`make soak` (never part of `make test`) runs a meeting day against the app as deployed: a fresh PostgreSQL
database seeded with the district demo, gunicorn with the production settings and the task worker, driven on
loopback by soak/driver.py through the real pages and forms (CSRF and one-time tokens, htmx rows). Each of the cells
plans a meeting, opens it, marks every member, puts speakers down, takes a show of hands (and every other meeting a
secret ballot on three members' phones), ends the meeting and generates, edits and adopts the minutes, again and
again; members read their cell's pages; a committee reader reads the dashboards. Any 5xx or unexpected answer, an
error in gunicorn's log, a worker's memory growing, or an inconsistent database afterwards fails it.
`SOAK_MINUTES=1 make soak` tries it; the full run is 20 minutes."""


def write_docs(root: Path, text: str) -> Path:
    """Replace the "## Soak" section of docs/operations.md (to the next "## " heading) with the run's figures; the
    section is added at the end when missing. Without docs/operations.md: docs/soak-figures.md."""
    section = f"## Soak\n\n{INTRO}\n\n{text}\n"
    path = root / "docs" / "operations.md"
    if not path.exists():
        path = root / "docs" / "soak-figures.md"
        path.write_text(f"# Soak figures (to merge into docs/operations.md)\n\n{section}")
        return path
    doc = path.read_text()
    match = re.search(r"^## Soak[^\n]*\n", doc, re.M)
    if match is None:
        doc = doc.rstrip("\n") + "\n\n" + section
    else:
        after = re.search(r"^## ", doc[match.end() :], re.M)
        end = match.end() + after.start() if after else len(doc)
        doc = doc[: match.start()] + section + ("\n" + doc[end:] if after else "")
    path.write_text(doc)
    return path
