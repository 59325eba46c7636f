"""Citation extraction throughput: Monell's graph path vs eyecite's default `get_citations`.

    python benchmarks/citation_extraction.py [--mb 2.0] [--quick]

Same text for every contender: the shared sample's opinion texts, in file order, up to
`--mb` megabytes. Baseline: `eyecite.get_citations(text)` with eyecite's default tokenizer
(Aho-Corasick pre-filter + reporter regexes, then case-name/parenthetical parsing), keeping
full case citations. Contenders: `monell.corpus.graph.extract_cites`, which stops at the
tokenizer (the graph needs volume/reporter/page only), with the default tokenizer and with
eyecite's HyperscanTokenizer (pattern database compiled once and cached; its load time is
printed apart). Printed: MB/s on CPU time and wall time, the ratio to the baseline, and
agreement: the share of the baseline's distinct (opinion, citation) pairs each contender
also finds, and how many it finds that the baseline does not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "opinions"
sys.path.insert(0, str(ROOT / "src"))


def texts(limit_bytes: int) -> list[str]:
    out, size = [], 0
    for name in ("scotus.jsonl", "scotus_1983.jsonl", "ca1_1983.jsonl", "ca1_general_sample.jsonl"):
        with (SAMPLE / name).open() as handle:
            for line in handle:
                text = json.loads(line)["text"]
                if not text.strip():
                    continue
                out.append(text)
                size += len(text.encode())
                if size >= limit_bytes:
                    return out
    return out


def baseline(text: str) -> set[str]:
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    from monell.corpus.records import normalize_cite

    found = set()
    for c in get_citations(text):
        if isinstance(c, FullCaseCitation):
            volume, page = c.groups.get("volume") or "", c.groups.get("page") or ""
            if volume.isdigit() and page.isdigit():
                found.add(normalize_cite(volume, c.corrected_reporter(), page))
    return found


def measure(name: str, fn: Callable[[str], set[str]], docs: list[str]) -> dict[str, object]:
    fn("Warm-up: Monell v. Dep't of Soc. Servs., 436 U.S. 658 (1978).")
    c0, w0 = time.process_time(), time.perf_counter()
    results = [fn(t) for t in docs]
    return {
        "name": name,
        "cpu": time.process_time() - c0,
        "wall": time.perf_counter() - w0,
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=2.0, help="megabytes of opinion text")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="0.05 MB, and Hyperscan only if its pattern cache already exists",
    )
    args = parser.parse_args()

    from monell.corpus import graph

    docs = texts(int((0.05 if args.quick else args.mb) * 1e6))
    size = sum(len(t.encode()) for t in docs) / 1e6
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    print(
        f"citation extraction benchmark — {date.today()} — {os.cpu_count()} cores "
        f"({cpu_model}); {len(docs)} sample opinions, {size:.2f} MB"
    )
    runs = [measure("eyecite get_citations, default tokenizer (baseline)", baseline, docs)]
    default = graph.tokenizer("default")
    runs.append(
        measure(
            "monell extract_cites, default tokenizer",
            lambda t: set(graph.extract_cites(t, default)),
            docs,
        )
    )
    try:
        import hyperscan  # noqa: F401

        have_hyperscan = True
    except ImportError:
        have_hyperscan = False
    if not have_hyperscan:
        print("hyperscan is not installed: HyperscanTokenizer not measured")
    elif args.quick and not graph.hyperscan_cache_dir().exists():
        print("quick mode: Hyperscan pattern cache not built yet, HyperscanTokenizer skipped")
    else:
        t0 = time.perf_counter()
        hs = graph.tokenizer("hyperscan")
        hs.tokenize("436 U.S. 658")
        print(
            f"Hyperscan pattern database ready in {time.perf_counter() - t0:.1f} s "
            f"(compiled once, then loaded from {graph.hyperscan_cache_dir()})"
        )
        runs.append(
            measure(
                "monell extract_cites, HyperscanTokenizer",
                lambda t: set(graph.extract_cites(t, hs)),
                docs,
            )
        )

    base = runs[0]
    base_pairs = {(i, c) for i, r in enumerate(base["results"]) for c in r}
    print(
        f"{'contender':<55} {'MB/s cpu':>9} {'MB/s wall':>10} {'× base':>7} "
        f"{'recall':>7} {'extra':>6}"
    )
    for run in runs:
        pairs = {(i, c) for i, r in enumerate(run["results"]) for c in r}
        recall = len(pairs & base_pairs) / len(base_pairs) if base_pairs else 1.0
        print(
            f"{run['name']:<55} {size / run['cpu']:>9.3f} {size / run['wall']:>10.3f} "
            f"{base['cpu'] / run['cpu']:>7.1f} {recall:>7.1%} {len(pairs - base_pairs):>6}"
        )
    print(
        f"baseline: {len(base_pairs)} distinct (opinion, full case citation) pairs; "
        "'× base' compares CPU time."
    )


if __name__ == "__main__":
    main()
