"""Settlement import throughput and memory, against pandas.read_csv of the same file.

    python benchmarks/payouts_import.py [--rows N] [--quick] [--db URL] [--keep]

Generates a synthetic settlements CSV in the FiveThirtyEight layout from the shapes of the real
rows in data/settlements (their allegation texts, case names, courts, outcomes and date/amount
patterns; docket numbers made unique, amounts and dates varied), then, each in a fresh
subprocess so peak RSS is that job's alone:

1. `monell.payouts.importer.import_files` into a new SQLite database (read in record batches,
   typed and categorised in columns, hashed, bulk-inserted) on a tenth of the rows, then on
   all rows: peak RSS at 10x the rows over peak RSS at 1x is the "flat memory" figure;
2. a second import of the full file (every row already present: the idempotency path);
3. the importer's read-and-classify stage alone on the full file (pyarrow batches, every cell
   typed and checked, rows categorised and hashed; no database), to show what the database
   writes cost;
4. `pandas.read_csv` of the full file (parse only, no database): the baseline.

Prints rows/s, rows per CPU-second, peak RSS and the ratios, with the machine's load. The
default is 2,000,000 rows (so 200,000 and 2,000,000); `--rows 10000000` is the long run.
`--quick` (2,000 rows) is the smoke test a unit test runs; it says nothing about speed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data" / "settlements"
HEADER = [
    "calendar_year", "city", "state", "incident_date", "incident_year", "filed_date",
    "filed_year", "closed_date", "amount_awarded", "other_expenses", "collection",
    "total_incurred", "case_outcome", "docket_number", "claim_number", "court",
    "plaintiff_name", "plaintiff_attorney", "matter_name", "location", "summary_allegations",
]  # fmt: skip


def templates() -> list[dict[str, str]]:
    """Every real settlement row (officer lists excluded), as column → text."""
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("*/*_edited.csv")):
        if "_police_" in path.name:
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def generate(path: Path, rows: int, seed: int = 1983) -> None:
    """Stream `rows` synthetic rows to `path` (constant memory: one row at a time)."""
    rng = random.Random(seed)
    shapes = templates()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            shape = shapes[index % len(shapes)]
            closed = date(2010, 1, 1) + timedelta(days=rng.randrange(3650))
            incident = closed - timedelta(days=rng.randrange(60, 2000))
            cents = rng.choice((rng.randrange(100, 10**6), rng.randrange(10**6, 10**9)))
            amount = f"{cents // 100}.{cents % 100:02d}" if cents % 3 else str(cents // 100)
            row = {name: shape.get(name, "") for name in HEADER}
            row.update(
                calendar_year=str(closed.year),
                closed_date=closed.isoformat() if shape.get("closed_date") else "",
                incident_date=incident.isoformat() if shape.get("incident_date") else "",
                incident_year=str(incident.year) if shape.get("incident_date") else "",
                amount_awarded=amount,
                docket_number=f"{shape.get('docket_number') or 'SYN'}-{index}",
            )
            writer.writerow([row[name] for name in HEADER])


IMPORT_JOB = """
import json, resource, sys, time
from pathlib import Path
from monell.payouts.importer import import_files
from monell.storage.database import make_engine, migrate
engine = make_engine(sys.argv[1]); migrate(engine)
try:  # the reader's modules loaded before the clock, as the baseline's pandas is
    import monell.payouts.arrow, monell.payouts.plain
except ImportError:  # an older tree (--against) without them
    pass
usage0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage0.ru_utime + usage0.ru_stime
start = time.perf_counter()
report = import_files(engine, [Path(sys.argv[2])])
seconds = time.perf_counter() - start
assert report.ok, [str(p) for f in report.files for p in f.problems][:5]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "rows": report.files[0].rows, "new": report.new,
                  "present": report.present, "cpu": usage.ru_utime + usage.ru_stime - cpu0,
                  "rss_kb": usage.ru_maxrss}))
"""

PARSE_JOB = """
import hashlib, json, os, resource, sys, time
from datetime import date
from pathlib import Path
from monell.payouts import importer
from monell.payouts.categories import default_categoriser
from monell.payouts.columns import resolve_layout
path = Path(sys.argv[1])
usage0 = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
header, lines = importer._read_header(path, "utf-8-sig", ",")
layout = resolve_layout(header, None)
report = importer.FileReport(path=str(path))
_, lone_cr = importer._scan(path)
options = dict(layout=layout, report=report, today=date.today(), iso_dates=True)
if importer.choose_reader() == "arrow":
    from monell.payouts.arrow import ArrowSource
    source = ArrowSource(path, "utf-8-sig", ",", header, lines, lone_cr=lone_cr, **options)
else:
    from monell.payouts.plain import PlainSource
    source = PlainSource(path, "utf-8-sig", ",", header, **options)
categorise = default_categoriser()
for rows, problems in source.batches():
    assert not problems
    if rows is None:
        continue
    [hashlib.sha256(k.encode()).hexdigest() for k in rows.keys]
    for pair in set(zip(rows.columns["summary_allegations"], rows.columns["matter_name"])):
        categorise(*pair)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "rows": report.rows,
                  "cpu": usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime,
                  "rss_kb": usage.ru_maxrss}))
