"""Ingest benchmark: a synthetic CourtListener bulk export loaded with the real loader.

    python benchmarks/ingest.py [--sizes 10000,100000,1000000] [--quick] [--dir DIR]

For each size N it writes a bulk export in CourtListener's file formats (courts, dockets,
opinion-clusters, opinions, citations, citation-map; PostgreSQL COPY CSV) whose opinion texts
are the shared sample's real opinion texts, cycled (`--text-bytes` caps their length), with one
reporter citation per cluster and three citation-map edges per opinion. It then loads the
export into a fresh SQLite database with `monell.corpus.ingest_bulk.load_file` — validation
pass, batched upserts, bookkeeping, court linking, all of it — in a child process per size,
so that the child's peak RSS (getrusage ru_maxrss) is that size's peak memory.

Printed per size: wall and CPU seconds, opinions/s, opinions/s per core (opinions ÷ CPU
seconds: the loader is one process on one core), peak RSS, and the ratios of throughput and
memory to the smallest size: flat memory shows as an RSS ratio near 1.0 while N grows 10×.
Free disk is checked before each size; the run stops at the largest size that fits and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "opinions"
TARGET_PER_CORE = 1000  # opinions/s/core, from issue 4
COURTS = [  # (id, full name, jurisdiction, reporter for its citations)
    ("scotus", "Supreme Court of the United States", "F", "U.S."),
    ("ca1", "Court of Appeals for the First Circuit", "F", "F.3d"),
    ("ca2", "Court of Appeals for the Second Circuit", "F", "F.3d"),
    ("ca8", "Court of Appeals for the Eighth Circuit", "F", "F.3d"),
    ("moed", "District Court, E.D. Missouri", "FD", "F. Supp. 3d"),
    ("mowd", "District Court, W.D. Missouri", "FD", "F. Supp. 3d"),
]
HEADERS = {
    "courts": "id,pacer_court_id,pacer_has_rss_feed,pacer_rss_entry_types,date_last_pacer_contact,"
    "fjc_court_id,date_modified,in_use,has_opinion_scraper,has_oral_argument_scraper,position,"
    "citation_string,short_name,full_name,url,start_date,end_date,jurisdiction,notes,"
    "parent_court_id",
    "dockets": "id,date_created,date_modified,source,appeal_from_str,assigned_to_str,"
    "referred_to_str,panel_str,date_last_index,date_cert_granted,date_cert_denied,date_argued,"
    "date_reargued,date_reargument_denied,date_filed,date_terminated,date_last_filing,"
    "case_name_short,case_name,case_name_full,slug,docket_number,docket_number_core,"
    "pacer_case_id,cause,nature_of_suit,jury_demand,jurisdiction_type,appellate_fee_status,"
    "appellate_case_type_information,mdl_status,filepath_local,filepath_ia,filepath_ia_json,"
    "ia_upload_failure_count,ia_needs_upload,ia_date_first_change,view_count,date_blocked,"
    "blocked,appeal_from_id,assigned_to_id,court_id,idb_data_id,"
    "originating_court_information_id,referred_to_id,federal_dn_case_type,"
    "federal_dn_office_code,federal_dn_judge_initials_assigned,"
    "federal_dn_judge_initials_referred,federal_defendant_number,parent_docket_id,"
    "docket_number_raw,docket_number_source",
    "opinion-clusters": "id,date_created,date_modified,judges,date_filed,"
    "date_filed_is_approximate,slug,case_name_short,case_name,case_name_full,scdb_id,"
    "scdb_decision_direction,scdb_votes_majority,scdb_votes_minority,source,"
    "procedural_history,attorneys,nature_of_suit,posture,syllabus,headnotes,summary,"
    "disposition,history,other_dates,cross_reference,correction,citation_count,"
    "precedential_status,date_blocked,blocked,filepath_json_harvard,filepath_pdf_harvard,"
    "docket_id,arguments,headmatter",
    "opinions": "id,date_created,date_modified,author_str,per_curiam,joined_by_str,type,sha1,"
    "page_count,download_url,local_path,plain_text,html,html_lawbox,html_columbia,"
    "html_anon_2020,xml_harvard,xml_scan,html_with_citations,extracted_by_ocr,author_id,"
    "cluster_id",
    "citations": "id,volume,reporter,page,type,cluster_id,date_created,date_modified",
    "citation-map": "id,depth,cited_opinion_id,citing_opinion_id",
}
TS = "2024-05-01 03:12:45.123456+00"


def sample_records() -> list[tuple[str, str]]:
    records = []
    for path in sorted(SAMPLE.glob("*.jsonl")):
        with path.open() as handle:
            for line in handle:
                rec = json.loads(line)
                if rec["text"].strip():
                    records.append((rec.get("case_name") or "Unnamed v. Unknown", rec["text"]))
    return records


def generate(folder: Path, n: int, text_bytes: int | None) -> int:
    """Write an N-opinion export into `folder`; returns its size in bytes."""
    sys.path.insert(0, str(ROOT / "src"))
    from monell.corpus.bulkcsv import format_row

    records = sample_records()
    folder.mkdir(parents=True, exist_ok=True)
    cols = {k: v.split(",") for k, v in HEADERS.items()}

    def writer(kind: str):  # type: ignore[no-untyped-def]
        handle = (folder / f"{kind}-2024-05-01.csv").open("w", encoding="utf-8", newline="")
        handle.write(HEADERS[kind] + "\n")
        return handle

    def row(kind: str, **values: str | None) -> str:
        return format_row([values.get(c, "") for c in cols[kind]])

    with writer("courts") as f:
        for cid, name, jur, _ in COURTS:
            f.write(
                row(
                    "courts",
                    id=cid,
                    full_name=name,
                    short_name=name,
                    jurisdiction=jur,
                    date_modified=TS,
                    in_use="t",
                    citation_string=cid,
                    position="1.00",
                    pacer_has_rss_feed=None,
                    start_date=None,
                    end_date=None,
                )
            )
    start = date(1950, 1, 1)
    with (
        writer("dockets") as fd,
        writer("opinion-clusters") as fc,
        writer("opinions") as fo,
        writer("citations") as fci,
        writer("citation-map") as fm,
    ):
        edge_id = 0
        for i in range(1, n + 1):
            court, _, _, reporter = COURTS[i % len(COURTS)]
            name, text = records[i % len(records)]
            if text_bytes and len(text) > text_bytes:
                offset = (i * 7919) % (len(text) - text_bytes)
                text = text[offset : offset + text_bytes]
            filed = (start + timedelta(days=(i * 3) % 27000)).isoformat()
            fd.write(
                row(
                    "dockets",
                    id=str(i),
                    date_created=TS,
                    date_modified=TS,
                    source="0",
                    case_name=name,
                    docket_number=f"{i % 100:02d}-{i}",
                    court_id=court,
                    blocked="f",
                    view_count="0",
                    date_filed=None,
                )
            )
            fc.write(
                row(
                    "opinion-clusters",
                    id=str(i),
                    date_created=TS,
                    date_modified=TS,
                    date_filed=filed,
                    date_filed_is_approximate="f",
                    case_name=name,
                    precedential_status="Published",
                    citation_count="3",
                    blocked="f",
                    docket_id=str(i),
                    source="C",
                )
            )
            fo.write(
                row(
                    "opinions",
                    id=str(i),
                    date_created=TS,
                    date_modified=TS,
                    per_curiam="f",
                    type="010combined",
                    plain_text=text,
                    extracted_by_ocr="f",
                    cluster_id=str(i),
                    author_id=None,
                    page_count=None,
                    download_url=None,
                )
            )
            fci.write(
                row(
                    "citations",
                    id=str(i),
                    volume=str(1 + i // 1000),
                    reporter=reporter,
                    page=str(1 + i % 1000),
                    type="1",
                    cluster_id=str(i),
                    date_created=TS,
                    date_modified=TS,
                )
            )
            for k in (1, 7, 31):
                if i > k:
                    edge_id += 1
                    fm.write(
                        row(
                            "citation-map",
                            id=str(edge_id),
                            depth=str(1 + (i + k) % 3),
                            cited_opinion_id=str(i - k),
                            citing_opinion_id=str(i),
                        )
                    )
    return sum(p.stat().st_size for p in folder.iterdir())


def child(folder: Path, db_path: Path) -> None:
    """Load the export (in its own process) and print figures as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    from monell.corpus.graph import link_pending
    from monell.corpus.ingest_bulk import load_file, order_files
    from monell.storage.database import open_database

    engine = open_database(f"sqlite:///{db_path}")
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    opinions = 0
    rss_after: dict[str, int] = {}
    for path, kind in order_files(sorted(folder.iterdir())):
        report = load_file(engine, path, bulk_graph=True)
        rss_after[kind.name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        if kind.name == "opinions":
            opinions = report.rows_loaded
    pending = link_pending(engine).opinions_scanned  # 0: the citation map is the graph
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime - c0.ru_utime) + (usage.ru_stime - c0.ru_stime)
    engine.dispose()
    print(
        json.dumps(
            {
                "opinions": opinions,
                "wall": wall,
                "cpu": cpu,
                "maxrss_kb": usage.ru_maxrss,
                "eyecite_scanned": pending,
                "peak_rss_mb_after": rss_after,
                "db_bytes": sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated opinion counts (default: 10k, 100k, 1M)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1,000 opinions with 3 kB texts: seconds, for the test suite",
    )
    parser.add_argument("--dir", default=None, help="work folder (default: a temp folder)")
    parser.add_argument(
        "--text-bytes",
        type=int,
        default=None,
        help="cap each opinion text at this many characters "
        "(default: the sample texts whole, ≈36 kB on average)",
    )
    parser.add_argument("--child", nargs=2, metavar=("EXPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    text_bytes = 3000 if args.quick and args.text_bytes is None else args.text_bytes
    work = Path(args.dir or tempfile.mkdtemp(prefix="monell-ingest-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    records = sample_records()
    avg = sum(len(t.encode()) for _, t in records) / len(records)
    per_opinion = min(avg, text_bytes or avg) * 2.4 + 1500  # CSV + SQLite, with indexes
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    length = f"≤{text_bytes} chars" if text_bytes else f"whole (avg {avg / 1e3:.0f} kB)"
    print(
        f"ingest benchmark — {date.today()} — {os.cpu_count()} cores ({cpu_model}); "
        f"texts: {len(records)} shared sample opinions cycled, {length}"
    )
    print(
        f"{'opinions':>10} {'export':>9} {'wall s':>8} {'cpu s':>8} {'op/s':>8} "
        f"{'op/s/core':>10} {'peak RSS':>9} {'RSS×':>6} {'rate×':>6} {'vs target':>9}"
    )
    first: dict[str, float] | None = None
    try:
        for n in sizes:
            need = n * per_opinion
            free = shutil.disk_usage(work).free
            if need > free * 0.8:
                print(
                    f"stopping before {n:,} opinions: it needs about {need / 1e9:.0f} GB of "
                    f"disk and {free / 1e9:.0f} GB are free in {work} (keeping 20% spare); "
                    f"the largest size that fits was run above"
                )
                break
            folder, db = work / f"export-{n}", work / f"db-{n}" / "corpus.sqlite3"
            db.parent.mkdir(parents=True, exist_ok=True)
            export_bytes = generate(folder, n, text_bytes)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(folder), str(db)],
                check=True,
                capture_output=True,
                text=True,
            )
            fig = json.loads(out.stdout.strip().splitlines()[-1])
            rate, per_core = fig["opinions"] / fig["wall"], fig["opinions"] / fig["cpu"]
            rss = fig["maxrss_kb"] / 1024
            first = first or {"rss": rss, "rate": per_core}
            print(
                f"{fig['opinions']:>10,} {export_bytes / 1e6:>7.0f}MB {fig['wall']:>8.1f} "
                f"{fig['cpu']:>8.1f} {rate:>8.0f} {per_core:>10.0f} {rss:>7.0f}MB "
                f"{rss / first['rss']:>6.2f} {per_core / first['rate']:>6.2f} "
                f"{per_core / TARGET_PER_CORE:>8.2f}×",
                flush=True,
            )
            steps = ", ".join(f"{k} {v}" for k, v in fig["peak_rss_mb_after"].items())
            print(
                f"{'':>10} peak RSS (MB) after each file: {steps}; SQLite file "
                f"{fig['db_bytes'] / 1e6:,.0f} MB",
                flush=True,
            )
            shutil.rmtree(folder)
            shutil.rmtree(db.parent)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    print(
        "RSS× and rate× are relative to the first size; 'vs target' is opinions/s/core "
        f"over the issue's {TARGET_PER_CORE}/s/core. eyecite ran on 0 opinions: the "
        "citation map is the bulk graph."
    )


if __name__ == "__main__":
    main()
