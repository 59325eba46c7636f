"""Precedent search: filtered query latency, and retrieval quality from the citation graph.

    python benchmarks/precedent_search.py [--size N] [--queries Q] [--quick]
                                          [--skip-latency] [--skip-quality]

1. Latency. N synthetic opinions (default 100,000) are made from the shared sample: each is a
   250-word window of a real opinion, with a court drawn from the Supreme Court, the 12
   regional circuits and 24 district courts, and a decision date between 1950 and 2024. The
   index is built by `monell.research.index.build_index` (tantivy + sorted passage matrix,
   two passages per opinion). Passage vectors come from a pool of real all-MiniLM-L6-v2
   embeddings of sample passages plus small noise: embedding N real passages on this CPU
   would take hours, and the latency of the filtered matrix product does not depend on what
   the vectors say. Each query uses a circuit filter (Supreme Court + one circuit) and a
   decided-before date, as `monell precedents` does. Printed: p50/p95 of BM25, of the
   semantic pre-filtered slices, of the learned ranker alone (features of 100 candidates and
   their scores), of the whole hybrid query (index side, BM25 on a worker thread beside the
   semantic scoring, the ranker included), the model's own query-encoding time, the hybrid end
   to end with the real model encoding the query (BM25 runs meanwhile), and the baseline
   "score every row, then drop what the filter excludes" measured in the same run. The
   index also holds a synthetic citation graph (each opinion cites 5 others, one of them a
   "landmark" of Zipf popularity, so a few opinions have thousands of citers) so that the
   hybrid's graph and co-citation lists cost what they would; their own times are printed.
2. Quality. The shared sample's own citation graph: eyecite finds the reporter citations in
   each opinion; an edge goes to every sample opinion (court's own voice) carrying that
   citation and decided earlier. Query = the citing opinion's opening facts (200 words after
   "delivered the opinion of the Court", or after the caption for court-of-appeals texts),
   with citations and "X v. Y" names removed so a query cannot simply name its answer.
   Relevant = the cited earlier opinions in the corpus. recall@10 and nDCG@10, same index,
   same date filter (decided before the citing opinion), for: BM25 alone (the baseline),
   semantic alone, the text hybrid (BM25 + semantic), + the citation graph followed from the
   best text matches, the RRF hybrid (+ the authorities cited beside the first page), and
   the hybrid `monell precedents` runs: the RRF hybrid's first 100 candidates ordered by the
   learned ranker. Its figures are cross-validated: the queries fall into 5 folds of
   consecutive decision dates, and each fold is ranked by a model trained (same code as the
   shipped file) on the other four, so no query is ranked by a model that saw its answers.
   Also printed: the queries after the first fold, each ranked by a model trained only on
   earlier folds (a ranker trained on the past, used next). `--write-ranker PATH` trains on
   all queries and writes the ranker file (the shipped one is
   src/monell/research/data/precedent_ranker.json). The graph
   in the index is the same eyecite graph; a query can never profit from its own citations,
   because the date filter admits only opinions decided before the citing one, and they and
   the opinions they cite are all older than it (co-citation reads only citers decided
   before the citing one, so the query's own citations never vote).

`--quick` is the smoke test a unit test runs: 2,000 synthetic opinions and scotus.jsonl only,
with a hashing stand-in for the model, so it says nothing about speed or quality.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import math
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from monell.research.documents import ResearchDocument, documents_from_jsonl  # noqa: E402
from monell.research.embedding import encode_query  # noqa: E402
from monell.research.index import PrecedentIndex, build_index  # noqa: E402
from monell.research.rerank import TreeEnsemble, fit, load_ranker  # noqa: E402
from monell.research.search import (  # noqa: E402
    CO_CITED_FROM,
    GRAPH_SEEDS,
    co_citation_votes,
    graph_votes,
    hybrid_search,
    rank_features,
    retrieve,
)
from monell.research.sentences import passages  # noqa: E402

OPINIONS = REPO.parent / "shared" / "data" / "opinions"
SAMPLE_FILES = ("scotus.jsonl", "scotus_1983.jsonl", "ca1_1983.jsonl", "ca1_general_sample.jsonl")
CIRCUITS = [f"ca{i}" for i in range(1, 12)] + ["cadc"]
CITES_PER_OPINION = 5
FOLDS = 5  # cross-validation folds of the learned ranker's quality figures
Row = tuple[list[int], np.ndarray, set[int]]  # a query's candidates, features, cited ids
DISTRICTS = ["moed", "mowd", "mnd", "ned", "iand", "iasd", "ared", "arwd", "ndd", "sdd", "mad",
             "nhd", "med", "rid", "prd", "nysd", "nyed", "cand", "cacd", "txsd", "ilnd", "paed",
             "gand", "dcd"]  # fmt: skip


class HashingEncoder:
    """Stand-in for --quick only: bag-of-words hashing vectors (no model load)."""

    name = "hashing-stand-in (quick mode)"
    dim = 384

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class PoolEncoder:
    """Real embeddings of a pool of sample passages, reused with noise for synthetic text."""

    def __init__(self, pool: np.ndarray, name: str, seed: int = 7) -> None:
        self.pool = pool
        self.name = f"pool of {len(pool)} {name} vectors + noise"
        self.dim = pool.shape[1]
        self.rng = np.random.default_rng(seed)

    def encode(self, texts: list[str]) -> np.ndarray:
        picks = [int(hashlib.md5(t.encode()).hexdigest()[:8], 16) % len(self.pool) for t in texts]
        out = self.pool[picks] + self.rng.normal(0, 0.03, (len(texts), self.dim))
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def sample_texts(files: tuple[str, ...]) -> list[str]:
    texts = []
    for name in files:
        with (OPINIONS / name).open(encoding="utf-8") as fh:
            texts += [t for t in (json.loads(line).get("text") or "" for line in fh) if t]
    return texts


def synthetic_docs(n: int, texts: list[str], seed: int = 1983):
    rng = random.Random(seed)
    words = [t.split() for t in texts]
    courts = ["scotus"] * 3 + CIRCUITS * 3 + DISTRICTS * 2
    start = dt.date(1950, 1, 1).toordinal()
    span = dt.date(2024, 12, 31).toordinal() - start
    for i in range(1, n + 1):
        w = words[rng.randrange(len(words))]
        at = rng.randrange(max(1, len(w) - 250))
        yield ResearchDocument(
            opinion_id=i,
            case_name=f"Synthetic {i} v. Sample",
            court=rng.choice(courts),
            date_filed=dt.date.fromordinal(start + rng.randrange(span)),
            precedential_status="Published",
            citations=(),
            text=" ".join(w[at : at + 250]),
        )


def landmark_count(size: int) -> int:
    """How many of the first ids are "landmarks" in a synthetic corpus: 0.5%."""
    return max(1, size // 200)


def synthetic_citations(size: int, seed: int = 11):
    """(citing, cited) pairs in citing order: each opinion cites CITES_PER_OPINION others,
    all but one at random and one among the first 0.5% of ids (the "landmarks"), drawn with
    Zipf popularity — so, as in real case law, a few opinions have thousands of citers and
    the co-citation list's cap on citers per result is exercised."""
    rng = np.random.default_rng(seed)
    landmarks = landmark_count(size)
    popularity = 1.0 / np.arange(1, landmarks + 1)
    popularity /= popularity.sum()
    for start in range(1, size + 1, 100_000):
        ids = np.arange(start, min(size, start + 99_999) + 1)
        targets = np.column_stack(
            [
                rng.integers(1, size + 1, size=(len(ids), CITES_PER_OPINION - 1)),
                rng.choice(landmarks, size=len(ids), p=popularity) + 1,
            ]
        )
        for citing, row in zip(ids.tolist(), targets.tolist(), strict=True):
            for cited in row:
                yield citing, cited


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:7.1f} ms   p95 {pct(values, 95) * 1000:7.1f} ms"