"""

FLOOR_JOB = """
import hashlib, json, resource, sqlite3, sys, time
from datetime import date
from pathlib import Path
from monell.payouts import importer
from monell.payouts.arrow import ArrowSource
from monell.payouts.categories import default_categoriser
from monell.payouts.columns import resolve_layout
from monell.payouts.rows import SETTLEMENT_COLUMNS
from monell.storage.database import make_engine, migrate
path, db = Path(sys.argv[1]), sys.argv[2]
engine = make_engine(f"sqlite:///{db}"); migrate(engine); engine.dispose()
# Every row exactly as the importer binds it, made before the clock starts.
header, lines = importer._read_header(path, "utf-8-sig", ",")
layout = resolve_layout(header, None)
report = importer.FileReport(path=str(path))
_, lone_cr = importer._scan(path)
source = ArrowSource(path, "utf-8-sig", ",", header, lines, lone_cr=lone_cr, layout=layout,
                     report=report, today=date.today(), iso_dates=True)
categorise = default_categoriser()
rows, categories = [], []
for batch, problems in source.batches():
    if batch is None:
        continue
    hashes = [hashlib.sha256(k.encode()).hexdigest() for k in batch.keys]
    columns = [batch.columns[name] for name in SETTLEMENT_COLUMNS]
    rows.extend(zip([path.name] * len(hashes), batch.lines, hashes, *columns, batch.raws))
    pairs = zip(batch.columns["summary_allegations"], batch.columns["matter_name"])
    for pair in pairs:
        settlement_id = len(categories) + 1
        categories.append([(settlement_id, c.value, r) for c, r in categorise(*pair).items()])
flat = [row for found in categories for row in found]
names = ["source_file", "source_line", "row_hash", *SETTLEMENT_COLUMNS, "raw"]
sql = (f"INSERT INTO settlements ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
       "ON CONFLICT (row_hash) DO NOTHING")
conn = sqlite3.connect(db, isolation_level=None)
conn.execute(f"PRAGMA cache_size=-{importer.IMPORT_CACHE_KIB}")
conn.execute("PRAGMA temp_store=MEMORY")
out = {"rows": len(rows)}
def clock(label, work):
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    work()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out[label] = {"seconds": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime}
conn.execute("BEGIN")
clock("settlements", lambda: conn.executemany(sql, rows))
clock("categories", lambda: conn.executemany(
    "INSERT INTO settlement_categories (settlement_id, category, rule) VALUES (?, ?, ?)", flat))
