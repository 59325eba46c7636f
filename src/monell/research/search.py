"""Hybrid ranking: BM25, embedding similarity and the citation graph, fused by reciprocal rank.

Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) needs no score calibration
between a BM25 score and a cosine, which is why it is used here: each list contributes
1 / (k + rank) with k = 60. Three lists:
- lexical: BM25 over the whole text;
- semantic: the best-matching embedded passage of each opinion;
- graph: the authorities that the best text matches cite. Lawyers find controlling law the
  same way — read the cases closest to the facts, then the precedents those cases rely on.
  Each of the top `GRAPH_SEEDS` fused text matches votes 1 / (k + its rank) for every opinion
  it cites; opinions are ranked by their votes.
Every list obeys the same court and date filters inside the index (see `index.py`), so fusion
never sees an opinion the incident may not use; the graph list checks the cited opinion's own
court and date, since a permitted case may cite one that is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monell.research.embedding import Encoder, encode_query
from monell.research.index import Hit, PrecedentIndex

RRF_K = 60
GRAPH_SEEDS = 20  # fused text matches whose citations are followed


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


def _fuse(scores: dict[int, float], ranking: Sequence[int]) -> dict[int, float]:
    """Add one ranked list's reciprocal-rank terms to `scores` (in place; returned)."""
    for rank, opinion in enumerate(ranking, start=1):
        scores[opinion] = scores.get(opinion, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _order(scores: dict[int, float]) -> list[int]:
    return sorted(scores, key=lambda o: (-scores[o], o))


def graph_votes(
    index: PrecedentIndex,
    seeds: Sequence[int],
    *,
    courts: Sequence[str] | None,
    decided_before: dt.date | None,
) -> tuple[dict[int, float], dict[int, int]]:
    """Votes and voter counts for the opinions that `seeds` (best first) cite, filtered."""
    votes: dict[int, float] = {}
    voters: dict[int, int] = {}
    cited = [(rank, index.cited_by(seed)) for rank, seed in enumerate(seeds, start=1)]
    cited = [(rank, targets) for rank, targets in cited if len(targets)]
    if not cited:
        return votes, voters
    # One filter call for all seeds' citations (a few hundred ids), not one per seed.
    targets = np.concatenate([t for _, t in cited])
    weights = np.concatenate([np.full(len(t), 1.0 / (RRF_K + rank)) for rank, t in cited])
    keep = index.admissible(targets, courts, decided_before)
    for target, weight in zip(targets[keep].tolist(), weights[keep].tolist(), strict=True):
        votes[target] = votes.get(target, 0.0) + weight
        voters[target] = voters.get(target, 0) + 1
    return votes, voters


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
) -> list[RankedHit]:
    """Top `limit` opinions for `text`. BM25 alone when `encoder` is None or the index holds
    no vectors (the caller reports which retrieval ran); `graph=False` leaves out the
    citation-graph list (the benchmark's text-only comparison)."""
    lexical = index.bm25(text, courts=courts, decided_before=decided_before, limit=depth)
    semantic: list[Hit] = []
    if encoder is not None and index.model is not None:
        vector = encode_query(encoder, text)
        semantic = index.semantic(vector, courts=courts, decided_before=decided_before, limit=depth)
    lexical_ids = [h.opinion_id for h in lexical]
    semantic_ids = [h.opinion_id for h in semantic]
    scores = _fuse(_fuse({}, lexical_ids), semantic_ids)
    voters: dict[int, int] = {}
    graph_ids: list[int] = []
    if graph:
        seeds = _order(scores)[:GRAPH_SEEDS]
        votes, voters = graph_votes(index, seeds, courts=courts, decided_before=decided_before)
        graph_ids = _order(votes)
        _fuse(scores, graph_ids)
    bm25 = {h.opinion_id: (rank, h.score) for rank, h in enumerate(lexical, start=1)}
    sem = {h.opinion_id: (rank, h) for rank, h in enumerate(semantic, start=1)}
    graph_rank = {o: rank for rank, o in enumerate(graph_ids, start=1)}
    out = []
    for opinion_id in _order(scores)[:limit]:
        b = bm25.get(opinion_id)
        s = sem.get(opinion_id)
        out.append(
            RankedHit(
                opinion_id=opinion_id,
                score=scores[opinion_id],
                bm25_rank=b[0] if b else None,
                bm25_score=b[1] if b else None,
                semantic_rank=s[0] if s else None,
                semantic_score=s[1].score if s else None,
                passage=s[1].passage if s else None,
                graph_rank=graph_rank.get(opinion_id),
                cited_by_matches=voters.get(opinion_id, 0),
            )
        )
    return out