def load_model(quick: bool):
    if quick:
        return HashingEncoder()
    from monell.research.embedding import load_encoder

    return load_encoder()


def latency(size: int, n_queries: int, quick: bool, workdir: Path) -> None:
    texts = sample_texts(("scotus.jsonl",) if quick else SAMPLE_FILES)
    model = load_model(quick)
    rng = random.Random(5)
    pool_texts = [p.text for t in rng.sample(texts, min(len(texts), 64)) for p in passages(t)[1:5]]
    t0 = time.perf_counter()
    pool = model.encode(pool_texts[:256])
    print(f"  embedded a pool of {len(pool)} real passages in {time.perf_counter() - t0:.1f} s")
    encoder = PoolEncoder(pool, model.name)
    directory = workdir / "synthetic"
    t0 = time.perf_counter()
    count = build_index(
        directory,
        synthetic_docs(size, texts),
        encoder,
        analyse=False,
        passages_per_opinion=2,
        writer_heap=512_000_000,
        batch=2048,
        cites=synthetic_citations(size),
    )
    build_s = time.perf_counter() - t0
    index = PrecedentIndex(directory)
    print(
        f"  index: {count:,} synthetic opinions, {index.manifest['rows']:,} passage rows, "
        f"{index.manifest['citation_edges']:,} citation edges, built in {build_s:.0f} s "
        f"({count / build_s:,.0f} opinions/s)"
    )

    queries = []
    for _ in range(n_queries):
        text = rng.choice(texts).split()
        at = rng.randrange(max(1, len(text) - 60))
        circuit = rng.choice(CIRCUITS)
        before = dt.date(rng.randrange(1990, 2025), rng.randrange(1, 13), 1)
        queries.append((" ".join(text[at : at + 60]), ("scotus", circuit), before))

    encode_s, bm25_s, sem_s, hybrid_s, naive_s, allowed_rows = [], [], [], [], [], []
    graph_s, co_s, total_s, rank_s = [], [], [], []
    # The shipped trees, stripped of the embedding model they name: this index's vectors are
    # a pool of that model's vectors with noise, and the point is what reranking costs.
    ranker = dataclasses.replace(load_ranker(), provenance={})
    landmarks = landmark_count(size)
    for text, courts, before in queries:
        t0 = time.perf_counter()
        model.encode([text])
        encode_s.append(time.perf_counter() - t0)
        vector = encoder.encode([text])[0]
        t0 = time.perf_counter()
        index.bm25(text, courts=courts, decided_before=before, limit=100)
        bm25_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index.semantic(vector, courts=courts, decided_before=before, limit=100)
        sem_s.append(time.perf_counter() - t0)
        # Index side with the stand-in's ready vectors; then end to end, the real model
        # encoding the query while BM25 runs on another thread.
        for query_encoder, times in ((encoder, hybrid_s), (model, total_s)):
            t0 = time.perf_counter()
            hybrid_search(
                index,
                text,
                encoder=query_encoder,
                courts=courts,
                decided_before=before,
                limit=10,
                ranker=ranker,
            )
            times.append(time.perf_counter() - t0)
        found = retrieve(index, text, encoder=encoder, courts=courts, decided_before=before)
        t0 = time.perf_counter()
        ranker.score(rank_features(index, found, before)[1])
        rank_s.append(time.perf_counter() - t0)
        seeds = [int(o) for o in rng.sample(range(1, size + 1), GRAPH_SEEDS)]
        t0 = time.perf_counter()
        graph_votes(index, seeds, courts=courts, decided_before=before)
        graph_s.append(time.perf_counter() - t0)
        # A first page of 10 results, 3 of them landmarks (the most-cited opinions).
        page = rng.sample(range(1, landmarks + 1), min(3, landmarks))
        page += rng.sample(range(landmarks + 1, size + 1), CO_CITED_FROM - len(page))
        t0 = time.perf_counter()
        co_citation_votes(index, page, courts=courts, decided_before=before)
        co_s.append(time.perf_counter() - t0)
        allowed_rows.append(sum(e - s for s, e in index.row_slices(courts, before)))
        # Baseline: score every row, then apply the filter to the scores (post-filtering).
        t0 = time.perf_counter()
        scores = np.asarray(index.vectors @ vector)
        courts_ok = np.zeros(len(scores), dtype=bool)
        for c in courts:
            if c in index.court_ranges:
                s, e = index.court_ranges[c]
                courts_ok[s:e] = True
        keep = courts_ok & (index.row_date < (before - dt.date(1970, 1, 1)).days)
        masked = np.where(keep, scores, -np.inf)
        np.argpartition(-masked, 100)[:100]
        naive_s.append(time.perf_counter() - t0)

    print(
        f"  {n_queries} queries, each: Supreme Court + one circuit, decided before a random "
        f"date; rows left by the filter: median {int(np.median(allowed_rows)):,} of "
        f"{index.manifest['rows']:,}"
    )
    print(f"  BM25 (tantivy, filters in the query)        {ms(bm25_s)}")
    print(f"  semantic (pre-filtered matrix slices)       {ms(sem_s)}")
    print(f"  graph list alone ({GRAPH_SEEDS} seeds' citations)   {ms(graph_s)}")
    print(f"  co-citation alone (10 results, 3 landmarks) {ms(co_s)}")
    print(f"  learned ranker alone (100 candidates)       {ms(rank_s)}")
    print(f"  hybrid, index side (four lists, RRF, ranker) {ms(hybrid_s)}")
    print(f"  query encoding by the model ({model.name[:32]}) {ms(encode_s)}")
    print(f"  hybrid end to end (encoding beside BM25)    {ms(total_s)}")
    print(f"  baseline: score all rows then filter        {ms(naive_s)}")
    print(f"  ratio baseline/pre-filtered semantic p95: {pct(naive_s, 95) / pct(sem_s, 95):.1f}x")


