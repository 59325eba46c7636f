"""The corpus benchmarks still run (quick mode); their figures are reported, never asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("ingest.py", "     1,000 "),
        ("citation_extraction.py", "eyecite get_citations, default tokenizer (baseline)"),
    ],
)
def test_benchmark_quick_mode_runs(script, expected, tmp_path):
    env_home = {"XDG_CACHE_HOME": str(tmp_path)}  # no Hyperscan compile in the test suite
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, **env_home},
    )
    assert expected in out.stdout, out.stdout + out.stderr
