"""Precedents for an incident or a free query: index upkeep, search, verified results.

The index lives next to the database (an SQLite file `X.sqlite3` gets `X.sqlite3.research/`;
a PostgreSQL URL gets a folder in the user data directory named after a hash of the URL) and
is rebuilt when the corpus fingerprint (opinion count, id range, citation count, citation-graph
edge count) or the QI rules change.

Every citation in a result goes through `monell.law.verify` against the store's citation
index; a result with no reporter citation, or one that does not verify, says so in
`verified` / `citation_status` and the markdown marks it UNVERIFIED.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from platformdirs import user_data_dir
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from monell.domain.models import Assessment
from monell.law.verify import CitationIndex
from monell.report.text import md_text as t
from monell.research.authority import Weight, binding_courts, court_info
from monell.research.authority import classify as classify_authority
from monell.research.documents import ResearchDocument, documents_from_store
from monell.research.embedding import (
    EmbeddingUnavailable,
    Encoder,
    encode_query,
    load_query_encoder,
)
from monell.research.facts import label as fact_label
from monell.research.facts import vocabulary_fingerprint
from monell.research.index import PrecedentIndex, build_index
from monell.research.qi import rules_fingerprint
from monell.research.rerank import RankerFileError, load_ranker
from monell.research.search import RankedHit, hybrid_search
from monell.research.similar import (
    CaseFacts,
    SimilarHit,
    facts_passage,
    incident_case_facts,
    similar_search,
)

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def index_directory(db_url: str) -> Path:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.research")
    digest = hashlib.sha1(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(user_data_dir("monell", appauthor=False)) / f"research-{digest}"


def corpus_fingerprint(engine: Engine) -> str:
    from monell.corpus import schema

    o, c, e = schema.opinions, schema.citations, schema.edges
    with engine.connect() as conn:
        n, lo, hi = conn.execute(
            sa.select(sa.func.count(), sa.func.min(o.c.id), sa.func.max(o.c.id))
        ).one()
        cites = conn.execute(sa.select(sa.func.count()).select_from(c)).scalar_one()
        edges = conn.execute(sa.select(sa.func.count()).select_from(e)).scalar_one()
    return f"opinions={n};ids={lo}..{hi};citations={cites};edges={edges}"


def citation_graph(engine: Engine) -> Iterator[tuple[int, int]]:
    """(citing, cited) opinion id pairs of the store's citation graph, by citing then cited id.

    A generator over a batched query in the primary key's order, opened only when the index
    build reaches the graph: of a corpus's 10M edges only one batch is ever Python objects.
    """
    from monell.corpus import schema

    e = schema.edges
    query = sa.select(e.c.citing_opinion_id, e.c.cited_opinion_id).order_by(
        e.c.citing_opinion_id, e.c.cited_opinion_id
    )
    with engine.connect() as conn:
        for citing, cited in conn.execution_options(yield_per=50_000).execute(query):
            yield int(citing), int(cited)


@dataclass(frozen=True)
class Retrieval:
    index: PrecedentIndex
    encoder: Encoder | None
    mode: str  # "hybrid" or "bm25"
    warning: str | None


def open_retrieval(
    engine: Engine, db_url: str, *, progress: Progress = _stderr, semantic: bool = True
) -> Retrieval:
    """Open the index for this database, building or rebuilding it when the corpus changed."""
    encoder: Encoder | None = None
    warning = None
    if semantic:
        try:
            encoder = load_query_encoder()
        except EmbeddingUnavailable as exc:
            warning = f"SEMANTIC SEARCH OFF — BM25 only: {exc}"
            progress(f"warning: {warning}")
    directory = index_directory(db_url)
    # Stored QI signals and facts are part of the index: new rules or a new fact vocabulary
    # mean a rebuild, like new opinions.
    fingerprint = (
        f"{corpus_fingerprint(engine)};qi-rules={rules_fingerprint()}"
        f";facts={vocabulary_fingerprint()}"
    )
    wanted_model = encoder.name if encoder else None
    try:
        index = PrecedentIndex(directory)
        if index.fingerprint != fingerprint or index.model != wanted_model:
            raise FileNotFoundError("stale")
    except FileNotFoundError:
        progress(
            f"building the precedent index in {directory} "
            f"({'BM25 + embeddings' if encoder else 'BM25 only'}; once per corpus change)"
        )
        build_index(
            directory,
            documents_from_store(engine),
            encoder,
            fingerprint=fingerprint,
            cites=citation_graph(engine),
        )
        index = PrecedentIndex(directory)
    mode = "hybrid" if encoder is not None and index.model else "bm25"
    if mode == "hybrid":
        ranker_off = _ranker_problem(index)
        if ranker_off:
            warning = f"{warning} " if warning else ""
            warning += f"LEARNED RANKER OFF — results in fused (RRF) order: {ranker_off}"
            progress(f"warning: {ranker_off}")
    return Retrieval(index, encoder, mode, warning)


def _ranker_problem(index: PrecedentIndex) -> str | None:
    """Why the shipped ranker cannot order this index's results, or None if it can."""
    try:
        ranker = load_ranker()
    except RankerFileError as exc:
        return str(exc)
    if not ranker.reads(index.model):
        return (
            f"the ranker was trained on {ranker.provenance.get('embedding_model')} cosines, "
            f"this index holds {index.model} vectors"
        )
    return None


