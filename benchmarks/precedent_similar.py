"""Factually similar precedent vs BM25 vs today's hybrid, on the question qualified immunity asks.

    python benchmarks/precedent_similar.py --db sqlite:////tmp/sample.sqlite3 [--tune]

The database must hold the shared sample (`monell corpus load ../shared/data/opinions/*.jsonl`);
its precedent index is built on first use, as `monell precedents` builds it.

Evaluation sets (built from the corpus, nothing typed by hand): every court opinion whose QI
rules (`research/qi.py`) say it decides qualified immunity (the issue's set; "discusses QI":
every opinion mentioning qualified immunity) and whose "clearly established" sentences — or
the citation sentence right after one — cite a reporter citation (`research/established.py`;
habeas "clearly established Federal law" skipped). The relevant precedents are the corpus
opinions those citations resolve to among the ones the citing opinion cites in the store's
eyecite graph (a pin cite to the opinion it falls in), decided before the citing opinion; a
third set leaves out sentences that state the doctrine (`established.DOCTRINE`). The query
is the citing opinion's facts section (`research/segment.py`, at most its MAX_WORDS) with
citations and case names removed, as the issue says; until 2026-12-04 15:30 UTC only its
first 300 words, which cut Plumhoff v. Rickard's facts before the shots were fired.

Second figure: the hand-checked incidents of data/labels/similar_incidents.jsonl (narrative,
circuit, date, conduct, custody; the precedents a lawyer would pull, each verified by reading
its facts in the shared sample; data/labels/SOURCES.md). Query = the narrative; the new
ranking also gets the incident's conduct and custody, as `monell precedents` does.

Each query is ranked, with the same date filter (decided before the citing opinion) and the
same courts (the Supreme Court and every court of appeals in the index), by:
- BM25 over the whole text (the baseline);
- today's hybrid (`hybrid_search`: BM25 + embeddings + citation graph + co-citation + the
  learned ranker) — what `monell precedents` listed before issue 16;
- the factual-similarity ranking as first shipped (no votes, every Supreme Court opinion
  guarded) and as now (`similar_search`: clearly-established votes, landmark guard), with
  and without its guard.
Printed: the set's size, recall@10, nDCG@10, the share of the top 10 that are landmarks (a
Supreme Court opinion cited by at least LANDMARK_CITERS opinions of the corpus), each
ranker's ratio to BM25, per split, and the ceilings: the best recall@10 any ranking could
reach with at most 2 landmarks in its top 10, with landmarks only on their own facts, and
with that and only fact-sharing opinions listed (`ceiling`). The split is by citing opinion
id (odd/even), fixed before any tuning: `--tune` grids the similarity weights, the vote
weight and the number of voters on the dev half only; the test half is never tuned on.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import sqlalchemy as sa  # noqa: E402

from monell.corpus import schema  # noqa: E402
from monell.corpus.records import normalize_cite  # noqa: E402
from monell.research.documents import documents_from_store  # noqa: E402
from monell.research.embedding import encode_query  # noqa: E402
from monell.research.established import CiteResolver, established_cites  # noqa: E402
from monell.research.precedents import appellate_courts, open_retrieval  # noqa: E402
from monell.research.qi import classify  # noqa: E402
from monell.research.search import hybrid_search  # noqa: E402
from monell.research.segment import facts_section, strip_citations  # noqa: E402
from monell.research.similar import (  # noqa: E402
    FACT_WEIGHT,
    FACTS_TEXT_WEIGHT,
    NEIGHBOURS,
    SEMANTIC_WEIGHT,
    query_case_facts,
    similar_search,
)
from monell.storage.database import make_engine  # noqa: E402

LANDMARK_CITERS = 10
K = 10


@dataclass(frozen=True)
class Query:
    opinion_id: int
    case_name: str
    date: object
    text: str
    relevant: frozenset[int]
    split: str


def _own_citations(engine: sa.Engine) -> dict[int, list[str]]:
    """Opinion id → its cluster's reporter citations ("457 U.S. 800")."""
    o, c = schema.opinions, schema.citations
    out: dict[int, list[str]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(o.c.id, c.c.volume, c.c.reporter, c.c.page).join(
                c, c.c.cluster_id == o.c.cluster_id
            )
        )
        for oid, vol, rep, page in rows:
            out.setdefault(int(oid), []).append(normalize_cite(vol, rep, page))
    return out


def _edges(engine: sa.Engine) -> dict[int, set[int]]:
    e = schema.edges
    out: dict[int, set[int]] = {}
    with engine.connect() as conn:
        for a, b in conn.execute(sa.select(e.c.citing_opinion_id, e.c.cited_opinion_id)):
            out.setdefault(int(a), set()).add(int(b))
    return out