CITE_NAME = re.compile(
    r"\b[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*){0,4}\s+v\.\s+[A-Z][\w.'&-]*"
    r"(?:\s+(?:of\s+)?[A-Z][\w.'&-]*){0,4}"
)
DELIVERED = re.compile(r"delivered the opinion of the Court\.?", re.IGNORECASE)


def fact_query(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    m = DELIVERED.search(text)
    words = text[m.end() :].split() if m else text.split()[len(text.split()) // 8 :]
    query = " ".join(words[:200])
    return re.sub(r"\s+", " ", CITE_NAME.sub(" ", query))


def citation_graph(docs: list[ResearchDocument], cache: Path | None):
    """Edges and citation spans; cached by corpus content, since eyecite takes minutes."""
    key = hashlib.sha1("".join(f"{d.opinion_id}:{len(d.text)}" for d in docs).encode())
    path = cache / f"citation-graph-{key.hexdigest()[:16]}.json" if cache else None
    if path is not None and path.exists():
        saved = json.loads(path.read_text())
        print(f"  citation graph from cache {path}")
        return (
            {int(k): set(v) for k, v in saved["edges"].items()},
            {int(k): [tuple(s) for s in v] for k, v in saved["spans"].items()},
        )
    edges, spans = _citation_graph(docs)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"edges": {k: sorted(v) for k, v in edges.items()}, "spans": spans})
        )
    return edges, spans