@dataclass(frozen=True)
class Precedent:
    """One result; JSON keys are a contract (add, never rename)."""

    case_name: str
    court: str
    court_name: str
    date_filed: str | None
    citation: str | None
    verified: bool
    citation_status: str
    citation_note: str
    binding: bool
    weight: str
    weight_reason: str
    qi_outcome: str | None
    qi_rights: list[str]
    qi_prongs: list[str]
    qi_sentence: str | None
    score: float
    bm25_rank: int | None
    semantic_rank: int | None
    passage: str
    opinion_id: int
    graph_rank: int | None  # rank among the authorities the best text matches cite
    cited_by_matches: int  # how many of those matches cite it
    co_citation_rank: int | None  # rank among authorities cited beside the first page
    co_cited_by: int  # newest permitted citers of first-page results (not fact matches) citing it
    rrf_score: float  # reciprocal-rank fusion of the lists (`score` when not reranked)
    reranked: bool  # ordered by the learned ranker; `score` is then its output (0–1, not a chance)


def _verify(
    citations: Sequence[str], case_name: str, year: int | None, index: CitationIndex | None
) -> tuple[str | None, bool, str, str]:
    if not citations:
        return (
            None,
            False,
            "no_citation",
            "the corpus has no reporter citation for this opinion: cite it by docket and "
            "date, and find its reporter citation before filing",
        )
    if index is None:
        return citations[0], False, "unchecked", "no citation index available"
    first = None
    for cite in citations:
        check = index.check(cite, case_name, year)
        first = first or check
        if check.verified:
            return check.citation, True, check.status.value, check.note
    assert first is not None
    return first.citation, False, first.status.value, first.note


def _passage(meta: dict[str, Any], hit: RankedHit, query: str) -> str:
    stored: list[str] = list(meta.get("passages") or [])
    if hit.passage is not None and hit.passage < len(stored):
        return stored[hit.passage]
    qi = meta.get("qi") or {}
    for e in qi.get("evidence", []):
        if e.get("field") == "result":
            return str(e["sentence"])
    if stored:
        words = set(query.lower().split())
        return max(stored, key=lambda p: len(words & set(p.lower().split())))
    return ""


