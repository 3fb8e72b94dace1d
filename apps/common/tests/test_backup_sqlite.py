"""SQLite backups are safe while the site serves: a copy taken while another connection keeps committing is a
consistent snapshot (every transaction wholly in or wholly out), and neither the copy nor the writer waits for the
other (WAL mode, chibo's setting). These run on a database file of their own, not Django's test database."""

import sqlite3
import threading

from apps.common.backup import digest, sqlite

SEED = 2000


def _live_database(path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad BLOB)")
    conn.execute("CREATE TABLE receipt (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO ledger (n, pad) VALUES (?, randomblob(1024))", [(-i,) for i in range(SEED)])
    conn.execute("COMMIT")
    conn.close()


class Writer(threading.Thread):
    """Commits one ledger row and its receipt per transaction until stopped; ``committed`` counts them."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.committed, self.errors = path, 0, []
        self.stop, self.condition = threading.Event(), threading.Condition()

    def run(self):
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            while not self.stop.is_set():
                n = self.committed + 1
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO ledger (n, pad) VALUES (?, randomblob(512))", (n,))
                conn.execute("INSERT INTO receipt (n) VALUES (?)", (n,))
                conn.execute("COMMIT")
                with self.condition:
                    self.committed = n
                    self.condition.notify_all()
        except Exception as exc:  # the test fails on it below
            self.errors.append(exc)
            with self.condition:
                self.condition.notify_all()
        finally:
            conn.close()

    def wait_for(self, count):
        with self.condition:
            self.condition.wait_for(lambda: self.committed >= count or self.errors)


def test_a_backup_taken_while_a_writer_commits_is_a_consistent_snapshot(tmp_path):
    live = tmp_path / "live.sqlite3"
    _live_database(live)
    writer = Writer(live)
    writer.start()
    copies = []
    try:
        for i in range(3):
            writer.wait_for((i + 1) * 40)  # the writer is busy before and during each copy
            started_at = writer.committed
            tables, _migrations = sqlite.backup({"NAME": str(live)}, tmp_path / f"copy{i}.sqlite3")
            copies.append((started_at, tables, tmp_path / f"copy{i}.sqlite3"))
    finally:
        writer.stop.set()
        writer.join()
    assert not writer.errors, writer.errors
    assert writer.committed > copies[-1][0]
    for started_at, tables, path in copies:
        receipts = tables["receipt"]["rows"]
        assert tables["ledger"]["rows"] == SEED + receipts  # no transaction cut in half
        assert receipts >= started_at
        assert sqlite.check(path) is None
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT max(n) FROM receipt").fetchone()[0] == receipts
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        conn.close()
    assert copies[0][1]["receipt"]["rows"] < copies[1][1]["receipt"]["rows"] < copies[2][1]["receipt"]["rows"]


def test_a_backup_does_not_wait_for_an_open_write_and_leaves_it_out(tmp_path):
    live = tmp_path / "live.sqlite3"
    _live_database(live)
    holding, backed_up, seen = threading.Event(), threading.Event(), {}

    def write():
        conn = sqlite3.connect(live, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the write lock, held until the backup is over
        conn.execute("INSERT INTO receipt (n) VALUES (1)")
        holding.set()
        # A backup that waited for this lock would never finish first: after the (generous) fallback the writer
        # commits anyway so that the test ends, and fails.
        seen["backup_finished_first"] = backed_up.wait(timeout=120)
        conn.execute("COMMIT")
        conn.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    holding.wait()
    tables, _ = sqlite.backup({"NAME": str(live)}, tmp_path / "copy.sqlite3")
    backed_up.set()
    writer.join()
    assert seen["backup_finished_first"]
    assert tables["receipt"] == digest.digest_rows([])  # the uncommitted row is not in the copy
    assert tables["ledger"]["rows"] == SEED


def test_restoring_into_a_live_file_replaces_it_whole_and_keeps_wal(tmp_path):
    live, other = tmp_path / "live.sqlite3", tmp_path / "other.sqlite3"
    _live_database(live)
    _live_database(other)
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("INSERT INTO receipt (n) VALUES (7)")
    conn.close()
    snapshot = tmp_path / "snapshot.sqlite3"
    expected, _ = sqlite.backup({"NAME": str(other)}, snapshot)
    sqlite.restore({"NAME": str(live)}, snapshot)
    found, _ = sqlite.live_state({"NAME": str(live)})
    assert found == expected and found["receipt"]["rows"] == 1
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
