"""`make soak`: a bounded meeting-day load against the app under gunicorn on PostgreSQL, on loopback.

    SOAK_MINUTES=20 make soak        (SOAK_MINUTES=1 to try it)

Creates a fresh database (SOAK_DB, default chibo_soak, on SOAK_PG, default postgres://postgres@127.0.0.1:5432),
migrates, seeds the district demo, adds the soak's accounts (soak/accounts.py), collects the static files, starts
gunicorn (chibo.settings.prod with a generated secret key, SOAK_WORKERS gthread workers of two threads, default 3)
and the task worker, then drives the load for SOAK_MINUTES (soak/driver.py: SOAK_CELLS cells, default 30, meeting
at once; SOAK_THINK scales the think times). Every SOAK_RSS_INTERVAL seconds (30) it reads the workers' VmRSS.
Afterwards: the consistency check of the database (soak/check.py), the figures printed and written into the
"## Soak" section of docs/operations.md (SOAK_DOCS=0: not written). Exits 1 on any failed request, any error in the
server's log, memory growth or an inconsistency. The processes it started are stopped and the database dropped
(SOAK_KEEP_DB=1 keeps it). SOAK_SOURCE=head runs the last commit (a copy made with git archive) instead of the
working tree.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

from soak import figures
from soak.driver import Run, Stats

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(pg: str, name: str, *, create: bool) -> None:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _step(title: str, args: list[str], env: dict, log: Path, src: Path) -> None:
    started = time.monotonic()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(args, cwd=src, env=env, stdout=out, stderr=subprocess.STDOUT)
    print(f"  {title} ({time.monotonic() - started:.0f}s)")
    if done.returncode:
        raise SystemExit(f"soak: {title} failed (exit {done.returncode}); see {log}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _wait_healthy(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("soak: gunicorn did not answer /healthz")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    minutes = float(os.environ.get("SOAK_MINUTES", "20"))
    cells = int(os.environ.get("SOAK_CELLS", "30"))
    workers = int(os.environ.get("SOAK_WORKERS", "3"))
    interval = float(os.environ.get("SOAK_RSS_INTERVAL", "30"))
    think = float(os.environ.get("SOAK_THINK", "1"))
    pg = os.environ.get("SOAK_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    db = os.environ.get("SOAK_DB", "chibo_soak")
    var = Path(tempfile.mkdtemp(prefix="chibo-soak-"))
    log = var / "soak.log"
    password = secrets.token_urlsafe(18)
    src = ROOT
    if os.environ.get("SOAK_SOURCE", "tree") == "head":  # the last commit, not the working tree's edits in progress
        src = var / "src"
        src.mkdir()
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chibo.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{pg}/{db}",
        "CHIBO_VAR_DIR": str(var),
        "CHIBO_TRUSTED_PROXIES": "127.0.0.1",  # the load comes "through the proxy" with its clients' addresses
        "SOAK_PASSWORD": password,
        "SOAK_CELLS": str(cells),
        "PYTHONUNBUFFERED": "1",
    }
    print(f"soak: {minutes:g} min, {cells} cells, {workers} gunicorn workers, database {db}, files in {var}")
    server = worker = None
    ok = False
    try:
        _database(pg, db, create=True)
        manage = [PY, "manage.py"]
        _step("migrate", [*manage, "migrate", "--noinput", "-v0"], env, log, src)
        _step("seed the district demo", [*manage, "seed_demo", "--profile", "district"], env, log, src)
        _step(
            f"{cells} secretaries, {2 * cells} members, a committee reader",
            [PY, "-m", "soak.inside", "accounts", str(var / "plan.json")],
            env,
            log,
            src,
        )
        _step("collectstatic", [*manage, "collectstatic", "--noinput", "-v0"], env, log, src)
        plan = json.loads((var / "plan.json").read_text())
        gunicorn_log = var / "gunicorn.log"
        server = subprocess.Popen(
            [
                GUNICORN,
                "chibo.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--timeout",
                "60",
                "--error-logfile",
                str(gunicorn_log),
                "--log-level",
                "warning",
                "--capture-output",  # Django's own log (a view's traceback) into the same file
            ],
            cwd=src,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        worker_log = (var / "worker.log").open("w")
        worker = subprocess.Popen(
            [*manage, "db_worker", "--no-reload", "-v1"], cwd=src, env=env, stdout=worker_log, stderr=subprocess.STDOUT
        )
        _wait_healthy(port)
        first_workers = _children(server.pid)
        print(f"  gunicorn {server.pid} on 127.0.0.1:{port}, workers {first_workers}; task worker {worker.pid}")

        stats = Stats()
        run = Run("127.0.0.1", port, plan, password, minutes, stats, think=think)
        started = time.monotonic()
        stats.warm_until = started + figures.warm_up(minutes * 60)
        samples: list[tuple[float, dict[int, int]]] = []
        loads: list[float] = []  # the machine's 1-minute load average: other work on it slows every answer
        stop = threading.Event()

        def sample() -> None:
            while True:
                pids = _children(server.pid) + [worker.pid]
                samples.append((time.monotonic() - started, {p: r for p in pids if (r := _rss_kib(p)) is not None}))
                loads.append(os.getloadavg()[0])
                done = sum(len(v) for v in stats.times.values())
                print(
                    f"  {samples[-1][0] / 60:5.1f} min: {done} requests, {stats.failure_count} failures, "
                    f"{stats.events['meetings held to the end']} meetings held, RSS "
                    + " ".join(f"{r // 1024}M" for r in samples[-1][1].values()),
                    flush=True,
                )
                if stop.wait(interval):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threads = run.start()
        for t in threads:
            t.join(timeout=max(1.0, run.deadline - time.monotonic() + 600))
        stop.set()
        sampler.join()
        elapsed = time.monotonic() - started
        hung = [t.name for t in threads if t.is_alive()]
        if hung:
            stats.fail("driver", RuntimeError(f"{len(hung)} people still busy 10 minutes after the end: {hung[:5]}"))
        _stop(server)
        server_errors = figures.log_errors(gunicorn_log)
        held = {
            "ballots": {str(k): v for k, v in run.ballots.items()},
            "meetings": run.meetings,
            "marks": {str(k): v for k, v in run.marks.items() if any(k in ids for ids in run.meetings.values())},
        }
        (var / "held.json").write_text(json.dumps(held))
        print("consistency of the database:")
        check = subprocess.run(
            [PY, "-m", "soak.inside", "check", str(var / "held.json")],
            cwd=src,
            env=env,
            capture_output=True,
            text=True,
        )
        print(check.stdout, end="")
        if check.returncode:
            print(check.stderr[-3000:], end="")
        task_pid = worker.pid
        _stop(worker)
        worker = None
        report = figures.Report(
            minutes=minutes,
            elapsed=elapsed,
            cells=cells,
            workers=workers,
            stats=stats,
            samples=samples,
            worker_pids=first_workers,
            task_pid=task_pid,
            server_errors=server_errors,
            check_ok=check.returncode == 0,
            check_text=check.stdout,
            loads=loads,
        )
        text = report.render()
        print(text)
        ok = report.ok
        if os.environ.get("SOAK_DOCS", "1") == "1":
            print(f"figures written to {figures.write_docs(ROOT, text)}")
        print("soak: PASSED" if ok else "soak: FAILED")
    finally:
        _stop(server)
        _stop(worker)
        if os.environ.get("SOAK_KEEP_DB") != "1":
            try:
                _database(pg, db, create=False)
            except Exception as exc:  # noqa: BLE001 - cleaning up: say so, do not hide the run's outcome
                print(f"soak: could not drop {db}: {exc}")
            if ok:
                shutil.rmtree(var, ignore_errors=True)
            else:
                print(f"soak: logs kept in {var}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