def _citation_graph(docs: list[ResearchDocument]):
    import logging

    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    # eyecite logs every overlapping citation it resolves; the benchmark prints its own summary.
    logging.getLogger("eyecite").setLevel(logging.ERROR)

    by_cite: dict[str, list[ResearchDocument]] = {}
    for d in docs:
        if d.speaks_for_court:
            for c in d.citations:
                by_cite.setdefault(re.sub(r"\s+", " ", c.replace("U. S.", "U.S.")), []).append(d)
    edges: dict[int, set[int]] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    t0 = time.perf_counter()
    for d in docs:
        if not d.speaks_for_court or d.date_filed is None:
            continue
        found = [c for c in get_citations(d.text) if isinstance(c, FullCaseCitation)]
        spans[d.opinion_id] = [c.span() for c in found]
        for c in found:
            key = f"{c.groups.get('volume')} {c.corrected_reporter()} {c.groups.get('page')}"
            for target in by_cite.get(key, []):
                if target.date_filed and target.date_filed < d.date_filed:
                    edges.setdefault(d.opinion_id, set()).add(target.opinion_id)
    print(
        f"  eyecite over {len(docs)} opinions: {time.perf_counter() - t0:.0f} s, "
        f"{sum(map(len, edges.values()))} edges from {len(edges)} citing opinions"
    )
    return edges, spans


def ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, o in enumerate(ranked[:k]) if o in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def quality(
    quick: bool, workdir: Path, cache: Path | None, per_opinion: int, write_ranker: Path | None
) -> None:
    files = ("scotus.jsonl",) if quick else SAMPLE_FILES
    docs = list(documents_from_jsonl(OPINIONS / f for f in files))
    if quick:
        docs = docs[::3]  # 21 opinions across the decades: edges exist, eyecite stays quick
    edges, spans = citation_graph(docs, cache)
    model = load_model(quick)
    directory = workdir / "quality"
    t0 = time.perf_counter()
    build_index(
        directory, docs, model, analyse=False, passages_per_opinion=per_opinion, cites=edges
    )
    index = PrecedentIndex(directory)
    print(
        f"  index: {len(docs)} sample opinions ({', '.join(files)}), "
        f"{index.manifest['rows']} embedded passages, built in {time.perf_counter() - t0:.0f} s"
    )
    by_id = {d.opinion_id: d for d in docs}
    modes = {
        "bm25": dict(encoder=None, graph=False),
        "semantic": None,
        "text hybrid": dict(encoder=model, graph=False),
        "+ graph": dict(encoder=model, graph=True, co_citation=False),
        "RRF hybrid": dict(encoder=model, graph=True),
    }
    results: dict[str, tuple[list[float], list[float]]] = {m: ([], []) for m in modes}
    rows: list[Row] = []  # the learned ranker's queries
    dates: list[dt.date] = []
    for citing, relevant in sorted(edges.items()):
        doc = by_id[citing]
        query = fact_query(doc.text, spans[citing])
        if len(query.split()) < 50:
            continue
        for mode, options in modes.items():
            if options is None:
                vector = encode_query(model, query)
                hits = index.semantic(vector, decided_before=doc.date_filed, limit=10)
                ranked = [h.opinion_id for h in hits]
            else:
                found = hybrid_search(
                    index, query, decided_before=doc.date_filed, limit=10, rerank=False, **options
                )
                ranked = [h.opinion_id for h in found]
            score(results[mode], ranked, relevant)
        lists = retrieve(index, query, encoder=model, decided_before=doc.date_filed)
        ids, features = rank_features(index, lists, doc.date_filed)
        rows.append((ids, features, relevant))
        dates.append(doc.date_filed)
    n = len(results["bm25"][0])
    print(
        f"  {n} queries (citing opinions with at least one earlier cited opinion in the "
        f"corpus); model: {model.name}"
    )
    folds = date_folds(dates)
    learned = cross_validated(rows, folds)
    if learned is not None:
        results["hybrid"] = learned
        spans = [
            f"{min(d for d, f in zip(dates, folds, strict=True) if f == k)}–"
            f"{max(d for d, f in zip(dates, folds, strict=True) if f == k)}"
            for k in range(FOLDS)
        ]
        print(f"  learned ranker: {FOLDS} folds of consecutive dates ({', '.join(spans)})")
    else:
        print(f"  learned ranker: {n} queries are too few to cross-validate; RRF shown alone")
        results["hybrid"] = results["RRF hybrid"]
    means = {m: (float(np.mean(r)), float(np.mean(g))) for m, (r, g) in results.items()}
    base = means["bm25"]
    for mode, (recall, gain) in means.items():
        print(
            f"  {mode:12s} recall@10 {recall:.3f}   nDCG@10 {gain:.3f}   "
            f"vs BM25 {recall / base[0]:.2f}x / {gain / base[1]:.2f}x"
        )
    # How much the ratio moves with the queries drawn: a paired bootstrap over queries, and
    # the same runs split into odd and even queries.
    boot = np.random.default_rng(1983)
    for k, metric in enumerate(("recall@10", "nDCG@10") if n else ()):
        b_v, h_v = np.array(results["bm25"][k]), np.array(results["hybrid"][k])
        draws = boot.integers(0, n, size=(2000, n))
        ratios = h_v[draws].mean(axis=1) / b_v[draws].mean(axis=1)
        low, high = np.percentile(ratios, [2.5, 97.5])
        print(f"  hybrid/BM25 {metric}: 95% bootstrap interval {low:.2f}x – {high:.2f}x")
    for name, part in (("odd", slice(0, None, 2)), ("even", slice(1, None, 2))):
        b = [float(np.mean(v[part])) for v in results["bm25"]]
        h = [float(np.mean(v[part])) for v in results["hybrid"]]
        print(
            f"  {name} half ({len(results['bm25'][0][part])} queries): hybrid/BM25 "
            f"{h[0] / b[0]:.2f}x / {h[1] / b[1]:.2f}x"
        )
    print(
        f"  ratio hybrid/BM25: recall@10 {means['hybrid'][0] / base[0]:.2f}x, "
        f"nDCG@10 {means['hybrid'][1] / base[1]:.2f}x (RRF hybrid: "
        f"{means['RRF hybrid'][0] / base[0]:.2f}x / {means['RRF hybrid'][1] / base[1]:.2f}x; "
        f"text hybrid without the graph: "
        f"{means['text hybrid'][0] / base[0]:.2f}x / {means['text hybrid'][1] / base[1]:.2f}x)"
    )
    ahead = forward(rows, folds) if learned is not None else None
    if ahead is not None:
        later = sorted(ahead)
        sub = {
            m: [float(np.mean([results[m][k][i] for i in later])) for k in (0, 1)]
            for m in ("bm25", "RRF hybrid")
        }
        got = [float(np.mean([v[k] for v in ahead.values()])) for k in (0, 1)]
        print(
            f"  forward in time: the {len(later)} queries after the first date fold, each "
            f"ranked by a model trained only on earlier folds: hybrid/BM25 "
            f"{got[0] / sub['bm25'][0]:.2f}x / {got[1] / sub['bm25'][1]:.2f}x (RRF hybrid on "
            f"the same queries {sub['RRF hybrid'][0] / sub['bm25'][0]:.2f}x / "
            f"{sub['RRF hybrid'][1] / sub['bm25'][1]:.2f}x)"
        )
    if write_ranker is not None:
        save_ranker(write_ranker, rows, files, model.name, means, base)