def _weigh(
    opinion_id: int,
    meta: Any,
    circuit: str | None,
    incident_date: dt.date | None,
    unassessed: str,
) -> tuple[ResearchDocument, dt.date | None, Weight, str] | None:
    """The stored opinion as a document, and its weight for the incident; None when it
    cannot speak to the incident at all (decided on or after it, or undated)."""
    filed = dt.date.fromisoformat(str(meta["date_filed"])) if meta.get("date_filed") else None
    doc = ResearchDocument(
        opinion_id,
        str(meta["case_name"]),
        str(meta["court"]),
        filed,
        str(meta["precedential_status"]),
        tuple(meta["citations"]),
        "",
        meta.get("opinion_type"),
    )
    if circuit is None or incident_date is None:
        return doc, filed, Weight.PERSUASIVE, f"{unassessed}: weight not assessed"
    cls = classify_authority(doc, circuit, incident_date)
    if cls is None:
        return None
    return doc, filed, cls.weight, cls.reason


def assemble(
    hits: Sequence[RankedHit],
    retrieval: Retrieval,
    query: str,
    *,
    circuit: str | None,
    incident_date: dt.date | None,
    cite_index: CitationIndex | None,
    binding_only: bool,
    limit: int,
) -> list[Precedent]:
    out: list[Precedent] = []
    for hit in hits:
        meta = retrieval.index.meta(hit.opinion_id)
        if meta is None:
            continue
        weighed = _weigh(hit.opinion_id, meta, circuit, incident_date, "no incident given")
        if weighed is None:
            continue
        doc, filed, weight, reason = weighed
        if binding_only and weight is not Weight.BINDING:
            continue
        citation, verified, status, note = _verify(
            doc.citations, doc.case_name, filed.year if filed else None, cite_index
        )
        qi: dict[str, Any] = meta.get("qi") or {}  # type: ignore[assignment]
        qi_sentence = next(
            (e["sentence"] for e in qi.get("evidence", []) if e.get("field") == "result"), None
        )
        out.append(
            Precedent(
                case_name=doc.case_name,
                court=doc.court,
                court_name=court_info(doc.court).name,
                date_filed=filed.isoformat() if filed else None,
                citation=citation,
                verified=verified,
                citation_status=status,
                citation_note=note,
                binding=weight is Weight.BINDING,
                weight=weight.value,
                weight_reason=reason,
                qi_outcome=qi.get("outcome"),
                qi_rights=list(qi.get("rights", [])),
                qi_prongs=list(qi.get("prongs", [])),
                qi_sentence=qi_sentence,
                score=round(hit.score, 6),
                bm25_rank=hit.bm25_rank,
                semantic_rank=hit.semantic_rank,
                passage=_passage(meta, hit, query),
                opinion_id=hit.opinion_id,
                graph_rank=hit.graph_rank,
                cited_by_matches=hit.cited_by_matches,
                co_citation_rank=hit.co_citation_rank,
                co_cited_by=hit.co_cited_by,
                rrf_score=round(hit.rrf_score, 6),
                reranked=hit.reranked,
            )
        )
        if len(out) >= limit:
            break
    return out


@dataclass(frozen=True)
class SharedFact:
    fact: str
    label: str
    incident: str  # where the incident states it ("narrative: …", "conduct: …", "query: …")
    opinion: str  # the sentence of the opinion's facts section stating it


@dataclass(frozen=True)
class SimilarPrecedent:
    """One factually similar opinion; JSON keys are a contract (add, never rename)."""

    case_name: str
    court: str
    court_name: str
    date_filed: str | None
    citation: str | None
    verified: bool
    citation_status: str
    binding: bool
    weight: str
    weight_reason: str
    violation: str  # violation | no_violation | not_reached | unknown (research/holding.py)
    violation_rule: str | None
    violation_sentence: str | None
    qi_result: str  # granted | denied | not_reached (research/qi.py rules)
    qi_outcome: str | None
    facts_passage: str
    holding_passage: str | None
    shared_facts: list[SharedFact]
    fact_score: float
    similarity: float
    facts_text_rank: int | None
    semantic_rank: int | None
    facts_method: str | None
    supreme_court: bool
    opinion_id: int
    clearly_established_votes: float  # summed similarity of the earlier opinions relying on it
    relied_on_by: list[dict[str, Any]]  # those opinions: case_name, court, date_filed, opinion_id
    why: str  # why it is listed, in words: shared facts, text rank, who relied on it
    landmark: bool  # a Supreme Court landmark at the date, listed only on its own facts


