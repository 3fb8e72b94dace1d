"""`make bench`'s import of 100,000 members (issue 14): time as a ratio to openpyxl's read-only parse of the same
file in the same run, and the process's peak memory.

A commune of 400 cells is added to the seeded district; a 100,000-row member list is written for it with openpyxl's
write-only mode (Vietnamese names, a tenth typed in TCVN3 ".VnTime", some in VNI or decomposed Unicode; dates as
Excel dates and as text; card numbers with spaces; a cell column; a few rows that must be refused: an impossible
date, a card number repeated). Then, in the same process:

- the baseline: openpyxl's read-only parse of that file (every row's values), before and after the import (the
  smaller of the two is the baseline);
- the import through the pipeline's services, its jobs run inline (the immediate task backend): upload, analyse,
  mapping + preview, commit (re-plan and write), then undo; each phase's time, as a ratio to the baseline;
- memory: the process's peak resident size (``ru_maxrss``) after each step, and, in a second pass with
  ``tracemalloc`` on (it slows Python down, so the times are those of the first pass), the peak of Python's heap
  during each phase. An import that streams stays near openpyxl's own parse; one that held the workbook would
  grow with the file.

It runs in a process of its own so that ``ru_maxrss`` is the import's and not the seeding's: bench/__main__.py
starts ``python -m bench.imports --db <its folder> --seeded`` after the page timings (``--import-rows 0`` skips
it). Alone: ``python -m bench.imports [--db PATH] [--rows N] [--no-trace]`` seeds the district when the database is
empty. With DATABASE_URL it runs on PostgreSQL (an empty database of its own: the bench seeds it).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROWS = 100_000
CELLS = 400
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số thẻ đảng viên",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
    "Nghề nghiệp",
    "Nơi cư trú",
    "Điện thoại",
]


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite (and media) folder; created and seeded with the district when empty")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows of the member list ({ROWS:,} by default)")
    parser.add_argument("--cells", type=int, default=CELLS, help=f"cells of the generated commune ({CELLS})")
    parser.add_argument("--no-trace", action="store_true", help="skip the second pass under tracemalloc")
    parser.add_argument("--seeded", action="store_true", help="the database is seeded already (from python -m bench)")
    return parser.parse_args(argv)


if __name__ == "__main__":  # run alone: Django is set up here, before the models are imported below
    _options = _arguments()
    os.environ["CHIBO_VAR_DIR"] = str(Path(_options.db or tempfile.mkdtemp(prefix="chibo-bench-")).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings.dev")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_tasks.signals import task_finished, task_started  # noqa: E402

from apps.common.text import search_key  # noqa: E402
from apps.common.vnlegacy import Encoding, from_unicode  # noqa: E402
from apps.demo.people import GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE, OCCUPATIONS, SURNAMES  # noqa: E402
from apps.imports.models import ImportBatch, ImportChange, ImportRow, Kind  # noqa: E402
from apps.imports.services import batches  # noqa: E402
from apps.members.models import Member  # noqa: E402
from apps.orgs.models import Organization  # noqa: E402

MB = 1024 * 1024


# --- the data set ------------------------------------------------------------------------------------------------


def commune_create(cells: int) -> tuple[Organization, list[Organization]]:
    """A ward committee of ``cells`` residential cells under the demo's first district (a new one each run, so that
    a reused database takes another)."""
    district = Organization.objects.filter(depth=2).order_by("path").first()
    number = Organization.objects.filter(code__startswith="BENCH", kind="committee").count() + 1
    name = f"Đảng bộ phường Hòa Bình {number}"
    commune = district.add_child(
        kind="committee",
        code=f"BENCH{number}",
        name=name,
        name_search=search_key(name),
        level_label="Đảng bộ cơ sở",
    )
    rows = []
    for n in range(1, cells + 1):
        cell_name = f"Chi bộ Tổ dân phố {n}"
        rows.append(
            Organization(
                path=Organization._get_path(commune.path, commune.depth + 1, n),
                depth=commune.depth + 1,
                numchild=0,
                kind="cell",
                code=f"BENCH{number}C{n:03d}",
                name=cell_name,
                name_search=search_key(cell_name),
                level_label="Chi bộ trực thuộc",
                sector=Organization.Sector.RESIDENTIAL,
            )
        )
    Organization.objects.bulk_create(rows, batch_size=2000)
    Organization.objects.filter(pk=commune.pk).update(numchild=cells)
    commune.refresh_from_db()
    return commune, rows


@dataclass
class Written:
    path: Path
    rows: int
    seconds: float
    size: int
    encodings: Counter = field(default_factory=Counter)  # names typed in tcvn3 / vni / nfd
    text_dates: int = 0
    bad_dates: int = 0  # rows whose date of birth cannot exist: refused
    repeated_cards: int = 0  # rows whose card number an earlier row has: refused


def _name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.62:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}", "Nam"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}", "Nữ"


def _as_typed(rng: random.Random, day: date, written: Written) -> object:
    """A date as an Excel date (half the rows) or as text, the way secretaries type it."""
    if rng.random() < 0.5:
        return datetime(day.year, day.month, day.day)
    written.text_dates += 1
    return day.strftime(rng.choice(["%d/%m/%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]))


def member_rows(rng: random.Random, cells: list[str], rows: int, written: Written, today: date) -> Iterator[list]:
    """The data rows, streamed."""
    cards: list[str] = []
    for n in range(1, rows + 1):
        name, gender = _name(rng)
        roll = rng.random()
        if roll < 0.10:
            name, written.encodings["tcvn3"] = from_unicode(name, Encoding.TCVN3), written.encodings["tcvn3"] + 1
        elif roll < 0.13:
            name, written.encodings["vni"] = from_unicode(name, Encoding.VNI), written.encodings["vni"] + 1
        elif roll < 0.16:
            name, written.encodings["nfd"] = unicodedata.normalize("NFD", name), written.encodings["nfd"] + 1
        elif roll < 0.18:
            name = "  " + name.upper().replace(" ", "  ")  # capitals and double spaces: tidied
        age = int(rng.triangular(22, 90, 55))
        born = today - timedelta(days=age * 365 + rng.randint(0, 364))
        admitted = born + timedelta(days=rng.randint(19 * 365, max(19 * 365 + 1, (age - 1) * 365)))
        admitted = min(admitted, today - timedelta(days=30))
        official = admitted + timedelta(days=365) if admitted + timedelta(days=365) < today else None
        born_cell = _as_typed(rng, born, written)
        if rng.random() < 0.003:
            born_cell = f"31/02/{born.year}"  # no such day: the row is refused
            written.bad_dates += 1
        card = f"{60_000_000 + n:08d}"
        if cards and rng.random() < 0.002:
            card = rng.choice(cards[-500:])  # typed twice: the second row is refused
            written.repeated_cards += 1
        cards.append(card)
        typed_card = card if rng.random() < 0.8 else f"{card[:2]} {card[2:5]} {card[5:]}"
        yield [
            n,
            name,
            born_cell,
            gender,
            typed_card,
            f"03{0 if gender == 'Nam' else 1}{born.year % 100:02d}{n:07d}" if rng.random() < 0.8 else None,
            _as_typed(rng, admitted, written),
            _as_typed(rng, official, written) if official else None,
            rng.choice(cells),
            rng.choice(OCCUPATIONS),
            f"Tổ dân phố {rng.randint(1, 60)}",
            f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.8 else None,
        ]


def members_xlsx(path: Path, *, commune: Organization, cells: list[str], rows: int, seed: int = 14) -> Written:
    """The member list as a committee keeps it: two title rows, a blank row, the header, the members."""
    written = Written(path=path, rows=rows, seconds=0.0, size=0)
    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append([commune.name.upper()])
    sheet.append(["DANH SÁCH ĐẢNG VIÊN"])
    sheet.append([])
    sheet.append(HEADER)
    for row in member_rows(random.Random(seed), cells, rows, written, date.today()):
        sheet.append(row)
    book.save(path)
    written.seconds = time.perf_counter() - started
    written.size = path.stat().st_size
    return written


# --- measuring ---------------------------------------------------------------------------------------------------


def maxrss_mb() -> float:
    """The process's peak resident size so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def openpyxl_parse(path: Path) -> int:
    """The baseline: openpyxl's read-only parse, every row's values."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for sheet in book.worksheets:
        for _values in sheet.iter_rows(values_only=True):
            rows += 1
    book.close()
    return rows


class Jobs:
    """The time spent in each job the services ran inline (the immediate backend), by the task's name."""

    def __init__(self):
        self.seconds: Counter = Counter()
        self._started: dict[str, float] = {}
        task_started.connect(self._start, weak=False)
        task_finished.connect(self._finish, weak=False)

    def _start(self, sender, task_result, **kwargs):
        self._started[task_result.id] = time.perf_counter()

    def _finish(self, sender, task_result, **kwargs):
        self.seconds[task_result.task.name] += time.perf_counter() - self._started.pop(task_result.id)
        if task_result.errors:
            print(f"  job {task_result.task.name} failed:\n{task_result.errors[-1].traceback}", file=sys.stderr)