clock("commit", lambda: conn.execute("COMMIT"))
out["seconds"] = sum(out[k]["seconds"] for k in ("settlements", "categories", "commit"))
out["cpu"] = sum(out[k]["cpu"] for k in ("settlements", "categories", "commit"))
out["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""

PANDAS_JOB = """
import json, resource, sys, time
import pandas as pd
usage0 = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
print(json.dumps({"seconds": seconds, "rows": len(frame), "cpu": cpu,
                  "rss_kb": usage.ru_maxrss}))
"""


def run_job(code: str, *args: str, src: Path | None = None, reader: str | None = None) -> Any:
    """Run one job in a fresh process; `src`: another source tree's src/ (an A/B against an
    earlier version of the code); `reader`: MONELL_PAYOUTS_READER for the job."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    if reader is not None:
        env["MONELL_PAYOUTS_READER"] = reader
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark job failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="rows to generate")
    parser.add_argument("--quick", action="store_true", help="2,000 rows: a smoke test")
    parser.add_argument("--db", default=None, help="database URL (default: temp SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV")
    parser.add_argument(
        "--no-reimport",
        action="store_true",
        help="skip the second import of the same file (saves a third of a long run)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="A/B: a source tree of another version (e.g. `git archive` of a commit); its "
        "import of the tenth-size file alternates with this one's",
    )
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds with --against")
    parser.add_argument(
        "--only-ab", action="store_true", help="with --against: run the A/B and pandas only"
    )
    args = parser.parse_args()
    rows = 2_000 if args.quick else args.rows
    tenth = max(rows // 10, 1)

    with tempfile.TemporaryDirectory(prefix="monell-bench-") as work:
        folder = Path(work)
        small, full = folder / "settlements_tenth.csv", folder / "settlements.csv"
        start = time.perf_counter()
        generate(small, tenth)
        if not args.only_ab:
            generate(full, rows)
        print(
            f"generated {rows:,} rows and {tenth:,} rows in {time.perf_counter() - start:.1f} s "
            f"from {len(templates()):,} real row shapes"
        )
        counter = iter(range(10**6))

        def job(label: str, code: str, *job_args: str, **options: Any) -> Any:
            # Printed as each job ends, so a long run shows its figures as it goes.
            result = run_job(code, *job_args, **options)
            print(f"  done: {label}: {json.dumps(result)}", flush=True)
            return result

        def fresh() -> str:
            return f"sqlite:///{folder / f'db{next(counter)}.sqlite3'}"

        if args.against is not None:
            ab(args, tenth, small, job, fresh)
            if args.only_ab:
                return
        url_full = args.db or fresh()
        part = job(f"import {tenth:,}", IMPORT_JOB, fresh(), str(small))
        whole = job(f"import {rows:,}", IMPORT_JOB, url_full, str(full))
        again = None if args.no_reimport else job("re-import", IMPORT_JOB, url_full, str(full))
        plain = job(f"import {tenth:,}, csv reader", IMPORT_JOB, fresh(), str(small), reader="csv")
        parse_only = job("read and classify only", PARSE_JOB, str(full))
        floor = job(f"bare insert {tenth:,}", FLOOR_JOB, str(small), str(folder / "floor.sqlite3"))
        baseline = job("pandas.read_csv", PANDAS_JOB, str(full))
        small_baseline = job(f"pandas.read_csv {tenth:,}", PANDAS_JOB, str(small))
        if args.keep:
            kept = REPO / "benchmarks" / "settlements_synthetic.csv"
            full.replace(kept)
            print(f"kept {kept}")

    assert whole["new"] == rows and baseline["rows"] == rows and plain["new"] == tenth
    assert again is None or again["present"] == rows

    mb = 1024.0  # ru_maxrss is in KiB on Linux
    print(f"rows: {rows:,} (--quick)" if args.quick else f"rows: {rows:,}")
    print(f"{'job':<30}{'seconds':>9}{'rows/s':>11}{'rows/CPU-s':>12}{'peak RSS':>12}")
    for label, done in (
        (f"import, {tenth:,} rows", part),
        (f"import, {rows:,} rows", whole),
        ("re-import (all present)", again),
        (f"import, {tenth:,}, csv reader", plain),
        ("read + classify, no DB", parse_only),
        (f"bare insert, {tenth:,} rows", floor),
        ("pandas.read_csv", baseline),
        (f"pandas.read_csv, {tenth:,} rows", small_baseline),
    ):
        if done is None:
            continue
        print(
            f"{label:<30}{done['seconds']:9.1f}{rate(done):11,.0f}{cpu_rate(done):12,.0f}"
            f"{done['rss_kb'] / mb:9.1f} MB"
        )
    print(
        "bare insert, CPU-seconds: settlements {settlements[cpu]:.2f}, categories "
        "{categories[cpu]:.2f}, commit {commit[cpu]:.2f}".format(**floor)
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {os.cpu_count()} cores")
    print(f"ratio import / pandas rows/s: {rate(whole) / rate(baseline):.3f}")
    print(f"ratio import / pandas rows per CPU-second: {cpu_rate(whole) / cpu_rate(baseline):.3f}")
    print(
        f"ratio read + classify / pandas rows/s: {rate(parse_only) / rate(baseline):.3f} "
        f"(per CPU-second {cpu_rate(parse_only) / cpu_rate(baseline):.3f})"
    )
    print(
        f"ratio import / bare insert, {tenth:,} rows, per CPU-second: "
        f"{cpu_rate(part) / cpu_rate(floor):.3f}; bare insert / pandas (same rows): "
        f"{cpu_rate(floor) / cpu_rate(small_baseline):.3f}"
    )
    print(
        f"ratio csv reader / arrow reader, {tenth:,} rows, per CPU-second: "
        f"{cpu_rate(plain) / cpu_rate(part):.3f}"
    )
    print(f"ratio pandas / import peak RSS: {baseline['rss_kb'] / whole['rss_kb']:.2f}")
    print(
        f"peak RSS all rows / a tenth: {whole['rss_kb'] / part['rss_kb']:.2f} "
        "(about 1 = flat memory; the target is <= 1.2)"
    )


def rate(job: dict[str, float]) -> float:
    return job["rows"] / job["seconds"]


def cpu_rate(job: dict[str, float]) -> float:
    return job["rows"] / max(job["cpu"], 1e-9)


def ab(args: argparse.Namespace, rows: int, path: Path, job: Any, fresh: Any) -> None:
    """Import the same file with the other tree (A) and this one (B), alternating, each into
    a new database; prints the median rows per CPU-second of each and B / A."""
    other = (args.against / "src").resolve()
    runs: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    for _ in range(args.rounds):
        runs["A"].append(job(f"A ({other})", IMPORT_JOB, fresh(), str(path), src=other))
        runs["B"].append(job("B (this tree)", IMPORT_JOB, fresh(), str(path)))
    baseline = job(f"pandas.read_csv {rows:,}", PANDAS_JOB, str(path))
    medians = {}
    for name, done in runs.items():
        medians[name] = sorted(cpu_rate(d) for d in done)[len(done) // 2]
        walls = sorted(rate(d) for d in done)[len(done) // 2]
        print(
            f"A/B {name}: {rows:,} rows, median {medians[name]:,.0f} rows per CPU-second, "
            f"{walls:,.0f} rows/s; / pandas per CPU-second "
            f"{medians[name] / cpu_rate(baseline):.3f}"
        )
    load = os.getloadavg()
    print(
        f"A/B: B / A = {medians['B'] / medians['A']:.2f} (rows per CPU-second, median of "
        f"{args.rounds}); load average {load[0]:.1f}"
    )


if __name__ == "__main__":
    main()
