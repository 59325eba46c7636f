"""Cold start of `monell assess` on the bundled example, against two baselines in the same run.

    python benchmarks/assess_cold.py [--runs 15] [--format md] [--first-run]

Each measurement is a fresh Python process (nothing imported, nothing cached in memory),
timed wall-clock from spawn to exit, interleaved so that a busy machine slows every contender
alike. Printed: the median and p90 wall time of N runs, and the median CPU time (user +
system, from the children's rusage: a busy shared machine stretches wall time far more than
CPU time), for

- `python -c pass` (the interpreter alone),
- `python -c "import monell.cli.main"` (the command's imports),
- `monell assess examples/st_louis_excessive_force.yaml` (the whole command, output discarded),

then the assessment's ratios to both baselines and the assessment minus each baseline.
The environment is the caller's with a throwaway HOME/XDG, so the user's database is not
read (as on a fresh install). The kept citation checks (monell.law.checked) are made by one
warm-up run first, as a user's first run makes them; with `--first-run` every assessment
starts with an empty cache folder instead (the one-off cost of a new install), and the
one-off compile of eyecite's Hyperscan database (`make setup`) is timed beside it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "st_louis_excessive_force.yaml"


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONELL_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per contender")
    parser.add_argument("--format", default="md", choices=("md", "json", "html"))
    parser.add_argument(
        "--first-run", action="store_true", help="empty cache folder before every assessment"
    )
    args = parser.parse_args()

    python = sys.executable
    assess = [
        python, "-c", "from monell.cli.main import main; main()",
        "assess", str(EXAMPLE), "--format", args.format,
    ]  # fmt: skip
    contenders = {
        "python -c pass": [python, "-c", "pass"],
        "import monell.cli.main": [python, "-c", "import monell.cli.main"],
        f"monell assess ({args.format})": assess,
    }
    # With --first-run, also what a new machine pays once for eyecite's Hyperscan database
    # (`make setup` runs this step; the first `assess` paid it before issue 17's change).
    prepare = [python, "-m", "monell.law.citation_tokens"]
    if args.first_run:
        contenders["compile citation parser (setup)"] = prepare
    home = Path(tempfile.mkdtemp(prefix="monell-cold-"))
    try:
        env = environment(home)
        if not args.first_run:
            timed(assess, env)  # makes the kept citation checks, as a user's first run does
        times: dict[str, list[float]] = {name: [] for name in contenders}
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.runs):
            for name, argv in contenders.items():
                if args.first_run and argv in (assess, prepare):
                    shutil.rmtree(home / ".cache", ignore_errors=True)
                wall, used = timed(argv, env)
                times[name].append(wall)
                cpu[name].append(used)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    load = os.getloadavg()[0]
    print(f"cold start, {args.runs} fresh processes each, interleaved; load average {load:.1f}")
    print(f"{'contender':32} {'wall median':>12} {'wall p90':>9} {'CPU median':>11}")
    medians = {}
    for name, values in times.items():
        medians[name] = statistics.median(values)
        print(
            f"{name:32} {medians[name]:12.3f} {p90(values):9.3f} "
            f"{statistics.median(cpu[name]):11.3f}"
        )
    base, imports, a = (medians[n] for n in list(contenders)[:3])
    print()
    print(f"monell assess: {a:.3f} s wall (median){' — first run, empty cache' * args.first_run}")
    print(f"  = {a / base:.1f}x python -c pass, {a / imports:.2f}x import monell.cli.main")
    print(f"  minus the interpreter: {a - base:.3f} s; minus the imports: {a - imports:.3f} s")
    a_cpu = statistics.median(cpu[f"monell assess ({args.format})"])
    print(f"  CPU (user + system): {a_cpu:.3f} s; a busy machine stretches wall time, not CPU")
    print(f"  target 0.5 s wall: {'met' if a <= 0.5 else 'NOT met'} in this run")
    if args.first_run:
        compile_ = medians["compile citation parser (setup)"]
        print(
            f"  the Hyperscan compile it no longer waits for: {compile_:.1f} s wall "
            f"({compile_ / a:.1f}x this first assess), now paid once by `make setup` or by the "
            "first long `cite verify` / `corpus load`"
        )


if __name__ == "__main__":
    main()
