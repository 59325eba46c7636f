"""Keep `benchmarks/precedent_search.py --quick` working (it reports; it asserts nothing
about speed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_benchmark_runs_and_prints_its_figures(shared_opinions: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "precedent_search.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in (
        "p95",
        "baseline: score all rows then filter",
        "recall@10",
        "nDCG@10",
        "ratio hybrid/BM25",
        "co-citation alone",
        "hybrid end to end (encoding beside BM25)",
        "+ graph",
        "95% bootstrap interval",
        "odd half",
        "RRF hybrid",
        "learned ranker alone",
    ):
        assert figure in done.stdout
