"""Factually similar precedent: opinions whose own facts resemble the incident's.

The question behind qualified immunity is not "what will an opinion cite?" (Graham, Harlow —
the governing standard, which the claims section already gives) but "did binding precedent
decided before the incident hold conduct like this unconstitutional on similar facts?"
(Ashcroft v. al-Kidd; District of Columbia v. Wesby; Rivas-Villegas v. Cortesluna). So this
ranking compares facts with facts:

- both sides are reduced to the fact vocabulary (`facts.yaml`): the incident from its conduct
  codes, custody, criminal case and narrative; each opinion from its facts section
  (`segment.py`, stored in the index);
- `fact_score` = the rarity-weighted share of the incident's facts the opinion's facts section
  states too (weight = log(1 + N / (1 + df)), df counted over the indexed facts sections);
- text similarity of the facts sections on top: BM25 over facts sections only (`facts_body`)
  and, when the index has vectors, the best passage's cosine;
- the landmark guard: a Supreme Court opinion enters the list only when its own facts section
  shares at least `LANDMARK_MIN_SHARED` of the incident's facts, one of them not generic
  (what happened — a taser, handcuffs, no resistance — not merely "an arrest" or "force"),
  and `LANDMARK_MIN_SCORE` of their weight. Harlow v. Fitzgerald (White House aides) never
  does for a beating, nor does Graham v. Connor for every use of force.

Every opinion listed shares at least one fact with the incident; with no facts on the incident
side the list is empty and says why, rather than guessing. The weights below were chosen on
the dev half of the evaluation set only (benchmarks/precedent_similar.py; docs/research.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from monell.research.documents import COURT_VOICE_TYPES
from monell.research.facts import facts_in_text, generic_facts, implied_facts
from monell.research.index import PrecedentIndex

CANDIDATES = 200  # facts-section BM25 hits read per query
FACT_WEIGHT = 0.6
FACTS_TEXT_WEIGHT = 0.3
SEMANTIC_WEIGHT = 0.1
CLAIM_BONUS = 0.05  # the opinion decided a claim of the same kind (QI rights codes)
QI_BONUS = 0.05  # the opinion rules on qualified immunity: a civil-rights case, not a
# criminal appeal whose facts (an arrest, a warrant) happen to overlap
LANDMARK_MIN_SHARED = 2
LANDMARK_MIN_SCORE = 0.35
SUPREME_COURT = "scotus"
SPEAKS_FOR_COURT = COURT_VOICE_TYPES | {None}


@dataclass(frozen=True)
class CaseFacts:
    """One side of the comparison: facts (id → where they come from) and the text."""

    text: str
    facts: dict[str, str] = field(default_factory=dict)


def incident_case_facts(
    narrative: str | None,
    conduct: Iterable[str],
    custody: str | None,
    criminal_case: str | None,
) -> CaseFacts:
    facts = implied_facts(conduct, custody, criminal_case)
    for code, sentence in facts_in_text(narrative or "").items():
        facts.setdefault(code, f"narrative: {sentence}")
    return CaseFacts(narrative or "", facts)


def query_case_facts(text: str) -> CaseFacts:
    return CaseFacts(text, {c: f"query: {s}" for c, s in facts_in_text(text).items()})


@dataclass(frozen=True)
class SimilarHit:
    opinion_id: int
    similarity: float
    fact_score: float
    shared: tuple[str, ...]
    facts_text_rank: int | None
    semantic_rank: int | None
    supreme_court: bool
    meta: dict[str, object]


def fact_weights(index: PrecedentIndex) -> dict[str, float]:
    df: dict[str, int] = dict(index.fact_stats.get("df", {}))
    n = int(index.manifest.get("opinions") or 0) or 1
    return {code: math.log(1.0 + n / (1.0 + count)) for code, count in df.items()}


def fact_score(incident: Iterable[str], opinion: Iterable[str], weights: dict[str, float]) -> float:
    wanted = set(incident)
    if not wanted:
        return 0.0
    default = max(weights.values(), default=1.0)
    total = sum(weights.get(c, default) for c in wanted)
    return sum(weights.get(c, default) for c in wanted & set(opinion)) / total


def similar_search(
    index: PrecedentIndex,
    case: CaseFacts,
    *,
    courts: Sequence[str] | None,
    decided_before: dt.date | None,
    claim: str | None = None,
    query_vector: np.ndarray | None = None,
    limit: int = 10,
    weights: tuple[float, float, float] = (FACT_WEIGHT, FACTS_TEXT_WEIGHT, SEMANTIC_WEIGHT),
    landmark_guard: bool = True,
) -> list[SimilarHit]:
    """Opinions decided before `decided_before` in `courts`, closest on the facts first."""
    codes = sorted(case.facts)
    if not codes:
        return []
    text_hits = index.facts_bm25(
        case.text, codes, courts=courts, decided_before=decided_before, limit=CANDIDATES
    )
    text_rank = {h.opinion_id: r for r, h in enumerate(text_hits, start=1)}
    best_text = text_hits[0].score if text_hits else 1.0
    text_norm = {h.opinion_id: h.score / best_text for h in text_hits}
    sem_score: dict[int, float] = {}
    sem_rank: dict[int, int] = {}
    if query_vector is not None and index.model:
        for r, h in enumerate(
            index.semantic(
                query_vector, courts=courts, decided_before=decided_before, limit=CANDIDATES
            ),
            start=1,
        ):
            sem_score[h.opinion_id] = h.score
            sem_rank[h.opinion_id] = r
    w_fact, w_text, w_sem = weights
    idf = fact_weights(index)
    generic = generic_facts()
    specific_wanted = any(c not in generic for c in codes)
    out = []
    for opinion_id in dict.fromkeys([*text_rank, *sem_rank]):
        meta = index.meta(opinion_id)
        if meta is None or meta.get("opinion_type") not in SPEAKS_FOR_COURT:
            continue  # a concurrence or dissent repeats the facts and holds nothing
        stored: Any = meta.get("facts") or {}
        opinion_facts = set(stored)
        shared = tuple(c for c in codes if c in opinion_facts)
        if not shared:
            continue
        score = fact_score(codes, opinion_facts, idf)
        supreme = meta.get("court") == SUPREME_COURT
        if (
            landmark_guard
            and supreme
            and (
                len(shared) < min(LANDMARK_MIN_SHARED, len(codes))
                or score < LANDMARK_MIN_SCORE
                or (specific_wanted and all(c in generic for c in shared))
            )
        ):
            continue
        qi: Any = meta.get("qi") or {}
        rights = list(qi.get("rights", []))
        similarity = (
            w_fact * score
            + w_text * text_norm.get(opinion_id, 0.0)
            + w_sem * max(0.0, sem_score.get(opinion_id, 0.0))
            + (CLAIM_BONUS if claim and claim in rights else 0.0)
            + (QI_BONUS if qi.get("decides") else 0.0)
        )
        out.append(
            SimilarHit(
                opinion_id,
                similarity,
                score,
                shared,
                text_rank.get(opinion_id),
                sem_rank.get(opinion_id),
                supreme,
                meta,
            )
        )
    out.sort(key=lambda h: (-h.similarity, h.opinion_id))
    return out[:limit]


def facts_passage(section: str, shared: Sequence[str], window: int = 3) -> str:
    """The run of `window` sentences of the facts section stating the most shared facts."""
    from monell.research.facts import fact_in_sentence, vocabulary
    from monell.research.sentences import sentences

    parts = list(sentences(section))
    if not parts:
        return ""
    wanted = [f for f in vocabulary() if f.id in set(shared)]
    marks = [{f.id for f in wanted if fact_in_sentence(f, s)} for s in parts]
    best, best_start = -1, 0
    for start in range(max(1, len(parts) - window + 1)):
        covered = len(set().union(*marks[start : start + window]))
        if covered > best:
            best, best_start = covered, start
    return " ".join(parts[best_start : best_start + window])