def why_listed(hit: SimilarHit, case: CaseFacts) -> str:
    """One sentence saying why an opinion is in the similar list."""
    labels = ", ".join(fact_label(f) for f in hit.shared)
    parts = [
        f"its facts section states {labels} ({len(hit.shared)} of {len(case.facts)} incident facts)"
    ]
    if hit.facts_text_rank is not None:
        parts.append(f"facts-section text match #{hit.facts_text_rank}")
    if hit.relied_on_by:
        n = len(hit.relied_on_by)
        names = "; ".join(
            f"{r.case_name} ({r.court}, {r.date_filed or 'undated'})" for r in hit.relied_on_by[:3]
        )
        more = f" and {n - 3} more" if n > 3 else ""
        parts.append(
            f"cited on clearly established law by {n} earlier opinion{'s' if n > 1 else ''} "
            f"with similar facts: {names}{more}"
        )
    return "; ".join(parts)


def appellate_courts(index: PrecedentIndex) -> list[str]:
    """The Supreme Court and the courts of appeals present in the index."""
    from monell.research.authority import CourtKind

    names = sorted(set(index.graph_court_names))
    return [c for c in names if c == "scotus" or court_info(c).kind is CourtKind.APPEALS]


def corpus_courts(index: PrecedentIndex) -> dict[str, int]:
    """Opinions per court in the index (the size behind a "none found" answer)."""
    import numpy as np

    counts = np.bincount(
        np.asarray(index.graph_court, dtype=np.int64), minlength=len(index.graph_court_names)
    )
    return {
        name: int(n)
        for name, n in sorted(zip(index.graph_court_names, counts.tolist(), strict=True))
        if n
    }


def similar_precedents(
    hits: Sequence[SimilarHit],
    case: CaseFacts,
    *,
    circuit: str | None,
    incident_date: dt.date | None,
    cite_index: CitationIndex | None,
) -> list[SimilarPrecedent]:
    out = []
    for hit in hits:
        meta: Any = hit.meta
        weighed = _weigh(hit.opinion_id, meta, circuit, incident_date, "no circuit given")
        if weighed is None:
            continue
        doc, filed, weight, reason = weighed
        citation, verified, status, _ = _verify(
            doc.citations, doc.case_name, filed.year if filed else None, cite_index
        )
        qi = meta.get("qi") or {}
        violation = meta.get("violation") or {}
        opinion_facts = meta.get("facts") or {}
        out.append(
            SimilarPrecedent(
                case_name=doc.case_name,
                court=doc.court,
                court_name=court_info(doc.court).name,
                date_filed=filed.isoformat() if filed else None,
                citation=citation,
                verified=verified,
                citation_status=status,
                binding=weight is Weight.BINDING,
                weight=weight.value,
                weight_reason=reason,
                violation=str(violation.get("value") or "unknown"),
                violation_rule=violation.get("rule"),
                violation_sentence=violation.get("sentence"),
                qi_result=str(qi.get("result") or "not_reached"),
                qi_outcome=qi.get("outcome"),
                facts_passage=facts_passage(str(meta.get("facts_section") or ""), hit.shared),
                holding_passage=meta.get("holding"),
                shared_facts=[
                    SharedFact(f, fact_label(f), case.facts[f], str(opinion_facts.get(f, "")))
                    for f in hit.shared
                ],
                fact_score=round(hit.fact_score, 4),
                similarity=round(hit.similarity, 6),
                facts_text_rank=hit.facts_text_rank,
                semantic_rank=hit.semantic_rank,
                facts_method=meta.get("facts_method"),
                supreme_court=hit.supreme_court,
                opinion_id=hit.opinion_id,
                clearly_established_votes=round(hit.votes, 6),
                relied_on_by=[asdict(r) for r in hit.relied_on_by],
                why=why_listed(hit, case),
                landmark=hit.landmark,
            )
        )
    return out


