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
- clearly-established votes, what a lawyer does next: the `NEIGHBOURS` closest opinions on
  the facts (decided before the date, like everything here) each vote, with their own
  similarity, for the precedents they cite in their "clearly established" sentences
  (`established.py`, stored in the index). This reaches the precedents fact-alike cases
  relied on, circuit precedent among them, even when their own facts sections share few
  words with the incident; each such result says who relied on it;
- the landmark guard: a Supreme Court landmark (`landmark_ids`: cited by at least 1% of
  the indexed opinions) enters the list only when its own facts
  section shares at least `LANDMARK_MIN_SHARED` of the incident's facts, one of them not generic
  (what happened — a taser, handcuffs, no resistance — not merely "an arrest" or "force"),
  and `LANDMARK_MIN_SCORE` of their weight; any other Supreme Court opinion needs one shared
  fact that is not generic. Harlow v. Fitzgerald (White House aides) never enters for a
  beating, nor Graham v. Connor for every use of force, nor a municipal-liability opinion
  (Board of Comm'rs v. Brown) for sharing "an arrest" and "force".

Every opinion listed shares at least one fact with the incident (votes raise such opinions,
and bring in ones the text search missed, but never list one that shares nothing); with no
facts on the incident side the list is empty and says why, rather than guessing. The weights
below were chosen on the dev halves only (benchmarks/precedent_similar.py; figures in
docs/performance.md, issue 16).
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
VOTE_WEIGHT = 0.5  # chosen on the dev halves (docs/performance.md, issue 16)
NEIGHBOURS = 20  # closest opinions on the facts whose clearly-established citations vote
LANDMARK_CITING_SHARE = 0.01  # a landmark: cited by >= 1% of the indexed opinions…
LANDMARK_MIN_CITERS = 5  # …and by at least this many
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
    votes: float = 0.0  # summed similarity of the neighbours relying on it (before weighting)
    relied_on_by: tuple[Reliance, ...] = ()  # those neighbours, closest first
    landmark: bool = False  # a Supreme Court landmark (`landmark_ids`)


@dataclass(frozen=True)
class Reliance:
    """An earlier opinion with similar facts that cites this one on clearly established law."""

    opinion_id: int
    case_name: str
    court: str
    date_filed: str | None


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


@dataclass
class _Scored:
    opinion_id: int
    meta: dict[str, object]
    shared: tuple[str, ...]
    fact_score: float
    base: float  # similarity before votes
    supreme: bool


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
    guard_all_supreme: bool = False,
    vote_weight: float | None = None,
    neighbours: int = NEIGHBOURS,
) -> list[SimilarHit]:
    """Opinions decided before `decided_before` in `courts`, closest on the facts first."""
    codes = sorted(case.facts)
    if not codes:
        return []
    w_vote = VOTE_WEIGHT if vote_weight is None else vote_weight
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

    def score(opinion_id: int) -> _Scored | None:
        meta = index.meta(opinion_id)
        if meta is None or meta.get("opinion_type") not in SPEAKS_FOR_COURT:
            return None  # a concurrence or dissent repeats the facts and holds nothing
        stored: Any = meta.get("facts") or {}
        opinion_facts = set(stored)
        shared = tuple(c for c in codes if c in opinion_facts)
        share = fact_score(codes, opinion_facts, idf)
        qi: Any = meta.get("qi") or {}
        base = (
            w_fact * share
            + w_text * text_norm.get(opinion_id, 0.0)
            + w_sem * max(0.0, sem_score.get(opinion_id, 0.0))
            + (CLAIM_BONUS if claim and claim in list(qi.get("rights", [])) else 0.0)
            + (QI_BONUS if qi.get("decides") else 0.0)
        )
        return _Scored(opinion_id, meta, shared, share, base, meta.get("court") == SUPREME_COURT)

    scored = {
        s.opinion_id: s
        for s in map(score, dict.fromkeys([*text_rank, *sem_rank]))
        if s is not None and s.shared
    }
    votes, voters = _votes(index, scored, courts, decided_before, neighbours if w_vote else 0)
    for opinion_id in votes:
        if opinion_id not in scored:
            extra = score(opinion_id)
            if extra is not None:
                scored[opinion_id] = extra
    top_vote = max(votes.values(), default=0.0) or 1.0
    guarded = (
        {s.opinion_id for s in scored.values() if s.supreme}
        if guard_all_supreme
        else landmark_ids(index, [s.opinion_id for s in scored.values() if s.supreme])
    )
    generic = generic_facts()
    specific_wanted = any(c not in generic for c in codes)
    out = []
    for s in scored.values():
        if not s.shared:
            continue  # votes raise opinions that share the facts; they never stand alone
        if landmark_guard and s.supreme:
            if s.opinion_id in guarded:
                if not passes_landmark_guard(codes, s.shared, idf, s.fact_score):
                    continue
            elif specific_wanted and all(c in generic for c in s.shared):
                continue  # "an arrest", "force": what half the Court's § 1983 docket shares
        vote = votes.get(s.opinion_id, 0.0)
        out.append(
            SimilarHit(
                s.opinion_id,
                s.base + w_vote * vote / top_vote,
                s.fact_score,
                s.shared,
                text_rank.get(s.opinion_id),
                sem_rank.get(s.opinion_id),
                s.supreme,
                s.meta,
                votes=vote,
                landmark=s.opinion_id in guarded,
                relied_on_by=tuple(
                    Reliance(
                        v,
                        str(scored[v].meta.get("case_name") or ""),
                        str(scored[v].meta.get("court") or ""),
                        str(scored[v].meta["date_filed"])
                        if scored[v].meta.get("date_filed")
                        else None,
                    )
                    for v in voters.get(s.opinion_id, ())
                ),
            )
        )
    out.sort(key=lambda h: (-h.similarity, h.opinion_id))
    return out[:limit]


