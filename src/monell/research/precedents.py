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
from monell.research.embedding import EmbeddingUnavailable, Encoder, load_encoder
from monell.research.index import PrecedentIndex, build_index
from monell.research.qi import rules_fingerprint
from monell.research.rerank import RankerFileError, load_ranker
from monell.research.search import RankedHit, hybrid_search

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


def corpus_size(engine: Engine) -> int:
    from monell.corpus.store import CorpusStore

    try:
        return CorpusStore(engine).count_opinions()
    except sa.exc.SQLAlchemyError:
        return 0


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
            encoder = load_encoder()
        except EmbeddingUnavailable as exc:
            warning = f"SEMANTIC SEARCH OFF — BM25 only: {exc}"
            progress(f"warning: {warning}")
    directory = index_directory(db_url)
    # Stored QI signals are part of the index: new rules mean a rebuild, like new opinions.
    fingerprint = f"{corpus_fingerprint(engine)};qi-rules={rules_fingerprint()}"
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
        filed = dt.date.fromisoformat(str(meta["date_filed"])) if meta.get("date_filed") else None
        doc = ResearchDocument(
            hit.opinion_id,
            str(meta["case_name"]),
            str(meta["court"]),
            filed,
            str(meta["precedential_status"]),
            tuple(meta["citations"]),
            "",
            meta.get("opinion_type"),
        )  # type: ignore[arg-type]
        if circuit is not None and incident_date is not None:
            cls = classify_authority(doc, circuit, incident_date)
            if cls is None:
                continue
            weight, reason = cls.weight, cls.reason
        else:
            weight, reason = Weight.PERSUASIVE, "no incident given: weight not assessed"
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
        claims.append(
            {
                "claim": claim.id.value,
                "title": claim.title,
                "query": query,
                "results": [asdict(r) for r in results],
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
    for claim in data["claims"]:
        lines.append(f"\n### {t(claim['title'])}\n")
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
