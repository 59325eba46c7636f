"""Hybrid ranking: BM25, embeddings, the citation graph and co-citation, fused by reciprocal rank.

Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) needs no score calibration
between a BM25 score and a cosine, which is why it is used here: each list contributes
1 / (k + rank) with k = 60. Four lists:
- lexical: BM25 over the whole text;
- semantic: the best-matching embedded passage of each opinion;
- graph: the authorities that the best text matches cite. Lawyers find controlling law the
  same way — read the cases closest to the facts, then the precedents those cases rely on.
  Each of the top `GRAPH_SEEDS` fused text matches votes 1 / (k + its rank) for every opinion
  it cites; opinions are ranked by their votes.
- co-citation: the authorities courts cite beside the first page of results (Small, "Co-
  citation in the scientific literature", 24 J. Am. Soc'y Info. Sci. 265 (1973)). For each
  of the top `CO_CITED_FROM` results after the graph list, the newest `CO_CITERS`
  permitted opinions citing it — other than the graph list's seeds, whose citations that
  list has counted — vote 1 / (k + that result's rank) for everything else they cite. The
  graph list finds what fact-alike cases rely on; this one finds what travels with the
  authorities already found (Graham v. Connor brings Tennessee v. Garner).
Every list obeys the same court and date filters inside the index (see `index.py`), so fusion
never sees an opinion the incident may not use; the graph list checks the cited opinion's own
court and date, since a permitted case may cite one that is not.

Fusion picks the candidates; the learned ranker (`rerank.py`) then orders the first
RERANK_DEPTH of them by the lists' ranks and scores and by what is known of each authority
before the cutoff (Supreme Court or not, how often cited, how old). It reorders, never adds:
an opinion the filters exclude cannot come back. BM25-only searches keep the fused order.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from monell.research.embedding import Encoder, encode_query
from monell.research.index import UNDATED, Hit, PrecedentIndex, day_number
from monell.research.rerank import (
    RERANK_DEPTH,
    RankerFileError,
    TreeEnsemble,
    candidate_features,
    load_ranker,
)

RRF_K = 60
GRAPH_SEEDS = 20  # fused text matches whose citations are followed
CO_CITED_FROM = 10  # results (the first page) whose co-cited authorities are followed
CO_CITERS = 100  # newest permitted citers read per result: bounds the work for a Graham


@dataclass(frozen=True)
class RankedHit:
    opinion_id: int
    score: float
    bm25_rank: int | None
    bm25_score: float | None
    semantic_rank: int | None
    semantic_score: float | None
    passage: int | None
    graph_rank: int | None = None
    cited_by_matches: int = 0  # how many of the top text matches cite this opinion
    co_citation_rank: int | None = None
    co_cited_by: int = 0  # citers of first-page results (not the seeds) that also cite it
    rrf_score: float = 0.0  # the reciprocal-rank fusion score (= score when not reranked)
    reranked: bool = False  # ordered by the learned ranker (`rerank.py`), score its estimate


_POOL_LOCK = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []  # at most one, made on first use


def _lexical_pool() -> ThreadPoolExecutor:
    """Threads for BM25, which runs while the query is encoded and the matrix scored: tantivy,
    torch and numpy all release the GIL, so the two halves overlap (300k opinions, p95
    30 → 20 ms for BM25 + semantic, 2026-11-26). Shared by concurrent searches; the lock
    keeps two first callers from making two pools."""
    with _POOL_LOCK:
        if not _POOL:
            workers = os.cpu_count() or 2
            _POOL.append(ThreadPoolExecutor(workers, thread_name_prefix="monell-bm25"))
        return _POOL[0]


def _fuse(scores: dict[int, float], ranking: Sequence[int]) -> dict[int, float]:
    """Add one ranked list's reciprocal-rank terms to `scores` (in place; returned)."""
    for rank, opinion in enumerate(ranking, start=1):
        scores[opinion] = scores.get(opinion, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _order(scores: dict[int, float]) -> list[int]:
    return sorted(scores, key=lambda o: (-scores[o], o))


def _tally(
    cited: np.ndarray, weight: np.ndarray, voter: np.ndarray
) -> tuple[dict[int, float], dict[int, int]]:
    """Summed vote weight and number of distinct voters per cited opinion."""
    if not len(cited):
        return {}, {}
    targets, inverse = np.unique(cited, return_inverse=True)
    votes = np.bincount(inverse, weights=weight, minlength=len(targets))
    pairs = np.unique(np.stack([cited, voter]), axis=1)  # one count per (target, voter)
    counted, counts = np.unique(pairs[0], return_counts=True)
    return (
        dict(zip(targets.tolist(), votes.tolist(), strict=True)),
        dict(zip(counted.tolist(), counts.tolist(), strict=True)),
    )


def graph_votes(
    index: PrecedentIndex,
    seeds: Sequence[int],
    *,
    courts: Sequence[str] | None,
    decided_before: dt.date | None,
) -> tuple[dict[int, float], dict[int, int]]:
    """Votes and voter counts for the opinions that `seeds` (best first) cite, filtered."""
    ranked = np.asarray(seeds, dtype=np.int64)
    cited, row = index.cited_by_each(ranked)
    keep = index.admissible(cited, courts, decided_before)
    weight = 1.0 / (RRF_K + 1.0 + row[keep])  # a seed's rank is its position + 1
    return _tally(cited[keep], weight, ranked[row[keep]])


def co_citation_votes(
    index: PrecedentIndex,
    results: Sequence[int],
    *,
    courts: Sequence[str] | None,
    decided_before: dt.date | None,
    seeds: Sequence[int] = (),
) -> tuple[dict[int, float], dict[int, int]]:
    """Votes and citer counts for the opinions cited beside `results` (best first), by
    permitted citers; citers and cited opinions both pass the court and date filters, so no
    opinion decided on or after the cutoff contributes knowledge or comes back. The graph
    list's `seeds` are not citers here: their citations are counted there already, and
    counting them twice would be a hidden extra weight on the graph list."""
    items = np.asarray(results, dtype=np.int64)
    if not len(items):
        return {}, {}
    exclude = np.unique(np.asarray(seeds, dtype=np.int64))
    found = [index.recent_citers(int(r), courts, decided_before, CO_CITERS, exclude) for r in items]
    citers = np.concatenate(found)
    item = np.repeat(np.arange(len(items)), [len(f) for f in found])
    cited, row = index.cited_by_each(citers)
    source = item[row]
    keep = (cited != items[source]) & index.admissible(cited, courts, decided_before)
    weight = 1.0 / (RRF_K + 1.0 + source[keep])  # the result's rank is its position + 1
    return _tally(cited[keep], weight, citers[row][keep])


@dataclass(frozen=True)
class Retrieved:
    """Every list one query produced, and their reciprocal-rank fusion."""

    lexical: list[Hit]
    semantic: list[Hit]
    graph_ids: list[int]
    voters: dict[int, int]
    co_ids: list[int]
    co_votes: dict[int, float]
    co_citers: dict[int, int]
    fused: dict[int, float]

    @cached_property
    def order(self) -> list[int]:
        """The fused ranking, best first."""
        return _order(self.fused)

    @cached_property
    def lexical_ranks(self) -> dict[int, tuple[int, Hit]]:
        return {h.opinion_id: (rank, h) for rank, h in enumerate(self.lexical, start=1)}

    @cached_property
    def semantic_ranks(self) -> dict[int, tuple[int, Hit]]:
        return {h.opinion_id: (rank, h) for rank, h in enumerate(self.semantic, start=1)}

    @cached_property
    def graph_ranks(self) -> dict[int, int]:
        return {o: rank for rank, o in enumerate(self.graph_ids, start=1)}

    @cached_property
    def co_ranks(self) -> dict[int, int]:
        return {o: rank for rank, o in enumerate(self.co_ids, start=1)}

    @property
    def complete(self) -> bool:
        """Both text lists returned something: the ranker was trained on rows where they
        had (graph and co-citation lists may rightly be empty)."""
        return bool(self.semantic) and bool(self.lexical)


def retrieve(
    index: PrecedentIndex,
    text: str,
    *,
    encoder: Encoder | None,
    courts: Sequence[str] | None = None,
    decided_before: dt.date | None = None,
    depth: int = 100,
    graph: bool = True,
    co_citation: bool = True,
) -> Retrieved:
    """The lexical, semantic, graph and co-citation lists for `text`, fused by RRF."""
    semantic: list[Hit] = []
    if encoder is not None and index.model is not None:
        pending = _lexical_pool().submit(
            index.bm25, text, courts=courts, decided_before=decided_before, limit=depth
        )
        vector = encode_query(encoder, text)
        semantic = index.semantic(vector, courts=courts, decided_before=decided_before, limit=depth)
        lexical = pending.result()
    else:
        lexical = index.bm25(text, courts=courts, decided_before=decided_before, limit=depth)
    scores = _fuse(_fuse({}, [h.opinion_id for h in lexical]), [h.opinion_id for h in semantic])
    voters: dict[int, int] = {}
    co_votes: dict[int, float] = {}
    co_citers: dict[int, int] = {}
    graph_ids: list[int] = []
    co_ids: list[int] = []
    seeds: list[int] = []
    if graph:
        seeds = _order(scores)[:GRAPH_SEEDS]
        votes, voters = graph_votes(index, seeds, courts=courts, decided_before=decided_before)
        graph_ids = _order(votes)
        _fuse(scores, graph_ids)
    if graph and co_citation:
        first_page = _order(scores)[:CO_CITED_FROM]
        co_votes, co_citers = co_citation_votes(
            index, first_page, courts=courts, decided_before=decided_before, seeds=seeds
        )
        co_ids = _order(co_votes)
        _fuse(scores, co_ids)
    return Retrieved(lexical, semantic, graph_ids, voters, co_ids, co_votes, co_citers, scores)


def rank_features(
    index: PrecedentIndex,
    found: Retrieved,
    decided_before: dt.date | None,
    depth: int = RERANK_DEPTH,
) -> tuple[list[int], np.ndarray]:
    """The first `depth` fused candidates and their feature rows (`rerank.FEATURES`)."""
    ids = found.order[:depth]
    best = max((h.score for h in found.lexical), default=0.0)
    array = np.asarray(ids, dtype=np.int64)
    citers = index.citers_before(array, decided_before)
    most = int(citers.max()) if len(citers) else 0
    share = (citers / most if most else np.zeros(len(citers))).tolist()
    days, courts = index.decided(array)
    cutoff = day_number(decided_before or dt.date.today())
    rows = [
        candidate_features(
            fused_rank=position,
            bm25=_rank_and_score(found.lexical_ranks.get(o)),
            best_bm25=best,
            semantic=_rank_and_score(found.semantic_ranks.get(o)),
            graph_rank=found.graph_ranks.get(o),
            cited_by_matches=found.voters.get(o, 0),
            co_citation_rank=found.co_ranks.get(o),
            co_citation_votes=found.co_votes.get(o, 0.0),
            citers_share=share[i],
            age_days=cutoff - day if day < UNDATED else None,
            supreme_court=courts[i] == "scotus",
        )
        for i, (position, o, day) in enumerate(
            zip(range(1, len(ids) + 1), ids, days.tolist(), strict=True)
        )
    ]
    return ids, np.asarray(rows, dtype=np.float64).reshape(len(ids), -1)


def _rank_and_score(ranked: tuple[int, Hit] | None) -> tuple[int, float] | None:
    return (ranked[0], ranked[1].score) if ranked else None


def shipped_ranker() -> TreeEnsemble | None:
    """The shipped ranker, or None if its file is missing or unreadable: search then keeps
    the fused order (`precedents.open_retrieval` says so in its warning)."""
    try:
        return load_ranker()
    except RankerFileError:
        return None


def hybrid_search(
    index: PrecedentIndex,
    text: str,
    *,
    encoder: Encoder | None,
    courts: Sequence[str] | None = None,
    decided_before: dt.date | None = None,
    limit: int = 10,
    depth: int = 100,
    graph: bool = True,
    co_citation: bool = True,
    rerank: bool = True,
    ranker: TreeEnsemble | None = None,
    rerank_depth: int = RERANK_DEPTH,
) -> list[RankedHit]:
    """Top `limit` opinions for `text`. BM25 alone when `encoder` is None or the index holds
    no vectors (the caller reports which retrieval ran); `graph=False` leaves out the
    citation-graph and co-citation lists (the benchmark's text-only comparison),
    `co_citation=False` the co-citation list alone (its ablation). With all four lists and
    `rerank`, the learned ranker (`ranker`, else the shipped one) reorders the first
    `rerank_depth` fused candidates — if it was trained with the index's embedding model,
    whose cosines it reads, and its file loads; the rest keep their fused order."""
    found = retrieve(
        index,
        text,
        encoder=encoder,
        courts=courts,
        decided_before=decided_before,
        depth=depth,
        graph=graph,
        co_citation=co_citation,
    )
    scores = found.fused
    order = found.order
    final = dict(scores)
    model = (ranker or shipped_ranker()) if rerank and graph and co_citation else None
    reranked = model is not None and found.complete and model.reads(index.model)
    if reranked and model is not None:
        ids, features = rank_features(index, found, decided_before, rerank_depth)
        estimate = model.score(features)
        head = sorted(range(len(ids)), key=lambda i: (-estimate[i], ids[i]))
        order = [ids[i] for i in head] + order[len(ids) :]
        final.update(zip(ids, estimate.tolist(), strict=True))
    out = []
    for position, opinion_id in enumerate(order[:limit]):
        b = found.lexical_ranks.get(opinion_id)
        s = found.semantic_ranks.get(opinion_id)
        out.append(
            RankedHit(
                opinion_id=opinion_id,
                score=final[opinion_id],
                bm25_rank=b[0] if b else None,
                bm25_score=b[1].score if b else None,
                semantic_rank=s[0] if s else None,
                semantic_score=s[1].score if s else None,
                passage=s[1].passage if s else None,
                graph_rank=found.graph_ranks.get(opinion_id),
                cited_by_matches=found.voters.get(opinion_id, 0),
                co_citation_rank=found.co_ranks.get(opinion_id),
                co_cited_by=found.co_citers.get(opinion_id, 0),
                rrf_score=scores[opinion_id],
                reranked=reranked and position < rerank_depth,
            )
        )
    return out