def _discusses_qi(text: str) -> bool:
    low = text.lower()
    return (
        "qualified immunity" in low or "good faith immunity" in low or "good-faith immunity" in low
    )


def build_queries(
    engine: sa.Engine, index: object, *, literal: bool = True, strict: bool = True
) -> list[Query]:
    """The evaluation queries. `literal` keeps every "clearly established" sentence with a
    citation (the issue's wording), else sentences that state the doctrine are left out
    (`established.DOCTRINE`). `strict`: only opinions the QI rules say decide qualified
    immunity (the issue's wording); else every opinion that discusses qualified immunity.

    Relevant = the earlier corpus opinions the query opinion cites (store graph) whose
    citation `established.established_cites` finds in its "clearly established" sentences or
    in the citation sentence right after one, a pin cite resolved to the opinion it falls in."""
    own = _own_citations(engine)
    edges = _edges(engine)
    meta_of = index.meta  # type: ignore[attr-defined]
    out = []
    for doc in documents_from_store(engine):
        if doc.date_filed is None or not doc.speaks_for_court or not _discusses_qi(doc.text):
            continue
        cites = established_cites(doc.text, doctrine=literal)
        if not cites:
            continue
        if strict and not classify(doc.text).decides:
            continue
        earlier = {}
        for cited in edges.get(doc.opinion_id, ()):
            meta = meta_of(cited)
            if meta is None or not meta.get("date_filed"):
                continue
            if str(meta["date_filed"]) < doc.date_filed.isoformat():
                earlier[cited] = own.get(cited, [])
        relevant = CiteResolver(earlier).resolve(cites)
        if not relevant:
            continue
        section = strip_citations(facts_section(doc.text).text)
        text = " ".join(section.split())
        if len(text.split()) < 30:
            continue
        split = "dev" if doc.opinion_id % 2 == 0 else "test"
        out.append(
            Query(doc.opinion_id, doc.case_name, doc.date_filed, text, frozenset(relevant), split)
        )
    return out


def landmarks(index: object) -> set[int]:
    """Supreme Court opinions cited by at least LANDMARK_CITERS opinions of the corpus."""
    import numpy as np

    ix: Any = index
    court_of = dict(zip(ix.graph_opinion.tolist(), ix.graph_court.tolist(), strict=True))
    names = ix.graph_court_names
    scotus = names.index("scotus") if "scotus" in names else -1
    counts = np.diff(np.asarray(ix.graph_citer_offsets))
    return {
        int(o)
        for o, n in zip(ix.graph_authorities.tolist(), counts.tolist(), strict=True)
        if n >= LANDMARK_CITERS and court_of.get(o) == scotus
    }


def metrics(
    ranked: Sequence[int], relevant: frozenset[int], marks: set[int]
) -> tuple[float, float, float]:
    top = list(ranked[:K])
    hits = [1.0 if o in relevant else 0.0 for o in top]
    recall = sum(hits) / len(relevant)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))
    share = sum(1 for o in top if o in marks) / len(top) if top else 0.0
    return recall, dcg / ideal, share


Ranker = Callable[[Query], list[int]]


def ceiling(queries: Sequence[Query], marks: set[int], index: Any, rule: str) -> float:
    """The best recall@10 any ranking could reach under `rule`: "share" — at most 2
    landmarks in its top 10 (the <= 20% target); "guard" — a landmark only when its own
    facts pass the landmark guard for the query's facts (`similar.passes_landmark_guard`);
    "fact" — only opinions sharing at least one fact of the vocabulary with the query (what
    the similar list lists), a landmark only past the guard."""
    from monell.research.similar import fact_weights, passes_landmark_guard, query_case_facts

    weights = fact_weights(index)
    total = 0.0
    for q in queries:
        codes = sorted(query_case_facts(q.text).facts)
        facts = {r: set((index.meta(r) or {}).get("facts") or {}) for r in q.relevant}
        plain = [r for r in q.relevant if r not in marks]
        marked = [r for r in q.relevant if r in marks]
        if rule == "share":
            allowed = len(plain) + min(2, len(marked))
        else:
            passed = [r for r in marked if passes_landmark_guard(codes, facts[r], weights)]
            if rule == "fact":
                plain = [r for r in plain if facts[r] & set(codes)]
            allowed = len(plain) + len(passed)
        total += min(K, allowed) / len(q.relevant)
    return total / (len(queries) or 1)


def evaluate(
    queries: Sequence[Query], ranker: Ranker, marks: set[int]
) -> tuple[float, float, float]:
    rows = [metrics(ranker(q), q.relevant, marks) for q in queries]
    n = len(rows) or 1
    return tuple(sum(r[i] for r in rows) / n for i in range(3))  # type: ignore[return-value]


