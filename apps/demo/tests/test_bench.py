"""`make bench` (bench/__main__.py) answers --help without touching a database: the profiles and options it offers."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_help_lists_its_options():
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for option in ("--profile", "district", "province", "--repeat", "--db", "--no-rebuild"):
        assert option in result.stdout