@dataclass
class Phase:
    label: str
    seconds: float
    rss_mb: float  # the process's peak so far, after the phase
    traced_mb: float | None = None  # tracemalloc's peak during the phase (second pass)
    note: str = ""


def _timed(action: Callable[[], object], traced: bool) -> tuple[float, float | None, object]:
    if traced:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = (tracemalloc.get_traced_memory()[1] - base) / MB if traced else None
    return seconds, peak, result


def _check(batch: ImportBatch, *statuses: str) -> ImportBatch:
    batch.refresh_from_db()
    if batch.status not in statuses:
        raise SystemExit(f"bench.imports: the batch is {batch.status} ({batch.error or 'no error'}), not {statuses}")
    return batch


def import_pass(path: Path, *, user, commune: Organization, traced: bool, jobs: Jobs) -> tuple[list[Phase], dict]:
    """Upload → analyse → mapping + preview → commit → undo through the services, jobs inline: one phase each."""
    phases: list[Phase] = []

    def phase(label: str, action: Callable[[], object], job: str | None = None) -> object:
        before = jobs.seconds[job] if job else 0.0
        seconds, peak, result = _timed(action, traced)
        job_seconds = jobs.seconds[job] - before if job else 0.0
        note = f"of which the job {job_seconds:.1f} s" if job else ""
        phases.append(Phase(label, seconds, maxrss_mb(), peak, note))
        return result

    def upload() -> ImportBatch:
        with path.open("rb") as handle:
            return batches.batch_upload(
                user=user, organization=commune, kind=Kind.MEMBERS, uploaded_file=File(handle, name=path.name)
            )

    batch = phase("upload + analyse (find the header, suggest the mapping)", upload, "analyse_batch")
    batch = _check(batch, ImportBatch.Status.MAPPING)
    mapping = dict(batch.mapping)
    phase(
        "mapping + preview (repair, parse, match, plan every row)",
        lambda: batches.batch_set_mapping(batch=batch, user=user, mapping=mapping, options=dict(batch.options)),
        "preview_batch",
    )
    batch = _check(batch, ImportBatch.Status.PREVIEWED)
    previewed = dict(batch.counts)
    phase(
        "commit (re-plan, write, record changes, audit)", lambda: batches.batch_commit_request(batch=batch, user=user)
    )
    batch = _check(batch, ImportBatch.Status.COMMITTED)
    committed = dict(batch.counts)
    in_commune = Member.objects.filter(cell__path__startswith=commune.path).count()
    facts = {
        "batch": batch.pk,
        "previewed": previewed,
        "committed": committed,
        "import_rows": ImportRow.objects.filter(batch=batch).count(),
        "changes": ImportChange.objects.filter(batch=batch).count(),
        "members": in_commune,
    }
    phase("undo (every recorded change, in reverse)", lambda: batches.batch_undo(batch=batch, user=user))
    batch = _check(batch, ImportBatch.Status.UNDONE)
    facts["members_after_undo"] = Member.objects.filter(cell__path__startswith=commune.path).count()
    return phases, facts


