"""`make bench`'s import of 100,000 members (issue 14): time as a ratio to openpyxl's read-only parse of the same
file in the same run, and the process's peak memory.

A commune of 400 cells is added to the seeded district; a 100,000-row member list is written for it with openpyxl's
write-only mode (Vietnamese names, a tenth typed in TCVN3 ".VnTime", some in VNI or decomposed Unicode; dates as
Excel dates and as text; card numbers with spaces; a cell column; a few rows that must be refused: an impossible
date, a card number repeated). Then, in the same process:

- the baseline: openpyxl's read-only parse of that file (every row's values), before and after the import (the
  smaller of the two is the baseline);
- the import through the pipeline's services, its jobs run inline (the immediate task backend): upload + analyse,
  mapping + preview, commit; each phase's time, as a ratio to the baseline. The oversight figures' refresh that the
  commit sets off (the worker's job, after the commit) is timed on its own line;
- memory: the process's peak resident size (``ru_maxrss``) after each phase; then the same file again with
  ``tracemalloc`` on (every row unchanged, the commit writes nothing; tracemalloc slows Python down, so those times
  are only shown beside), for the peak of Python's heap in each phase and in openpyxl's own parse. An import that
  streams stays near openpyxl's parse; one that held the workbook would grow with the file;
- the undo of the first import, request and job (``--no-undo`` skips it: a few minutes for 100,000 members).

It runs in a process of its own so that ``ru_maxrss`` is the import's and not the seeding's: bench/__main__.py
starts ``python -m bench.imports --db <its folder> --seeded`` after the page timings (``--import-rows 0`` skips
it). Alone: ``python -m bench.imports [--db PATH] [--rows N] [--cells N] [--no-trace] [--no-undo]`` seeds the
district (in another process) when the database is empty. With DATABASE_URL it runs on PostgreSQL (an empty
database of its own: the bench seeds it).
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
    parser.add_argument("--no-trace", action="store_true", help="skip the same file again under tracemalloc")
    parser.add_argument("--no-undo", action="store_true", help="skip timing the undo")
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
    commune = Organization.objects.add_child(
        district,
        {
            "kind": "committee",
            "code": f"BENCH{number}",
            "name": name,
            "name_search": search_key(name),
            "level_label": "Đảng bộ cơ sở",
        },
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
    """The time spent in each job the services ran inline (the immediate backend), by the task's name, while the
    ``with`` block lasts."""

    def __init__(self):
        self.seconds: Counter = Counter()
        self._started: dict[str, float] = {}

    def __enter__(self) -> Jobs:
        task_started.connect(self._start, weak=False)
        task_finished.connect(self._finish, weak=False)
        return self

    def __exit__(self, *exc) -> None:
        task_started.disconnect(self._start)
        task_finished.disconnect(self._finish)

    def _start(self, sender, task_result, **kwargs):
        self._started[task_result.id] = time.perf_counter()

    def _finish(self, sender, task_result, **kwargs):
        self.seconds[task_result.task.name] += time.perf_counter() - self._started.pop(task_result.id)
        if task_result.errors:
            print(f"  job {task_result.task.name} failed:\n{task_result.errors[-1].traceback}", file=sys.stderr)


FIGURES_JOB = "refresh_facts"  # the oversight's figures, queued by the records' writes: the worker's, after the commit


@dataclass
class Phase:
    label: str
    seconds: float  # without the figures' refresh it set off (reported on its own)
    rss_mb: float  # the process's peak resident size so far, after the phase
    traced_mb: float | None = None  # tracemalloc's peak over the phase's start (traced pass only)
    job: str = ""
    job_seconds: float = 0.0
    figures_seconds: float = 0.0


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


class Pass:
    """The phases of one run through the services, each timed (and traced) with the jobs it ran inline."""

    def __init__(self, jobs: Jobs, traced: bool):
        self.jobs, self.traced, self.phases = jobs, traced, []

    def phase(self, label: str, action: Callable[[], object], job: str = "") -> object:
        before = dict(self.jobs.seconds)
        seconds, peak, result = _timed(action, self.traced)
        spent = {name: value - before.get(name, 0.0) for name, value in self.jobs.seconds.items()}
        figures = spent.get(FIGURES_JOB, 0.0)
        self.phases.append(
            Phase(label, seconds - figures, maxrss_mb(), peak, job, spent.get(job, 0.0) if job else 0.0, figures)
        )
        return result


def import_pass(path: Path, *, user, commune: Organization, run: Pass) -> tuple[ImportBatch, dict]:
    """Upload → analyse → mapping + preview → commit through the services, jobs inline: one phase each."""

    def upload() -> ImportBatch:
        with path.open("rb") as handle:
            return batches.batch_upload(
                user=user, organization=commune, kind=Kind.MEMBERS, uploaded_file=File(handle, name=path.name)
            )

    batch = run.phase("upload + analyse (find the header, suggest the mapping)", upload, "analyse_batch")
    batch = _check(batch, ImportBatch.Status.MAPPING)
    mapping, options = dict(batch.mapping), dict(batch.options)
    run.phase(
        "mapping + preview (repair, parse, match, plan every row)",
        lambda: batches.batch_set_mapping(batch=batch, user=user, mapping=mapping, options=options),
        "preview_batch",
    )
    batch = _check(batch, ImportBatch.Status.PREVIEWED)
    previewed = dict(batch.counts)
    run.phase(
        "commit (re-plan, compare, write, record the changes, audit)",
        lambda: batches.batch_commit_request(batch=batch, user=user),
        "commit_batch",
    )
    batch = _check(batch, ImportBatch.Status.COMMITTED)
    return batch, {
        "previewed": previewed,
        "committed": dict(batch.counts),
        "import_rows": ImportRow.objects.filter(batch=batch).count(),
        "changes": ImportChange.objects.filter(batch=batch).count(),
        "members": Member.objects.filter(cell__path__startswith=commune.path).count(),
        "mapping": sorted(mapping),
    }


# --- the report --------------------------------------------------------------------------------------------------


def _line(label: str, seconds: float | None, base: float, rss: float | None, traced: float | None, note="") -> str:
    shown = f"{seconds:>8.1f} {seconds / base:>8.1f}" if seconds is not None else f"{'':>8} {'':>8}"
    memory = f"{rss:>6.0f} MB" if rss is not None else f"{'':>9}"
    peak = f"{traced:>6.1f} MB" if traced is not None else f"{'':>9}"
    return f"{label:<60} {shown} {memory} {peak}  {note}".rstrip()


def run(*, rows: int, cells: int, trace: bool, undo: bool, folder: Path) -> None:
    started = time.monotonic()
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    rss_setup = maxrss_mb()
    user = get_user_model().objects.get(username="quantri")
    commune, cell_rows = commune_create(cells)
    path = folder / f"bench-members-{rows}.xlsx"
    written = members_xlsx(path, commune=commune, cells=[c.name for c in cell_rows], rows=rows)
    rss_written = maxrss_mb()
    print(
        f"\nimports ({database}): {commune.name} ({cells} cells) under the district; {path.name}: {rows:,} members, "
        f"{written.size / MB:.1f} MB, written in {written.seconds:.1f} s (openpyxl write-only); names typed in "
        f"TCVN3 {written.encodings['tcvn3']:,}, VNI {written.encodings['vni']:,}, decomposed "
        f"{written.encodings['nfd']:,}; {written.text_dates:,} dates typed as text; to refuse: "
        f"{written.bad_dates} impossible dates, {written.repeated_cards} repeated card numbers"
    )
    baseline_before, _, parsed = _timed(lambda: openpyxl_parse(path), False)
    rss_baseline = maxrss_mb()
    with Jobs() as jobs:
        first = Pass(jobs, traced=False)
        batch, facts = import_pass(path, user=user, commune=commune, run=first)
    rss_import = maxrss_mb()
    baseline_after, _, _ = _timed(lambda: openpyxl_parse(path), False)
    baseline = min(baseline_before, baseline_after)
    again, traced_baseline, again_facts = None, None, {}
    if trace:  # the same file again, under tracemalloc: every row unchanged, the commit writes nothing
        tracemalloc.start()
        _seconds, traced_baseline, _ = _timed(lambda: openpyxl_parse(path), True)
        with Jobs() as jobs_again:
            again = Pass(jobs_again, traced=True)
            _again, again_facts = import_pass(path, user=user, commune=commune, run=again)
        tracemalloc.stop()
    undone = None
    if undo:
        with Jobs() as jobs_undo:
            undone = Pass(jobs_undo, traced=False)
            undone.phase(
                "undo (every recorded change backwards)",
                lambda: batches.batch_undo_request(batch=batch, user=user),
                "undo_batch",
            )
        _check(batch, ImportBatch.Status.UNDONE)
        facts["members_after_undo"] = Member.objects.filter(cell__path__startswith=commune.path).count()

    print(
        f"imports: baseline = openpyxl's read-only parse of the same file ({parsed:,} rows, every value): "
        f"{baseline_before:.1f} s before the import, {baseline_after:.1f} s after; the smaller, {baseline:.1f} s, "
        "is 1 ×"
    )
    print(
        f"{'phase':<60} {'seconds':>8} {'× parse':>8} {'peak RSS':>9} {'traced':>9}  note (traced: the same file again)"
    )
    print(_line("process after Django's set-up", None, baseline, rss_setup, None))
    print(_line("writing the file (openpyxl write-only)", written.seconds, baseline, rss_written, None))
    print(_line("baseline: openpyxl read-only parse", baseline, baseline, rss_baseline, traced_baseline))
    total = figures = 0.0
    for index, item in enumerate(first.phases):
        total += item.seconds
        figures += item.figures_seconds
        again_item = again.phases[index] if again else None
        note = f"the job {item.job_seconds - item.figures_seconds:.1f} s" if item.job else ""
        if again_item is not None:
            note += f"; again, traced: {again_item.seconds:.1f} s"
        print(_line(item.label, item.seconds, baseline, item.rss_mb, again_item and again_item.traced_mb, note))
    print(_line("the import (upload to commit)", total, baseline, rss_import, None))
    if figures:
        print(_line("the dashboards' figures refreshed after it (worker)", figures, baseline, None, None))
    if undone:
        item = undone.phases[0]
        note = f"then the figures {item.figures_seconds:.1f} s" if item.figures_seconds else ""
        print(_line(item.label, item.seconds, baseline, item.rss_mb, None, note))
    print(
        f"imports: {total:.1f} s for {rows:,} rows ({total / rows * 1000:.2f} ms a row) = {total / baseline:.1f} × "
        f"openpyxl's parse of the file; peak RSS {rss_import:.0f} MB, {rss_import - rss_setup:+.0f} MB over the "
        f"process after set-up (after the traced pass: {maxrss_mb():.0f} MB); columns suggested {facts['mapping']}; "
        f"previewed {facts['previewed']}, committed {facts['committed']}; {facts['import_rows']:,} rows listed, "
        f"{facts['changes']:,} changes recorded, "
        f"{facts['members']:,} members in the commune after the commit"
        + (f", {facts['members_after_undo']} after the undo" if undone else "")
        + (f"; the same file again: {again_facts['committed']}, {again_facts['changes']} changes" if again else "")
        + f"; {time.monotonic() - started:.0f} s in all"
    )
    path.unlink()


def report(*, folder: Path, rows: int) -> None:
    """From bench/__main__.py: the import in a process of its own (its peak memory is then the import's)."""
    command = [sys.executable, "-m", "bench.imports", "--db", str(folder), "--rows", str(rows), "--seeded"]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)


def main() -> int:
    options = _options
    if not options.seeded:  # in processes of their own, so that this one's peak memory stays the import's
        manage = [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True)
        started = time.monotonic()
        subprocess.run([*manage, "seed_demo", "--profile", "district", "--if-empty"], check=True, capture_output=True)
        print(f"data set: district in {settings.VAR_DIR} (ready in {time.monotonic() - started:.0f}s)")
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, DEBUG=False):
        run(
            rows=options.rows,
            cells=options.cells,
            trace=not options.no_trace,
            undo=not options.no_undo,
            folder=Path(settings.VAR_DIR),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
