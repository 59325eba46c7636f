"""Hybrid ranking: BM25 and embedding similarity, fused by reciprocal rank.

Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) needs no score calibration
between a BM25 score and a cosine, which is why it is used here: each list contributes
1 / (k + rank) with k = 60. Both lists are produced with the same court and date filters
inside the index (see `index.py`), so fusion never sees an opinion the incident may not use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from monell.research.embedding import Encoder, encode_query
from monell.research.index import PrecedentIndex

RRF_K = 60


@dataclass(frozen=True)
class RankedHit:
    opinion_id: int
    score: float
    bm25_rank: int | None
    bm25_score: float | None
    semantic_rank: int | None
    semantic_score: float | None
    passage: int | None


def hybrid_search(
    index: PrecedentIndex,
    text: str,
    *,
    encoder: Encoder | None,
    courts: Sequence[str] | None = None,
    decided_before: dt.date | None = None,
    limit: int = 10,
    depth: int = 100,
) -> list[RankedHit]:
    """Top `limit` opinions for `text`; BM25 only when `encoder` is None or the index holds
    no vectors (the caller reports which retrieval ran)."""
    lexical = index.bm25(text, courts=courts, decided_before=decided_before, limit=depth)
    semantic = []
    if encoder is not None and index.model is not None:
        vector = encode_query(encoder, text)
        semantic = index.semantic(vector, courts=courts, decided_before=decided_before, limit=depth)
    fused: dict[int, dict[str, float | int | None]] = {}
    for rank, hit in enumerate(lexical, start=1):
        entry = fused.setdefault(hit.opinion_id, {})
        entry["bm25_rank"], entry["bm25_score"] = rank, hit.score
    for rank, hit in enumerate(semantic, start=1):
        entry = fused.setdefault(hit.opinion_id, {})
        entry["semantic_rank"], entry["semantic_score"] = rank, hit.score
        entry["passage"] = hit.passage
    out = []
    for opinion_id, e in fused.items():
        score = sum(
            1.0 / (RRF_K + int(r))  # type: ignore[arg-type]
            for r in (e.get("bm25_rank"), e.get("semantic_rank"))
            if r is not None
        )
        out.append(
            RankedHit(
                opinion_id,
                score,
                e.get("bm25_rank"),  # type: ignore[arg-type]
                e.get("bm25_score"),  # type: ignore[arg-type]
                e.get("semantic_rank"),  # type: ignore[arg-type]
                e.get("semantic_score"),  # type: ignore[arg-type]
                e.get("passage"),  # type: ignore[arg-type]
            )
        )
    out.sort(key=lambda h: (-h.score, h.opinion_id))
    return out[:limit]