# --- the report --------------------------------------------------------------------------------------------------


def run(*, rows: int, cells: int, trace: bool, folder: Path) -> None:
    started = time.monotonic()
    rss_setup = maxrss_mb()
    user = get_user_model().objects.get(username="quantri")
    commune, cell_rows = commune_create(cells)
    path = folder / f"bench-members-{rows}.xlsx"
    written = members_xlsx(path, commune=commune, cells=[c.name for c in cell_rows], rows=rows)
    rss_written = maxrss_mb()
    print(
        f"\nimports: {commune.name} ({cells} cells) under the district; {path.name}: {rows:,} members, "
        f"{written.size / MB:.1f} MB, written in {written.seconds:.1f} s (openpyxl write-only); names typed in "
        f"TCVN3 {written.encodings['tcvn3']:,}, VNI {written.encodings['vni']:,}, decomposed "
        f"{written.encodings['nfd']:,}; {written.text_dates:,} dates typed as text; to refuse: "
        f"{written.bad_dates} impossible dates, {written.repeated_cards} repeated card numbers"
    )
    jobs = Jobs()
    baseline_before, _, parsed = _timed(lambda: openpyxl_parse(path), False)
    rss_baseline = maxrss_mb()
    phases, facts = import_pass(path, user=user, commune=commune, traced=False, jobs=jobs)
    baseline_after, _, _ = _timed(lambda: openpyxl_parse(path), False)
    baseline = min(baseline_before, baseline_after)
    traced_phases: list[Phase] = []
    traced_baseline = None
    if trace:
        tracemalloc.start()
        _seconds, traced_baseline, _ = _timed(lambda: openpyxl_parse(path), True)
        traced_phases, _ = import_pass(path, user=user, commune=commune, traced=True, jobs=Jobs())
        tracemalloc.stop()

    print(
        f"imports: baseline = openpyxl read-only parse of the same file ({parsed:,} rows): {baseline_before:.1f} s "
        f"before the import, {baseline_after:.1f} s after; the smaller, {baseline:.1f} s, is 1 ×"
    )
    print(f"{'phase':<58} {'seconds':>8} {'× parse':>8} {'peak RSS':>9} {'traced':>8}  note")
    print(f"{'process after Django set-up':<58} {'':>8} {'':>8} {rss_setup:>6.0f} MB")
    print(f"{'writing the file (openpyxl write-only)':<58} {written.seconds:>8.1f} {'':>8} {rss_written:>6.0f} MB")
    traced = f"{traced_baseline:>5.1f} MB" if traced_baseline is not None else ""
    print(f"{'baseline: openpyxl read-only parse':<58} {baseline:>8.1f} {1:>8.1f} {rss_baseline:>6.0f} MB {traced:>8}")
    total = 0.0
    for index, item in enumerate(phases):
        peak = traced_phases[index].traced_mb if traced_phases else None
        traced = f"{peak:>5.1f} MB" if peak is not None else ""
        if not item.label.startswith("undo"):
            total += item.seconds
        print(
            f"{item.label:<58} {item.seconds:>8.1f} {item.seconds / baseline:>8.1f} {item.rss_mb:>6.0f} MB "
            f"{traced:>8}  {item.note}"
        )
    print(f"{'import (upload to commit)':<58} {total:>8.1f} {total / baseline:>8.1f}")
    per_row = total / rows * 1000
    print(
        f"imports: {total:.1f} s for {rows:,} rows ({per_row:.2f} ms a row) = {total / baseline:.1f} × openpyxl's "
        f"parse; peak RSS {maxrss_mb():.0f} MB ({maxrss_mb() - rss_setup:+.0f} MB over the set-up); previewed "
        f"{facts['previewed']}, committed {facts['committed']}; {facts['import_rows']:,} rows listed, "
        f"{facts['changes']:,} changes recorded, {facts['members']:,} members in the commune after the commit, "
        f"{facts['members_after_undo']} after the undo; jobs inline: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(jobs.seconds.items()))
        + f"; database {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
        f"{time.monotonic() - started:.0f} s in all"
    )
    path.unlink()


def report(*, folder: Path, rows: int) -> None:
    """From bench/__main__.py: the import in a process of its own (its peak memory is then the import's)."""
    command = [sys.executable, "-m", "bench.imports", "--db", str(folder), "--rows", str(rows), "--seeded"]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)


def main() -> int:
    options = _options
    if not options.seeded:
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", profile="district", if_empty=True, stdout=quiet)
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, DEBUG=False):
        run(rows=options.rows, cells=options.cells, trace=not options.no_trace, folder=Path(settings.VAR_DIR))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
