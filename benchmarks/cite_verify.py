"""`monell cite verify` throughput on real opinion text and on adversarial shapes of input.

    python benchmarks/cite_verify.py [--mb 1.0] [--quick]

Runs `monell.law.verify_text.verify_text` against the index `monell cite verify` uses without
a database (bundled opinion sample, then the Supreme Court citation table; names also against
the authority table). Inputs, each about `--mb` megabytes:

- real: the shared sample's opinion texts (../shared/data/opinions), in file order, one
  document each, as a user would check them;
- dense: the citations found in that text, with their case names, one after another
  ("Graham v. Connor, 490 U.S. 386 (1989); …"), as one document;
- repeats: "Av.Bv." repeated (issue 17: 40 kB of it took 15 s), with a citation every 40 kB;
- one line: the real text with every line break made a space, as one document;
- no spaces: the real text with every space removed, as one document.

Printed: MB/s on CPU time for each, and each adversarial figure as a ratio to the real-text
figure (the target: real >= 1 MB/s, and no shape below a tenth of it). Start-up (loading
eyecite's patterns and the Supreme Court table) is done once before timing and printed apart.
`--quick` (0.05 MB) is the smoke test a unit test runs; it says nothing about speed.

    python benchmarks/cite_verify.py --store [--db URL] [--mb 1.0]

`--store` times `cite verify --db` instead: the real text against the bundled sample plus the
opinion store (`StoreCitationIndex`), once as before issue 17's change (one query per
citation: prefetch turned off) and once with the batched prefetch (one query per 500
citations), each with a fresh index, interleaved over 3 rounds; printed: queries, wall and
CPU seconds (medians), and the ratio. The store is the database `--db` names (an empty one
gets the four shared sample files), else the samples loaded into a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def real_texts(limit: int) -> list[str]:
    # The same texts, in the same order, as the citation extraction benchmark reads.
    from citation_extraction import texts

    return texts(limit)


def grow(unit: str, limit: int) -> str:
    return unit * max(1, limit // max(1, len(unit.encode())))


def shapes(texts: list[str], limit: int) -> dict[str, list[str]]:
    from monell.law.verify_text import find_citations

    joined = "\n\n".join(texts)
    written = []
    for text in texts[:40]:
        for c in find_citations(text):
            if c.reporter_known and c.case_name and c.year:
                written.append(f"{c.case_name}, {c.text} ({c.year})")
    dense = "; ".join(written) + ". "
    repeats = grow("Av.Bv." * 6_666 + " Graham v. Connor, 490 U.S. 386 (1989). ", limit)
    return {
        "real opinion text": texts,
        "dense citations": [grow(dense, limit)],
        "pathological repeats (Av.Bv.)": [repeats],
        "one huge line": [joined.replace("\r", " ").replace("\n", " ")[:limit]],
        "no spaces": [joined.replace(" ", "")[:limit]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes per input shape")
    parser.add_argument("--quick", action="store_true", help="0.05 MB: a smoke test")
    parser.add_argument("--store", action="store_true", help="time cite verify --db")
    parser.add_argument("--db", default=None, help="with --store: a loaded database to use")
    args = parser.parse_args()
    logging.getLogger("eyecite").setLevel(logging.ERROR)  # its overlap warnings are noise here
    if args.store:
        store_main(int((0.05 if args.quick else args.mb) * 1e6), args.db)
        return

    from monell.law.verify import ChainedIndex, authority_index, bundled_index, with_scotus
    from monell.law.verify_text import verify_text

    limit = int((0.05 if args.quick else args.mb) * 1e6)
    c0 = time.process_time()
    index = with_scotus(ChainedIndex([bundled_index()]))
    names = (authority_index(),)
    verify_text("Graham v. Connor, 491 U.S. 386 (1989); Monell, 436 U.S. 658 (1978).", index, names)
    for source in (index, *names):
        source.by_name("Graham v. Connor")  # builds each index's name lookup once
    start_up = time.process_time() - c0
    inputs = shapes(real_texts(limit), limit)
    load = os.getloadavg()
    print(
        f"cite verify benchmark — {datetime.now():%Y-%m-%d %H:%M} — {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; start-up (patterns, "
        f"tables) {start_up:.1f} CPU-s, not counted below"
    )
    print(f"{'input':<32}{'MB':>7}{'citations':>11}{'CPU s':>8}{'MB/s':>8}{'× real':>8}")
    real_rate = None
    for label, docs in inputs.items():
        size = sum(len(d.encode()) for d in docs) / 1e6
        c0 = time.process_time()
        found = sum(len(verify_text(d, index, names)) for d in docs)
        cpu = max(time.process_time() - c0, 1e-9)
        rate = size / cpu
        real_rate = real_rate or rate
        print(f"{label:<32}{size:>7.2f}{found:>11,}{cpu:>8.2f}{rate:>8.2f}{rate / real_rate:>8.2f}")
    print("target: real opinion text >= 1 MB/s; every other shape >= 0.1 × real")


def _load_samples(engine: object) -> None:
    from monell.corpus.ingest_jsonl import load_jsonl

    for name in ("scotus.jsonl", "scotus_1983.jsonl", "ca1_1983.jsonl", "ca1_general_sample.jsonl"):
        load_jsonl(engine, ROOT.parent / "shared" / "data" / "opinions" / name)  # type: ignore[arg-type]


def store_main(limit: int, db: str | None) -> None:
    import statistics
    import tempfile

    import sqlalchemy as sa

    from monell.corpus.store import CorpusStore, StoreCitationIndex
    from monell.law.verify import ChainedIndex, CitationIndex, bundled_index, with_scotus
    from monell.law.verify_text import verify_text
    from monell.storage.database import open_database

    class Unbatched(StoreCitationIndex):  # before: no prefetch, one query per citation
        def prefetch(self, canonicals: object) -> None:
            CitationIndex.prefetch(self, canonicals)  # type: ignore[arg-type]

        def prefetch_names(self, case_names: object) -> None:
            CitationIndex.prefetch_names(self, case_names)  # type: ignore[arg-type]

        def by_name(self, case_name: str) -> list:  # type: ignore[type-arg]
            return list(self._query_name(case_name))  # and no cache of names

    with tempfile.TemporaryDirectory(prefix="monell-cite-store-") as folder:
        engine = open_database(db or f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        if CorpusStore(engine).count_opinions() == 0:  # a new database: the shared samples
            _load_samples(engine)
        queries = [0]
        sa.event.listen(
            engine, "before_cursor_execute", lambda *_a: queries.__setitem__(0, queries[0] + 1)
        )
        opinions = CorpusStore(engine).count_opinions()
        text = "\n\n".join(real_texts(limit))
        size = len(text.encode()) / 1e6
        verify_text(
            "Graham v. Connor, 490 U.S. 386 (1989).", with_scotus(ChainedIndex([bundled_index()]))
        )
        figures: dict[str, dict[str, list[float]]] = {}
        for _round in range(3):
            for label, kind in (("before: one query per citation", Unbatched),
                                ("after: batched prefetch", StoreCitationIndex)):  # fmt: skip
                index = with_scotus(ChainedIndex([bundled_index(), kind(engine)]))
                queries[0] = 0
                w0, c0 = time.perf_counter(), time.process_time()
                found = len(verify_text(text, index))
                wall, cpu = time.perf_counter() - w0, time.process_time() - c0
                row = figures.setdefault(label, {"wall": [], "cpu": [], "queries": [], "n": []})
                row["wall"].append(wall)
                row["cpu"].append(cpu)
                row["queries"].append(queries[0])
                row["n"].append(found)
        engine.dispose()
    load = os.getloadavg()
    print(
        f"cite verify --db benchmark — {datetime.now():%Y-%m-%d %H:%M} — load average "
        f"{load[0]:.1f}; {size:.2f} MB of real opinion text, store of {opinions:,} opinions "
        f"({engine.dialect.name}); medians of 3 rounds"
    )
    print(f"{'contender':<34}{'citations':>10}{'queries':>9}{'wall s':>8}{'CPU s':>8}{'MB/s':>7}")
    medians = {}
    for label, row in figures.items():
        wall, cpu = statistics.median(row["wall"]), statistics.median(row["cpu"])
        medians[label] = wall
        print(
            f"{label:<34}{int(row['n'][0]):>10,}{int(statistics.median(row['queries'])):>9,}"
            f"{wall:>8.2f}{cpu:>8.2f}{size / wall:>7.2f}"
        )
    before, after = medians.values()
    print(
        f"after / before wall time: {after / before:.2f} (before is {before / after:.2f}x slower)"
    )


if __name__ == "__main__":
    main()