def incident_figures(index: Any, encoder: Any, courts: list[str], marks: set[int]) -> None:
    import datetime as dt
    import json

    from monell.research.similar import incident_case_facts

    path = REPO / "data" / "labels" / "similar_incidents.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_name: dict[tuple[str, str], int] = {}
    for oid in index.graph_opinion.tolist():
        meta = index.meta(int(oid))
        if meta and meta.get("opinion_type") in (None, "010combined", "020lead"):
            by_name.setdefault((str(meta["case_name"]), str(meta["date_filed"])), int(oid))
    queries = []
    for row in rows:
        wanted = {by_name.get((e["case_name"], e["date_filed"])) for e in row["expected"]}
        if None in wanted:
            sys.exit(f"{row['id']}: an expected opinion is not in the index: load the sample")
        queries.append((row, frozenset(w for w in wanted if w is not None)))

    def rank_with(kind: str) -> Callable[[Any], list[int]]:
        def rank(item: Any) -> list[int]:
            row = item
            before = dt.date.fromisoformat(row["incident_date"])
            text = row["narrative"]
            if kind == "bm25":
                hits = index.bm25(text, courts=courts, decided_before=before, limit=K)
                return [h.opinion_id for h in hits]
            if kind == "hybrid":
                hits = hybrid_search(
                    index, text, encoder=encoder, courts=courts, decided_before=before, limit=K
                )
                return [h.opinion_id for h in hits]
            case = incident_case_facts(text, row["conduct"], row["custody"], None)
            vector = encode_query(encoder, text) if encoder else None
            before_votes = kind == "similar_before"
            found = similar_search(
                index,
                case,
                courts=courts,
                decided_before=before,
                query_vector=vector,
                limit=K,
                vote_weight=0.0 if before_votes else None,
                guard_all_supreme=before_votes,
            )
            return [h.opinion_id for h in found]

        return rank

    print(
        f"\nhand-checked incidents ({path.relative_to(REPO)}): {len(queries)} incidents, "
        f"{sum(len(r) for _, r in queries)} expected precedents"
    )
    print(f"  {'ranking':48} recall@10  nDCG@10  landmarks@10")
    batches = [("all", queries)] + [
        (f"batch {b}", [q for q in queries if q[0].get("batch") == b])
        for b in ("first", "held_out")
    ]
    for label, chosen in batches:
        print(f"  {label} ({len(chosen)} incidents)")
        for name, kind in (
            ("BM25 (narrative)", "bm25"),
            ("today's hybrid", "hybrid"),
            ("factual similarity before (no votes, all SCOTUS guarded)", "similar_before"),
            ("factual similarity + clearly-established votes", "similar"),
        ):
            ranker = rank_with(kind)
            rows_ = [metrics(ranker(row), rel, marks) for row, rel in chosen]
            n = len(rows_) or 1
            r, nd, sh = (sum(x[i] for x in rows_) / n for i in range(3))
            print(f"    {name:46} {r:9.3f}  {nd:7.3f}  {sh:11.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database holding the shared sample")
    parser.add_argument("--tune", action="store_true", help="grid the weights on the dev half")
    parser.add_argument("--limit", type=int, default=0, help="first N queries only (smoke)")
    parser.add_argument("--skip-incidents", action="store_true", help="no hand-incident figure")
    args = parser.parse_args()

    engine = make_engine(args.db)
    retrieval = open_retrieval(engine, args.db)
    index, encoder = retrieval.index, retrieval.encoder
    courts = appellate_courts(index)
    started = time.perf_counter()
    queries = build_queries(engine, index)
    broad = build_queries(engine, index, strict=False)
    facts_queries = build_queries(engine, index, literal=False)
    if args.limit:
        queries, broad = queries[: args.limit], broad[: args.limit]
    marks = landmarks(index)
    every = {q.opinion_id: q for q in [*queries, *broad, *facts_queries]}
    vectors = {oid: encode_query(encoder, q.text) for oid, q in every.items()} if encoder else {}
    print(
        f"corpus: {index.manifest.get('opinions')} opinions ({', '.join(courts)}); "
        f"retrieval: {retrieval.mode}; landmarks (Supreme Court, >= {LANDMARK_CITERS} citers "
        f"in the corpus): {len(marks)}"
    )
    for label, chosen_set in (
        ("decides QI (the issue's set)", queries),
        ("discusses QI", broad),
        ("decides QI, doctrine sentences left out", facts_queries),
    ):
        for split in ("dev", "test"):
            chosen = [q for q in chosen_set if q.split == split]
            rel = [r for q in chosen for r in q.relevant]
            lm = sum(1 for r in rel if r in marks)
            print(
                f"{label}, {split}: {len(chosen)} queries, {len(rel)} relevant precedents "
                f"({lm} of them landmarks)"
            )
    print(f"(sets built and queries encoded in {time.perf_counter() - started:.0f} s)")

    def bm25(q: Query) -> list[int]:
        return [
            h.opinion_id for h in index.bm25(q.text, courts=courts, decided_before=q.date, limit=K)
        ]  # type: ignore[arg-type]

    def hybrid(q: Query) -> list[int]:
        hits = hybrid_search(
            index, q.text, encoder=encoder, courts=courts, decided_before=q.date, limit=K
        )  # type: ignore[arg-type]
        return [h.opinion_id for h in hits]

    def similar(
        weights: tuple[float, float, float] = (FACT_WEIGHT, FACTS_TEXT_WEIGHT, SEMANTIC_WEIGHT),
        guard: bool = True,
        vote: float | None = None,
        neighbours: int = NEIGHBOURS,
        guard_all: bool = False,
    ) -> Ranker:
        def rank(q: Query) -> list[int]:
            hits = similar_search(
                index,
                query_case_facts(q.text),
                courts=courts,
                decided_before=q.date,  # type: ignore[arg-type]
                query_vector=vectors.get(q.opinion_id),
                limit=K,
                weights=weights,
                landmark_guard=guard,
                vote_weight=vote,
                neighbours=neighbours,
                guard_all_supreme=guard_all,
            )
            return [h.opinion_id for h in hits]

        return rank

    if args.tune:
        dev = [q for q in broad if q.split == "dev"]
        print(
            f"\n--tune on the dev half of the 'discusses QI' set only ({len(dev)} queries; "
            "it holds the issue set's dev half): fact / facts-text / semantic, vote, neighbours"
        )
        grid = [
            ((f, t, sem), v, n)
            for f in (0.3, 0.6)
            for t in (0.1, 0.3)
            for sem in (0.0, 0.1)
            for v in (0.0, 0.2, 0.5, 1.0, 2.0)
            for n in (5, 20, 50)
            if v or n == NEIGHBOURS
        ]
        scored = [
            (evaluate(dev, similar(w, vote=v, neighbours=n), marks), (w, v, n)) for w, v, n in grid
        ]
        for (r, nd, sh), w in sorted(scored, key=lambda x: (-x[0][0], -x[0][1]))[:12]:
            print(f"  {w}: recall@10 {r:.3f}  nDCG@10 {nd:.3f}  landmarks {sh:.1%}")

    if not args.skip_incidents:
        incident_figures(index, encoder, courts, marks)
    rankers: list[tuple[str, Ranker]] = [
        ("BM25 (whole text)", bm25),
        ("today's hybrid (RRF + graph + learned ranker)", hybrid),
        (
            "factual similarity before (no votes, every SCOTUS guarded)",
            similar(vote=0, guard_all=True),
        ),
        ("factual similarity + clearly-established votes", similar()),
        ("  the same, every SCOTUS opinion guarded", similar(guard_all=True)),
        ("  the same without landmark guard", similar(guard=False)),
    ]
    sets = [
        (f"decides QI, {split}", [q for q in queries if split == "all" or q.split == split])
        for split in ("dev", "test", "all")
    ]
    sets += [
        (f"discusses QI, {split}", [q for q in broad if split == "all" or q.split == split])
        for split in ("dev", "test", "all")
    ]
    sets.append(("decides QI, doctrine sentences left out, all", facts_queries))
    for split, chosen in sets:
        print(f"\n{split}: {len(chosen)} queries")
        print(
            "  ceilings (best recall@10 any ranking could reach): at most 2 landmarks in the top "
            f"10 {ceiling(chosen, marks, index, 'share'):.3f}; landmarks only on their own facts "
            f"{ceiling(chosen, marks, index, 'guard'):.3f}; that and only opinions sharing a "
            f"fact {ceiling(chosen, marks, index, 'fact'):.3f}"
        )
        print(f"  {'ranking':48} recall@10  nDCG@10  landmarks@10  recall vs BM25")
        base: float | None = None
        for name, ranker in rankers:
            t0 = time.perf_counter()
            r, n, sh = evaluate(chosen, ranker, marks)
            base = r if base is None else base
            print(
                f"  {name:48} {r:9.3f}  {n:7.3f}  {sh:11.1%}  {r / base if base else 0:6.2f}x"
                f"   ({(time.perf_counter() - t0) / max(1, len(chosen)) * 1000:.0f} ms/query)"
            )


if __name__ == "__main__":
    main()
