"""Keeps benchmarks/payouts_import.py working; it reports figures, the test checks none."""

from __future__ import annotations

import subprocess
import sys

from .realdata import REPO


def test_benchmark_quick_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "payouts_import.py"), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "ratio import / pandas rows/s:" in done.stdout
    assert "rows: 2,000 (--quick)" in done.stdout
