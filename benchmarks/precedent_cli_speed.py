"""Wall time of `monell precedents search` from the command line: ONNX query encoding without
torch (the default) against the old path (sentence-transformers on torch), in the same run.

    python benchmarks/precedent_cli_speed.py --db sqlite:////tmp/sample.sqlite3 [--runs 7]

The database must hold a corpus with its precedent index built (`monell precedents index`),
so no run builds anything. Each run is a fresh process, as a lawyer's command is, started
with subprocess and timed from start to exit; the two paths alternate so a busy machine slows
both alike. The old path is forced with MONELL_QUERY_ENCODER=torch. Printed: min / median /
max per path and the median ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MONELL = REPO / ".venv" / "bin" / "monell"
QUERY = "excessive force against an arrestee who was not resisting"


def run(db: str, env: dict[str, str]) -> float:
    args = [str(MONELL), "precedents", "search", QUERY, "--circuit", "ca1"]
    args += ["--decided-before", "2010-01-01", "--format", "json", "--db", db]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"monell failed ({done.returncode}): {done.stderr[-500:]}")
    if "building the precedent index" in done.stderr:
        sys.exit("the index was (re)built during the run: build it first, then measure")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database with a built precedent index")
    parser.add_argument("--runs", type=int, default=7, help="runs per path")
    args = parser.parse_args()
    onnx_env = {k: v for k, v in os.environ.items() if k != "MONELL_QUERY_ENCODER"}
    torch_env = onnx_env | {"MONELL_QUERY_ENCODER": "torch"}
    run(args.db, onnx_env)  # warm the page cache and the ONNX export; not counted
    times: dict[str, list[float]] = {"onnx (default)": [], "torch (old path)": []}
    for _ in range(args.runs):
        times["onnx (default)"].append(run(args.db, onnx_env))
        times["torch (old path)"].append(run(args.db, torch_env))
    load = os.getloadavg()[0]
    print(f"monell precedents search, {args.runs} runs per path, load average {load:.1f}")
    for name, values in times.items():
        print(
            f"  {name:18} min {min(values):.2f} s  median {statistics.median(values):.2f} s"
            f"  max {max(values):.2f} s"
        )
    new, old = (statistics.median(v) for v in times.values())
    print(f"  median ratio old / new: {old / new:.1f}x")


if __name__ == "__main__":
    main()