CLOSE_FACTS = 2  # shared facts that make a precedent "similar" for the summary
NONE_FOUND = "no binding precedent on similar facts found in the loaded corpus"


def clearly_established(
    similar: Sequence[SimilarPrecedent],
    *,
    decided_before: dt.date | None,
    courts: dict[str, int],
    corpus_opinions: int,
    limit: int = 3,
) -> dict[str, Any]:
    """The closest binding precedents that found a violation on similar facts before the
    date, or NONE_FOUND with what was searched. It lists; whether they clearly establish the
    right is the lawyer's call (al-Kidd: not at a high level of generality)."""
    closest = [
        p
        for p in similar
        if p.binding and p.violation == "violation" and len(p.shared_facts) >= CLOSE_FACTS
    ][:limit]
    searched = ", ".join(f"{c} {n}" for c, n in courts.items())
    before = f" decided before {decided_before.isoformat()}" if decided_before else ""
    if closest:
        names = "; ".join(
            f"{p.case_name}, {p.citation or 'no reporter citation'} ({p.court}, {p.date_filed})"
            f" — shares {', '.join(f.label for f in p.shared_facts)}"
            for p in closest
        )
        statement = (
            f"Binding precedent{before} that found a violation on similar facts: {names}. "
            "Read each against the incident: the right must be established with specificity "
            "(Ashcroft v. al-Kidd, 563 U.S. 731 (2011))."
        )
        answer = "binding_precedent_found"
    else:
        statement = (
            f"{NONE_FOUND} ({corpus_opinions} opinions: {searched}){before}. "
            "This is a statement about the corpus, not about the law: load the circuit's "
            "opinions (monell corpus fetch) before relying on it."
        )
        answer = "none_found"
    return {
        "answer": answer,
        "statement": statement,
        "precedents": [
            {
                "case_name": p.case_name,
                "citation": p.citation,
                "verified": p.verified,
                "court": p.court,
                "date_filed": p.date_filed,
                "shared_facts": [f.fact for f in p.shared_facts],
                "violation_sentence": p.violation_sentence,
                "opinion_id": p.opinion_id,
            }
            for p in closest
        ],
        "corpus_opinions": corpus_opinions,
        "corpus_courts": courts,
    }


def governing_standard(claim: Any) -> list[dict[str, Any]]:
    """The doctrine's own authorities for the claim (law/data), as the claims section has."""
    return [
        {
            "name": a.name,
            "citation": a.citation,
            "cite": a.cite,
            "year": a.year,
            "court": a.court,
            "proposition": a.proposition,
            "confidence": str(a.confidence),
            "verification": str(a.verification),
        }
        for a in claim.authorities
        if str(a.kind) == "case"
    ]


def similar_for_query(
    retrieval: Retrieval,
    query: str,
    *,
    circuit: str | None,
    decided_before: dt.date | None,
    cite_index: CitationIndex | None,
    limit: int,
) -> dict[str, Any]:
    """`monell precedents search`'s factually similar list, its summary and the query's facts.
    Courts: the Supreme Court and every court of appeals in the index (another circuit's
    opinion is listed as persuasive); the summary counts only binding ones."""
    from monell.research.similar import query_case_facts

    case = query_case_facts(query)
    vector = (
        encode_query(retrieval.encoder, query)
        if retrieval.encoder is not None and retrieval.mode == "hybrid"
        else None
    )
    similar = similar_precedents(
        similar_search(
            retrieval.index,
            case,
            courts=appellate_courts(retrieval.index),
            decided_before=decided_before,
            query_vector=vector,
            limit=limit * 2,
        ),
        case,
        circuit=circuit,
        incident_date=decided_before or (dt.date.max if circuit else None),
        cite_index=cite_index,
    )[:limit]
    counts = corpus_courts(retrieval.index)
    return {
        "query_facts": case_facts_json(case),
        "similar_precedent": [asdict(p) for p in similar],
        "clearly_established": clearly_established(
            similar,
            decided_before=decided_before,
            courts=counts,
            corpus_opinions=int(retrieval.index.manifest.get("opinions") or 0),
        )
        if circuit
        else None,
    }