def passes_landmark_guard(
    codes: Sequence[str],
    opinion_facts: Iterable[str],
    weights: dict[str, float],
    score: float | None = None,
) -> bool:
    """May a landmark be listed for an incident with facts `codes`? Only when its own facts
    section shares at least LANDMARK_MIN_SHARED of them, one not generic when the incident
    has any that is not, and LANDMARK_MIN_SCORE of their weight."""
    have = set(opinion_facts)
    shared = [c for c in codes if c in have]
    if score is None:
        score = fact_score(codes, have, weights)
    generic = generic_facts()
    specific_wanted = any(c not in generic for c in codes)
    return not (
        len(shared) < min(LANDMARK_MIN_SHARED, len(codes))
        or score < LANDMARK_MIN_SCORE
        or (specific_wanted and all(c in generic for c in shared))
    )


def landmark_ids(index: PrecedentIndex, supreme: Sequence[int]) -> set[int]:
    """The Supreme Court opinions among `supreme` that are landmarks: cited by at least
    LANDMARK_CITING_SHARE of the indexed opinions (and by at least LANDMARK_MIN_CITERS).

    Counted over the whole corpus, later citers too: the list is read by a lawyer today, for
    whom Graham is a landmark whatever the incident's date, and the guard only ever keeps an
    opinion out, so knowing later citations cannot flatter a recall figure."""
    if not supreme:
        return set()
    ids = np.array(supreme, dtype=np.int64)
    citers = index.citers_before(ids, None)
    floor = max(LANDMARK_MIN_CITERS, LANDMARK_CITING_SHARE * len(index.graph_opinion))
    return {int(o) for o, n in zip(ids.tolist(), citers.tolist(), strict=True) if n >= floor}


def _votes(
    index: PrecedentIndex,
    scored: dict[int, _Scored],
    courts: Sequence[str] | None,
    decided_before: dt.date | None,
    neighbours: int,
) -> tuple[dict[int, float], dict[int, list[int]]]:
    """The `neighbours` closest opinions on the facts vote, each with its similarity, for the
    opinions it cites on clearly established law that pass the court and date filters."""
    if neighbours <= 0 or not scored:
        return {}, {}
    ranked = sorted(scored.values(), key=lambda s: (-s.base, s.opinion_id))
    cited, owner = index.established_each(np.array([s.opinion_id for s in ranked], np.int64))
    # Only opinions that rule on clearly established law can say whom they relied on.
    keep = sorted(set(owner.tolist()))[:neighbours]
    closest = [ranked[i] for i in keep]
    cited, owner = index.established_each(np.array([s.opinion_id for s in closest], np.int64))
    if not len(cited):
        return {}, {}
    allowed = index.admissible(cited, courts, decided_before)
    votes: dict[int, float] = {}
    voters: dict[int, list[int]] = {}
    for target, who in zip(cited[allowed].tolist(), owner[allowed].tolist(), strict=True):
        voter = closest[who]
        if target == voter.opinion_id:
            continue
        votes[target] = votes.get(target, 0.0) + voter.base
        voters.setdefault(target, []).append(voter.opinion_id)
    return votes, voters


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
