"""Rebuild src/monell/law/data/corpus_citations.csv from the shared opinion sample.

The engine verifies every citation it prints against this index (case name, date, court,
record id), so an assessment can say "found in corpus" without a database. Run it whenever
../shared/data/opinions changes; a test fails when the index and the sample disagree.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "opinions"
OUT = ROOT / "src" / "monell" / "law" / "data" / "corpus_citations.csv"
FILES = ("scotus.jsonl", "scotus_1983.jsonl", "ca1_1983.jsonl", "ca1_general_sample.jsonl")


def build_rows(opinions_dir: Path) -> list[dict[str, str]]:
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for name in FILES:
        with open(opinions_dir / name, encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if not rec.get("case_name"):
                    continue
                for cite in rec.get("citations") or [""]:
                    key = (cite, rec["case_name"], rec.get("date_filed") or "")
                    seen.setdefault(
                        key,
                        {
                            "citation": cite,
                            "case_name": rec["case_name"],
                            "date_filed": rec.get("date_filed") or "",
                            "court": rec["court"],
                            "record_id": rec["id"],
                            "file": name,
                        },
                    )
    return sorted(
        seen.values(), key=lambda r: (r["court"], r["citation"], r["case_name"], r["date_filed"])
    )


def render(rows: list[dict[str, str]]) -> str:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(
        buf,
        fieldnames=["citation", "case_name", "date_filed", "court", "record_id", "file"],
        lineterminator="\n",
    )
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SHARED
    OUT.write_text(render(build_rows(src)), encoding="utf-8")
    print(f"wrote {OUT}")