def case_facts_json(case: CaseFacts) -> list[dict[str, str]]:
    return [{"fact": f, "label": fact_label(f), "evidence": e} for f, e in case.facts.items()]


def claim_query(title: str, standard: str, narrative: str | None) -> str:
    return " ".join(part for part in (title, standard, narrative or "") if part)


def precedents_for_assessment(
    assessment: Assessment,
    retrieval: Retrieval,
    cite_index: CitationIndex | None,
    *,
    limit: int = 5,
) -> dict[str, Any]:
    """Per claim: binding precedents decided before the incident, best first (the learned
    ranker's order over factual similarity, the citation graph and authority)."""
    incident = assessment.incident
    circuit = assessment.jurisdiction.circuit
    courts = binding_courts(circuit)
    case = incident_case_facts(
        incident.narrative,
        [str(c) for c in incident.conduct],
        str(incident.person.custody),
        str(incident.criminal_case.status),
    )
    similar_courts = appellate_courts(retrieval.index)
    counts = corpus_courts(retrieval.index)
    opinions = int(retrieval.index.manifest.get("opinions") or 0)
    vector = (
        encode_query(retrieval.encoder, case.text)
        if retrieval.encoder is not None and retrieval.mode == "hybrid" and case.text
        else None
    )
    claims = []
    for claim in assessment.claims:
        query = claim_query(claim.title, claim.standard, incident.narrative)
        hits = hybrid_search(
            retrieval.index,
            query,
            encoder=retrieval.encoder,
            courts=courts,
            decided_before=incident.incident_date,
            limit=limit * 4,
        )
        results = assemble(
            hits,
            retrieval,
            query,
            circuit=circuit,
            incident_date=incident.incident_date,
            cite_index=cite_index,
            binding_only=True,
            limit=limit,
        )
        similar = similar_precedents(
            similar_search(
                retrieval.index,
                case,
                courts=similar_courts,
                decided_before=incident.incident_date,
                claim=claim.id.value,
                query_vector=vector,
                limit=limit * 2,
            ),
            case,
            circuit=circuit,
            incident_date=incident.incident_date,
            cite_index=cite_index,
        )[:limit]
        claims.append(
            {
                "claim": claim.id.value,
                "title": claim.title,
                "query": query,
                "results": [asdict(r) for r in results],
                "governing_standard": governing_standard(claim),
                "similar_precedent": [asdict(p) for p in similar],
                "clearly_established": clearly_established(
                    similar,
                    decided_before=incident.incident_date,
                    courts=counts,
                    corpus_opinions=opinions,
                ),
            }
        )
    return {
        "circuit": circuit,
        "binding_courts": list(courts),
        "decided_before": incident.incident_date.isoformat(),
        "retrieval": retrieval.mode,
        "warning": retrieval.warning,
        "corpus_opinions": retrieval.index.manifest.get("opinions"),
        "claims": claims,
        "incident_facts": case_facts_json(case),
        "similar_courts": similar_courts,
        "corpus_courts": counts,
    }