def metrics(ranked: list[int], relevant: set[int]) -> tuple[float, float]:
    """recall@10 and nDCG@10 of one ranking."""
    return len(set(ranked[:10]) & relevant) / len(relevant), ndcg(ranked, relevant)


def score(into: tuple[list[float], list[float]], ranked: list[int], relevant: set[int]) -> None:
    recall, gain = metrics(ranked, relevant)
    into[0].append(recall)
    into[1].append(gain)


def _training_set(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    features = np.vstack([f for _, f, _ in rows])
    labels = np.concatenate([[o in rel for o in ids] for ids, _, rel in rows]).astype(int)
    return features, labels


def date_folds(dates: list[dt.date], k: int = FOLDS) -> list[int]:
    """Fold of each query: k blocks of consecutive decision dates, as equal as ties allow
    (opinions of one day always share a fold). Interleaved folds would let a model learn how
    an authority stood at a moment from opinions of the same months as the test query."""
    order = sorted(range(len(dates)), key=lambda i: (dates[i], i))
    bounds = [round(j * len(order) / k) for j in range(k + 1)]
    for j in range(1, k):
        while 0 < bounds[j] < len(order) and (
            dates[order[bounds[j]]] == dates[order[bounds[j] - 1]]
        ):
            bounds[j] += 1
        bounds[j] = max(bounds[j], bounds[j - 1])
    fold = [0] * len(dates)
    for j in range(k):
        for i in order[bounds[j] : bounds[j + 1]]:
            fold[i] = j
    return fold


def _ranked(model: TreeEnsemble, row: Row) -> list[int]:
    ids, features, _ = row
    estimate = model.score(features)
    return [ids[j] for j in sorted(range(len(ids)), key=lambda j: (-estimate[j], ids[j]))]


def _trained(rows: list[Row], fold: int) -> TreeEnsemble | None:
    if len(rows) < 20:
        return None
    features, labels = _training_set(rows)
    if len(set(labels.tolist())) < 2:
        return None
    return TreeEnsemble.from_json(fit(features, labels, {"fold": fold}))


def cross_validated(rows: list[Row], folds: list[int]) -> tuple[list[float], list[float]] | None:
    """The learned hybrid's figures with every query ranked by a model that never saw it:
    each fold is ranked by a model trained (with the code that writes the shipped file) on
    the other folds. None if a fold cannot be trained."""
    ranked_by: dict[int, list[int]] = {}
    for fold in range(FOLDS):
        model = _trained([r for r, f in zip(rows, folds, strict=True) if f != fold], fold)
        if model is None:
            return None
        for i, f in enumerate(folds):
            if f == fold:
                ranked_by[i] = _ranked(model, rows[i])
    out: tuple[list[float], list[float]] = ([], [])
    for i, (_, _, relevant) in enumerate(rows):
        score(out, ranked_by[i], relevant)
    return out


def forward(rows: list[Row], folds: list[int]) -> dict[int, tuple[float, float]] | None:
    """recall@10 and nDCG@10 of each query after the first fold, ranked by a model trained
    only on the folds before its own: what a ranker trained on past opinions does next."""
    out: dict[int, tuple[float, float]] = {}
    for fold in range(1, FOLDS):
        model = _trained([r for r, f in zip(rows, folds, strict=True) if f < fold], fold)
        if model is None:
            return None
        for i, f in enumerate(folds):
            if f == fold:
                out[i] = metrics(_ranked(model, rows[i]), rows[i][2])
    return out


def ranker_json(data: dict) -> str:
    """The ranker file as reviewers read it: fields one per line, each tree on one line."""
    trees = ",\n".join("  " + json.dumps(t, separators=(",", ":")) for t in data["trees"])
    head = {k: v for k, v in data.items() if k != "trees"}
    body = json.dumps(head, indent=1)[:-2]  # reopen the object to append the trees
    return f'{body},\n "trees": [\n{trees}\n ]\n}}\n'


def save_ranker(
    path: Path,
    rows: list[Row],
    files: tuple[str, ...],
    model_name: str,
    means: dict[str, tuple[float, float]],
    base: tuple[float, float],
) -> None:
    """Train on every query and write the ranker file `monell precedents` ships."""
    import sklearn

    features, labels = _training_set(rows)
    provenance = {
        "task": "rank the earlier opinions a citing opinion cites, from its fact section",
        "corpus": [f"shared/data/opinions/{f}" for f in files],
        "queries": len(rows),
        "candidates": len(labels),
        "cited_candidates": int(labels.sum()),
        "embedding_model": model_name,
        "trained_with": f"scikit-learn {sklearn.__version__} HistGradientBoostingClassifier",
        "trained_on": dt.date.today().isoformat(),
        "cross_validated": (
            f"{FOLDS} folds of consecutive dates: recall@10 {means['hybrid'][0] / base[0]:.2f}x, "
            f"nDCG@10 {means['hybrid'][1] / base[1]:.2f}x BM25"
        ),
        "made_by": "python benchmarks/precedent_search.py --skip-latency --write-ranker PATH",
    }
    data = fit(features, labels, provenance)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ranker_json(data), encoding="utf-8")
    print(f"  ranker trained on all {len(rows)} queries written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic opinions")
    parser.add_argument("--queries", type=int, default=200, help="latency queries")
    parser.add_argument("--quick", action="store_true", help="smoke test (seconds)")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--passages", type=int, default=4, help="passages embedded per opinion in the quality index"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="folder to keep the eyecite citation graph between runs",
    )
    parser.add_argument(
        "--write-ranker",
        type=Path,
        default=None,
        help="train the learned ranker on every quality query and write it here "
        "(src/monell/research/data/precedent_ranker.json is the shipped one)",
    )
    args = parser.parse_args()
    size = 2_000 if args.quick else args.size
    n_queries = 20 if args.quick else args.queries
    with tempfile.TemporaryDirectory(prefix="monell-bench-") as tmp:
        if not args.skip_latency:
            print(f"latency: {size:,} synthetic opinions{' (quick mode)' if args.quick else ''}")
            latency(size, n_queries, args.quick, Path(tmp))
        if not args.skip_quality:
            print(
                "quality: citation graph of the shared sample"
                f"{' (quick mode, stand-in encoder)' if args.quick else ''}"
            )
            quality(args.quick, Path(tmp), args.cache, args.passages, args.write_ranker)


if __name__ == "__main__":
    main()