def markdown(data: dict[str, Any]) -> str:
    lines = [
        f"Binding courts: {t(', '.join(data['binding_courts']))}; opinions decided before "
        f"{data['decided_before']}; retrieval: {data['retrieval']} over "
        f"{data['corpus_opinions']} opinions.",
    ]
    note = ordering_note([r for c in data["claims"] for r in c["results"]])
    if note:
        lines[0] += f" {note}"
    if data.get("warning"):
        lines.append(f"\n**{t(data['warning'])}**")
    facts = data.get("incident_facts") or []
    if facts:
        lines.append("\nIncident facts compared: " + t(", ".join(f["label"] for f in facts)) + ".")
    for claim in data["claims"]:
        lines.append(f"\n### {t(claim['title'])}\n")
        if "clearly_established" in claim:
            lines.append(
                f"**Clearly established?** {t(claim['clearly_established']['statement'])}\n"
            )
        if claim.get("governing_standard"):
            lines.append(
                "Governing standard: "
                + t("; ".join(a["cite"] for a in claim["governing_standard"]))
                + "\n"
            )
        if "similar_precedent" in claim:
            lines.append("Factually similar precedent (closest facts first):\n")
            if not claim["similar_precedent"]:
                lines.append("None in the corpus shares the incident's facts.\n")
            for i, p in enumerate(claim["similar_precedent"], start=1):
                lines.append(similar_markdown(i, p))
            lines.append("\nAuthorities by citation and text (learned ranker):\n")
        if not claim["results"]:
            lines.append("No binding opinion in the corpus before the incident date matched.")
        for i, r in enumerate(claim["results"], start=1):
            lines.append(result_markdown(i, r))
    return "\n".join(lines) + "\n"


def ordering_note(results: Sequence[dict[str, Any]]) -> str | None:
    """What `score` means in a list of results, for the markdown a person reads."""
    if not any(r.get("reranked") for r in results):
        return None
    return (
        "Ordered by a learned ranker over text, citation-graph and authority signals;"
        " its score ranks results and is not a probability (docs/research.md)."
    )


def result_markdown(i: int, r: dict[str, Any]) -> str:
    cite = t(r["citation"] or "no reporter citation")
    mark = "" if r["verified"] else f" **[UNVERIFIED: {r['citation_status']}]**"
    weight = "binding" if r["binding"] else "persuasive"
    qi = r["qi_outcome"] or "no QI ruling detected"
    passage = t(r["passage"][:600] + ("…" if len(r["passage"]) > 600 else ""))
    matches = r.get("cited_by_matches") or 0
    relied = f"; cited by {matches} of the closest matches" if matches else ""
    beside = r.get("co_cited_by") or 0
    if beside:
        verb = "cites" if beside == 1 else "cite"
        relied += (
            f"; {beside} other opinion{'s' if beside > 1 else ''} {verb} it alongside these results"
        )
    return (
        f"{i}. *{t(r['case_name'])}*, {cite}{mark} ({t(r['court_name'])}, "
        f"{r['date_filed'] or 'undated'}) — {weight}; QI: {qi}{relied}; score {r['score']:.4f}\n"
        f"   > {passage}"
    )


def similar_markdown(i: int, p: dict[str, Any]) -> str:
    cite = t(p["citation"] or "no reporter citation")
    mark = "" if p["verified"] else f" **[UNVERIFIED: {p['citation_status']}]**"
    shared = t(", ".join(f["label"] for f in p["shared_facts"]))
    held = t((p["holding_passage"] or "no holding sentence detected")[:400])
    facts = t(p["facts_passage"][:500] + ("…" if len(p["facts_passage"]) > 500 else ""))
    return (
        f"{i}. *{t(p['case_name'])}*, {cite}{mark} ({t(p['court_name'])}, "
        f"{p['date_filed'] or 'undated'}) — {p['weight']}; violation: {p['violation']}; "
        f"QI: {p['qi_result'].replace('_', ' ')}; shared facts: {shared}\n"
        f"   > Why listed: {t(p['why'])}\n"
        f"   > Facts: {facts}\n"
        f"   > Held: {held}"
    )
