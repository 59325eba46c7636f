"""The precedent index: tantivy for BM25, a sorted embedding matrix for semantics.

Court and date filters are part of the index, not a pass over a top-k afterwards:
- lexical: one tantivy query = the text query AND a term-set query on `court` AND a range
  query on `date` (days since 1970; undated opinions get a sentinel above every real date so
  a `decided_before` filter can never admit them);
- semantic: the passage matrix is stored sorted by (court, date), so the rows an incident may
  use are, per allowed court, one contiguous slice [court start, first row on/after the
  cutoff) found by binary search — a zero-copy view multiplied by the query vector.

On disk (one folder; every array a `.npy` file memory-mapped on load, so opening the index
reads no array up front): `tantivy/`, `vectors.npy` (float32, unit rows), `rows/` (opinion
id, passage number and date of every row), `graph/` (each opinion's court and date, the
opinions it cites, and the opinions citing it, newest first: the citation graph that search
follows from its best matches to the authorities they rely on, and from those authorities to
the ones courts cite beside them), `established/` (the same CSR shape: for each opinion, the
opinions it cites in its "clearly established" sentences, `established.py`) and
`manifest.json` (courts' row ranges, model name, corpus fingerprint). Built from
`ResearchDocument`s, so the same code indexes the opinion store and synthetic benchmark corpora.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import tantivy

from monell.research.documents import ResearchDocument
from monell.research.embedding import Encoder
from monell.research.established import Cited, CiteResolver, established_cites
from monell.research.facts import facts_in_text, vocabulary_fingerprint
from monell.research.holding import holding_passage, violation_finding
from monell.research.qi import QiSignals
from monell.research.qi import classify as classify_qi
from monell.research.segment import FactsSection, facts_section
from monell.research.sentences import Passage, passages

FORMAT_VERSION = 7  # 2: citation graph; 3: passages without an encoder; 4: citers; 5: .npy dirs
# 6: facts sections (text, fact codes, holding, violation finding; issue 16)
# 7: `established/`: whom each opinion cites on clearly established law (established.py)
EPOCH = dt.date(1970, 1, 1)
UNDATED = 10**7  # days; far beyond any real decision date
PASSAGE_WORDS = 90
PASSAGES_PER_OPINION = 4
CITER_WINDOW = 1024  # citers court-checked at a time by `recent_citers` (the window grows 4×)

CitationEdges: TypeAlias = Mapping[int, Iterable[int]] | Iterable[tuple[int, int]]
"""The citation graph: citing id → cited ids, or (citing, cited) pairs by ascending citing id."""
_EDGE_CHUNK = 1 << 16  # pairs per numpy block while building the CSR arrays


def day_number(day: dt.date | None) -> int:
    return UNDATED if day is None else (day - EPOCH).days


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("opinion_id", stored=True, indexed=True, fast=True)
    b.add_text_field("court", stored=True, tokenizer_name="raw")
    b.add_integer_field("date", stored=True, indexed=True, fast=True)
    b.add_text_field("case_name", stored=True, tokenizer_name="en_stem")
    b.add_text_field("body", stored=False, tokenizer_name="en_stem")
    # The facts section alone (segment.py) and its fact codes (facts.yaml): what factual
    # similarity searches, so an opinion's analysis of Graham does not make it "similar".
    b.add_text_field("facts_body", stored=False, tokenizer_name="en_stem")
    b.add_text_field("fact_codes", stored=False, tokenizer_name="raw")
    # Stored only: what a result shows (citations, QI signals, the embedded passages).
    b.add_text_field("meta", stored=True, index_option="basic", tokenizer_name="raw")
    return b.build()


def embedded_passages(
    text: str, qi_sentences: Sequence[str], limit: int = PASSAGES_PER_OPINION
) -> list[Passage]:
    """The passages worth embedding: those holding a QI ruling (at most two), then the opening
    passages after the caption (facts and procedural history come first in most opinions)."""
    every = passages(text, words=PASSAGE_WORDS)
    chosen: list[Passage] = []
    for sentence in qi_sentences:
        for p in every:
            if sentence in p.text and p not in chosen and len(chosen) < 2:
                chosen.append(p)
                break
    for p in every[1:] if len(every) > 1 else every:
        if len(chosen) >= limit:
            break
        if p not in chosen:
            chosen.append(p)
    return sorted(chosen, key=lambda p: p.index)


_NO_SIGNALS = QiSignals(False, None, None, (), (), ())


@dataclass(frozen=True)
class IndexedMeta:
    """What the index keeps per opinion besides its text (JSON in the `meta` field)."""

    case_name: str
    court: str
    date_filed: str | None
    precedential_status: str
    citations: tuple[str, ...]
    opinion_type: str | None
    qi: dict[str, object]
    passages: tuple[str, ...]
    facts_section: str = ""
    facts_method: str | None = None
    facts: dict[str, str] = field(default_factory=dict)  # fact id → sentence stating it
    violation: dict[str, str | None] = field(default_factory=dict)
    holding: str | None = None


def _meta(
    doc: ResearchDocument,
    signals: QiSignals,
    keep_passages: list[Passage],
    section: FactsSection | None = None,
    facts: dict[str, str] | None = None,
) -> IndexedMeta:
    qi = {
        "decides": signals.decides,
        "result": signals.result.value if signals.result else None,
        "disposition": signals.disposition.value if signals.disposition else None,
        "outcome": signals.outcome,
        "rights": [r.value for r in signals.rights],
        "prongs": [p.value for p in signals.prongs],
        "evidence": [
            {"rule": e.rule, "field": e.field, "value": e.value, "sentence": e.sentence}
            for e in signals.evidence
        ],
    }
    return IndexedMeta(
        case_name=doc.case_name,
        court=doc.court,
        date_filed=doc.date_filed.isoformat() if doc.date_filed else None,
        precedential_status=doc.precedential_status,
        citations=doc.citations,
        opinion_type=doc.opinion_type,
        qi=qi,
        passages=tuple(p.text for p in keep_passages),
        **_holding_meta(doc, signals, section, facts),
    )


def _holding_meta(
    doc: ResearchDocument,
    signals: QiSignals,
    section: FactsSection | None,
    facts: dict[str, str] | None,
) -> dict[str, Any]:
    if section is None:
        return {}
    qi = signals if signals.decides else None
    finding = violation_finding(doc.text, qi)
    return {
        "facts_section": section.text,
        "facts_method": section.method,
        "facts": facts or {},
        "violation": {"value": finding.value, "rule": finding.rule, "sentence": finding.sentence},
        "holding": holding_passage(doc.text, qi, finding),
    }


@dataclass
class _Rows:
    court: list[str] = field(default_factory=list)
    date: list[int] = field(default_factory=list)
    opinion: list[int] = field(default_factory=list)
    passage: list[int] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)


def build_index(
    directory: Path,
    documents: Iterable[ResearchDocument],
    encoder: Encoder | None,
    *,
    fingerprint: str = "",
    writer_heap: int = 256_000_000,
    batch: int = 64,
    analyse: bool = True,
    passages_per_opinion: int = PASSAGES_PER_OPINION,
    cites: CitationEdges | None = None,
) -> int:
    """Build the index into `directory` (replacing it atomically); return the opinion count.

    With `encoder=None` only BM25 is built and the manifest says so. `analyse=False` skips
    the QI rules (benchmark corpora of synthetic text, where they would mean nothing).
    `cites`: the corpus citation graph, as a mapping or as a stream of (citing, cited) pairs
    ordered by citing id (how the store's is read, so a large graph is never held as Python
    objects); edges to opinions not among `documents` are dropped.
    """
    tmp = directory.with_name(directory.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "tantivy").mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(tmp / "tantivy"))
    writer = index.writer(heap_size=writer_heap, num_threads=1)
    rows = _Rows()
    pending: list[tuple[str, int, int, int, str]] = []

    def flush() -> None:
        if encoder is None or not pending:
            pending.clear()
            return
        rows.vectors.append(encoder.encode([p[4] for p in pending]))
        for court, date, opinion, number, _ in pending:
            rows.court.append(court)
            rows.date.append(date)
            rows.opinion.append(opinion)
            rows.passage.append(number)
        pending.clear()

    count = 0
    seen: _Opinions = _Opinions()
    fact_df: dict[str, int] = {}
    own_cites: dict[int, tuple[str, ...]] = {}
    relied: dict[int, list[Cited]] = {}
    for doc in documents:
        seen.add(doc)
        if analyse and doc.citations:  # what `established/` resolves citations against
            own_cites[doc.opinion_id] = doc.citations
        if analyse and doc.speaks_for_court:
            found = established_cites(doc.text)
            if found:
                relied[doc.opinion_id] = found
        signals = classify_qi(doc.text) if analyse else _NO_SIGNALS
        qi_sentences = [e.sentence for e in signals.evidence if e.field != "rights"]
        # Kept in `meta` even without an encoder: a result found by BM25 or through the
        # citation graph still shows the passage of it that best matches the query.
        keep = embedded_passages(doc.text, qi_sentences, passages_per_opinion)
        section = facts_section(doc.text) if analyse else None
        facts = facts_in_text(section.text) if section is not None else {}
        for code in facts:
            fact_df[code] = fact_df.get(code, 0) + 1
        meta = _meta(doc, signals, keep, section, facts)
        document = tantivy.Document(
            opinion_id=doc.opinion_id,
            court=doc.court,
            date=day_number(doc.date_filed),
            case_name=doc.case_name,
            body=doc.text,
            facts_body=section.text if section is not None else "",
            meta=json.dumps(meta.__dict__, ensure_ascii=False),
        )
        for code in facts:
            document.add_text("fact_codes", code)
        writer.add_document(document)
        for number, p in enumerate(keep):
            pending.append((doc.court, day_number(doc.date_filed), doc.opinion_id, number, p.text))
        if len(pending) >= batch:
            flush()
        count += 1
    flush()
    writer.commit()
    writer.wait_merging_threads()
    edges = write_graph(tmp, seen, cites if cites is not None else ())
    write_established(tmp, relied, own_cites)
    (tmp / "facts.json").write_text(
        json.dumps(
            {"vocabulary": vocabulary_fingerprint(), "analysed": analyse, "df": fact_df},
            sort_keys=True,
        )
    )
    write_vectors(
        tmp,
        rows,
        encoder.name if encoder else None,
        encoder.dim if encoder else 0,
        fingerprint,
        count,
        edges,
    )
    if directory.exists():
        shutil.rmtree(directory)
    tmp.rename(directory)
    return count


@dataclass
class _Opinions:
    """Court and date of every indexed opinion, gathered while the documents stream past."""

    ids: list[int] = field(default_factory=list)
    courts: list[str] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)

    def add(self, doc: ResearchDocument) -> None:
        self.ids.append(doc.opinion_id)
        self.courts.append(doc.court)
        self.dates.append(day_number(doc.date_filed))


def write_graph(directory: Path, seen: _Opinions, cites: CitationEdges) -> int:
    """Write `graph/` (CSR: citing ids, offsets, cited ids; the reverse CSR of citers; plus
    per-opinion court and date); return the number of edges kept."""
    ids = np.array(seen.ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    court_names, court_codes = _court_codes(seen.courts)
    courts = court_codes[order]
    dates = np.array(seen.dates, dtype=np.int64)[order]
    pairs = _mapping_pairs(cites) if isinstance(cites, Mapping) else cites
    citing, offsets, cited = _citation_csr(ids, pairs)
    authorities, citer_offsets, citers, citer_age = _citers_csr(ids, dates, citing, offsets, cited)
    _save_arrays(
        directory / "graph",
        opinion=ids,
        court=courts,
        date=dates,
        court_names=np.array(court_names, dtype=str),
        citing=citing,
        offsets=offsets,
        cited=cited,
        authorities=authorities,
        citer_offsets=citer_offsets,
        citers=citers,
        citer_age=citer_age,
    )
    return len(cited)


def write_established(
    directory: Path, relied: Mapping[int, Sequence[Cited]], own_cites: Mapping[int, Sequence[str]]
) -> int:
    """Write `established/` (CSR: citing ids, offsets, cited ids): for each opinion with
    "clearly established" citations, the opinions of its citation graph row those citations
    resolve to (a pin cite to the opinion it falls in). Return the number of pairs."""
    graph = _load_arrays(directory / "graph")
    citing_ids, offsets_out, cited_out = array("q"), array("q", [0]), array("q")
    for opinion_id in sorted(relied):
        lo, hi = _row(graph["citing"], graph["offsets"], opinion_id)
        row = [int(c) for c in graph["cited"][lo:hi]]
        found = CiteResolver({c: own_cites.get(c, ()) for c in row}).resolve(relied[opinion_id])
        if not found:
            continue
        citing_ids.append(opinion_id)
        cited_out.extend(sorted(found))
        offsets_out.append(len(cited_out))
    _save_arrays(
        directory / "established",
        citing=np.frombuffer(citing_ids, dtype=np.int64),
        offsets=np.frombuffer(offsets_out, dtype=np.int64),
        cited=np.frombuffer(cited_out, dtype=np.int64),
    )
    return len(cited_out)


def _save_arrays(folder: Path, **arrays: np.ndarray) -> None:
    """One `.npy` per array, so a reader can memory-map each (an `.npz` must be read whole)."""
    folder.mkdir()
    for name, values in arrays.items():
        np.save(folder / f"{name}.npy", values)


def _load_arrays(folder: Path) -> dict[str, np.ndarray]:
    return {path.stem: np.load(path, mmap_mode="r") for path in folder.glob("*.npy")}


def _mapping_pairs(cites: Mapping[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """A mapping's edges as pairs in the order `_citation_csr` needs (citing id ascending)."""
    for source in sorted(cites):
        for target in cites[source]:
            yield source, target


def _citation_csr(
    known: np.ndarray, pairs: Iterable[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays (citing, offsets, cited) of the edges between `known` (sorted) opinions,
    without self-edges or duplicates, targets sorted.

    Built block by block into int64 buffers: 10M edges as a dict of lists cost about 1 GB of
    Python objects; here they cost their 8 bytes each. A citing id's edges can straddle two
    blocks, so the last id of a block waits for the next one; that needs the pairs grouped
    by ascending citing id, which is checked.
    """
    citing, cited, offsets = array("q"), array("q"), array("q", [0])
    flat = chain.from_iterable(pairs)
    held = np.empty((0, 2), dtype=np.int64)
    last: int | None = None
    while True:
        block = np.fromiter(islice(flat, 2 * _EDGE_CHUNK), dtype=np.int64).reshape(-1, 2)
        final = len(block) < _EDGE_CHUNK
        if len(block):
            sources = block[:, 0]
            if (last is not None and sources[0] < last) or bool(np.any(sources[1:] < sources[:-1])):
                raise ValueError("citation pairs must be ordered by citing opinion id")
            last = int(sources[-1])
            keep = (sources != block[:, 1]) & _among(known, sources) & _among(known, block[:, 1])
            block = block[keep]
        block = np.concatenate([held, block])
        if final:
            held = block[:0]
        else:
            cut = int(np.searchsorted(block[:, 0], block[-1, 0])) if len(block) else 0
            block, held = block[:cut], block[cut:]
        if len(block):
            block = block[np.lexsort((block[:, 1], block[:, 0]))]
            fresh = np.ones(len(block), dtype=bool)
            fresh[1:] = np.any(block[1:] != block[:-1], axis=1)
            block = block[fresh]
            ids, counts = np.unique(block[:, 0], return_counts=True)
            citing.frombytes(ids.tobytes())
            cited.frombytes(np.ascontiguousarray(block[:, 1]).tobytes())
            ends = offsets[-1] + np.cumsum(counts, dtype=np.int64)
            offsets.frombytes(ends.tobytes())
        if final:
            break
    return (
        np.frombuffer(citing, dtype=np.int64),
        np.frombuffer(offsets, dtype=np.int64),
        np.frombuffer(cited, dtype=np.int64),
    )


def _citers_csr(
    ids: np.ndarray, dates: np.ndarray, citing: np.ndarray, offsets: np.ndarray, cited: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The reverse CSR (cited ids, offsets, citing ids, sort key): each cited opinion's
    citers newest first, undated last, ties by id — so a search that can follow only some
    citers follows the latest statements of the law. The key (−days, UNDATED for undated)
    rises along each row, so a date cutoff is one binary search per row."""
    sources = np.repeat(citing, np.diff(offsets))
    age = -dates[np.searchsorted(ids, sources)] if len(ids) else sources
    age[age <= -UNDATED] = UNDATED
    order = np.lexsort((sources, age, cited))
    targets = cited[order]
    authorities, counts = np.unique(targets, return_counts=True)
    citer_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    citers = sources[order]
    del sources
    return (
        authorities.astype(np.int64, copy=False),
        citer_offsets,
        citers.astype(np.int64, copy=False),
        age[order].astype(np.int32),  # −days fits 32 bits for any real date
    )


def _row(keys: np.ndarray, offsets: np.ndarray, key: int) -> tuple[int, int]:
    """The value range [lo, hi) of `key`'s row in a CSR with sorted `keys`; (0, 0) if absent."""
    i = int(np.searchsorted(keys, key))
    if i >= len(keys) or int(keys[i]) != key:
        return 0, 0
    return int(offsets[i]), int(offsets[i + 1])


def _gather(
    keys: np.ndarray, offsets: np.ndarray, values: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The CSR rows of `wanted` keys (missing keys have none), concatenated, and for each
    value the position in `wanted` it belongs to."""
    wanted = np.asarray(wanted, dtype=np.int64)
    if not len(keys) or not len(wanted):
        return values[:0], np.zeros(0, dtype=np.int64)
    starts, ends = _row_ranges(keys, offsets, wanted)
    lengths = ends - starts
    owner = np.repeat(np.arange(len(wanted), dtype=np.int64), lengths)
    first = np.cumsum(lengths) - lengths  # where each row starts in the output
    position = np.arange(int(lengths.sum()), dtype=np.int64) - first[owner] + starts[owner]
    return values[position], owner


def _locate(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `values`: its position in the sorted, non-empty `keys` (clamped to the
    last one) and whether it is there."""
    at = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
    return at, np.asarray(keys[at] == values, dtype=bool)


def _row_ranges(
    keys: np.ndarray, offsets: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The value ranges [lo, hi) of many `wanted` keys' rows in a CSR with sorted, non-empty
    `keys`; (0, 0) for a key that has no row."""
    at, found = _locate(keys, wanted)
    lo = np.where(found, offsets[at], 0).astype(np.int64)
    hi = np.where(found, offsets[np.minimum(at + 1, len(offsets) - 1)], 0).astype(np.int64)
    return lo, hi


def _segment_search(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray, target: int, *, right: bool
) -> np.ndarray:
    """`lo + searchsorted(values[lo:hi], target, side)` for many sorted segments at once: a
    bisection over all segments together, as many steps as the longest one needs."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        probe = values[np.where(open_, mid, 0)]
        below = (probe <= target) if right else (probe < target)
        lo = np.where(open_ & below, mid + 1, lo)
        hi = np.where(open_ & ~below, mid, hi)


def _among(known: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which `values` are in the sorted array `known`."""
    if not len(known):
        return np.zeros(len(values), dtype=bool)
    return _locate(known, values)[1]


def _court_codes(courts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Court ids sorted, and each entry's position in that list (int32)."""
    names = sorted(set(courts))
    code = {c: i for i, c in enumerate(names)}
    return names, np.array([code[c] for c in courts], dtype=np.int32)


def write_vectors(
    directory: Path,
    rows: _Rows,
    model: str | None,
    dim: int,
    fingerprint: str,
    count: int,
    edges: int = 0,
) -> None:
    """Sort the passage rows by (court, date) and write matrix, row arrays and manifest."""
    matrix = np.concatenate(rows.vectors) if rows.vectors else np.zeros((0, dim), np.float32)
    write_sorted(
        directory,
        matrix,
        np.array(rows.court, dtype=object),
        np.array(rows.date, dtype=np.int64),
        np.array(rows.opinion, dtype=np.int64),
        np.array(rows.passage, dtype=np.int16),
        model,
        fingerprint,
        count,
        edges,
    )


def write_sorted(
    directory: Path,
    matrix: np.ndarray,
    courts: np.ndarray,
    dates: np.ndarray,
    opinions: np.ndarray,
    passage_no: np.ndarray,
    model: str | None,
    fingerprint: str,
    count: int,
    edges: int = 0,
) -> None:
    court_names, court_codes = _court_codes(courts.tolist())
    order = np.lexsort((opinions, dates, court_codes))
    np.save(directory / "vectors.npy", np.ascontiguousarray(matrix[order], dtype=np.float32))
    _save_arrays(
        directory / "rows",
        opinion=opinions[order],
        passage=passage_no[order],
        date=dates[order],
    )
    sorted_codes = court_codes[order]
    ranges = {
        c: [
            int(np.searchsorted(sorted_codes, i, "left")),
            int(np.searchsorted(sorted_codes, i, "right")),
        ]
        for i, c in enumerate(court_names)
    }
    manifest = {
        "format": FORMAT_VERSION,
        "model": model,
        "fingerprint": fingerprint,
        "opinions": count,
        "rows": len(order),
        "citation_edges": edges,
        "courts": ranges,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))


@dataclass(frozen=True)
class Hit:
    opinion_id: int
    score: float
    passage: int | None = None  # for semantic hits: which embedded passage matched


_QUERY_JUNK = re.compile(r"[^0-9A-Za-z]+")
# Function words carry no facts but own the longest posting lists: dropping them from queries
# keeps BM25 latency proportional to the content words (the index itself keeps every word).
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "such",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "while",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "him",
        "me",
        "my",
        "us",
        "did",
        "do",
        "does",
        "any",
        "all",
        "also",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "than",
        "other",
        "only",
        "own",
        "same",
        "some",
        "more",
        "most",
        "very",
        "just",
        "about",
        "after",
        "before",
        "over",
        "under",
        "again",
        "further",
        "once",
        "here",
        "why",
        "how",
        "both",
        "each",
        "few",
        "nor",
        "too",
        "s",
        "t",
    ]
)


def _query_words(text: str) -> list[str]:
    """The query's content words, once each (function words dropped: see _STOPWORDS)."""
    return list(
        dict.fromkeys(w for w in _QUERY_JUNK.sub(" ", text).lower().split() if w not in _STOPWORDS)
    )


class PrecedentIndex:
    """A built index opened for queries (cheap to open; the matrix is memory-mapped)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        manifest_path = directory / "manifest.json"
        if not manifest_path.exists():
            raise FileNotFoundError(f"{directory}: no precedent index here")
        self.manifest = json.loads(manifest_path.read_text())
        if self.manifest.get("format") != FORMAT_VERSION:
            raise FileNotFoundError(f"{directory}: index format is out of date; rebuild it")
        self.index = tantivy.Index.open(str(directory / "tantivy"))
        self.index.reload()
        self.schema = self.index.schema
        self.vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        rows = _load_arrays(directory / "rows")
        self.row_opinion = rows["opinion"]
        self.row_passage = rows["passage"]
        self.row_date = rows["date"]
        graph = _load_arrays(directory / "graph")
        self.graph_opinion = graph["opinion"]
        self.graph_court = graph["court"]
        self.graph_date = graph["date"]
        self.graph_court_names = [str(c) for c in graph["court_names"]]
        self.graph_citing = graph["citing"]
        self.graph_offsets = graph["offsets"]
        self.graph_cited = graph["cited"]
        self.graph_authorities = graph["authorities"]
        self.graph_citer_offsets = graph["citer_offsets"]
        self.graph_citers = graph["citers"]
        self.graph_citer_age = graph["citer_age"]
        established = _load_arrays(directory / "established")
        self.established_citing = established["citing"]
        self.established_offsets = established["offsets"]
        self.established_cited = established["cited"]
        self._blas: Any = None
        facts_path = directory / "facts.json"
        self.fact_stats: dict[str, Any] = (
            json.loads(facts_path.read_text()) if facts_path.exists() else {}
        )
        self.court_ranges: dict[str, tuple[int, int]] = {
            c: (r[0], r[1]) for c, r in self.manifest["courts"].items()
        }

    @property
    def model(self) -> str | None:
        return self.manifest.get("model")

    @property
    def fingerprint(self) -> str:
        return str(self.manifest.get("fingerprint", ""))

    # ------------------------------------------------------------------ lexical

    def _filter_queries(
        self, courts: Sequence[str] | None, decided_before: dt.date | None
    ) -> list[tantivy.Query]:
        out = []
        if courts is not None:
            out.append(tantivy.Query.term_set_query(self.schema, "court", list(courts)))
        if decided_before is not None:
            out.append(
                tantivy.Query.range_query(
                    self.schema,
                    "date",
                    tantivy.FieldType.Integer,
                    None,
                    day_number(decided_before),
                    include_upper=False,
                )
            )
        return out

    def bm25(
        self,
        text: str,
        *,
        courts: Sequence[str] | None = None,
        decided_before: dt.date | None = None,
        limit: int = 100,
    ) -> list[Hit]:
        words = _query_words(text)
        if not words:
            return []
        query = self.index.parse_query(" ".join(words), ["body", "case_name"])
        return self._filtered_hits(query, courts, decided_before, limit)

    def _filtered_hits(
        self,
        query: tantivy.Query,
        courts: Sequence[str] | None,
        decided_before: dt.date | None,
        limit: int,
    ) -> list[Hit]:
        """`query` AND the court and date filters, inside tantivy; the top `limit` hits."""
        filters = self._filter_queries(courts, decided_before)
        if filters:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query)] + [(tantivy.Occur.Must, f) for f in filters]
            )
        searcher = self.index.searcher()
        result = searcher.search(query, limit, count=False)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            hits.append(Hit(int(doc["opinion_id"][0]), float(score)))
        return hits

    def facts_bm25(
        self,
        text: str,
        fact_codes: Sequence[str] = (),
        *,
        courts: Sequence[str] | None = None,
        decided_before: dt.date | None = None,
        limit: int = 100,
    ) -> list[Hit]:
        """BM25 over facts sections only, plus the fact codes as terms (a shared rare fact
        such as `police_dog` outweighs a shared common one such as `arrest`)."""
        words = _query_words(text)
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if words:
            parts.append(
                (tantivy.Occur.Should, self.index.parse_query(" ".join(words), ["facts_body"]))
            )
        for code in fact_codes:
            term = tantivy.Query.term_query(self.schema, "fact_codes", code)
            parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(term, 2.0)))
        if not parts:
            return []
        return self._filtered_hits(
            tantivy.Query.boolean_query(parts), courts, decided_before, limit
        )

    # ------------------------------------------------------------------ semantic

    def row_slices(
        self, courts: Sequence[str] | None, decided_before: dt.date | None
    ) -> Iterator[tuple[int, int]]:
        """The contiguous matrix row ranges an incident may use (the pre-filter mask)."""
        names = self.court_ranges.keys() if courts is None else courts
        cutoff = None if decided_before is None else day_number(decided_before)
        for court in names:
            if court not in self.court_ranges:
                continue
            start, end = self.court_ranges[court]
            if cutoff is not None:
                end = start + int(np.searchsorted(self.row_date[start:end], cutoff, "left"))
            if end > start:
                yield start, end

    def _one_blas_thread(self) -> Any:
        """A matrix-vector product this small gains nothing from BLAS threads and, on a loaded
        2-core machine, loses a lot to them (p50 8.0 → 1.3 ms on a 10k-row slice, 2026-11-25)."""
        if self._blas is None:
            from threadpoolctl import ThreadpoolController

            self._blas = ThreadpoolController()
        return self._blas.limit(limits=1, user_api="blas")

    def semantic(
        self,
        vector: np.ndarray,
        *,
        courts: Sequence[str] | None = None,
        decided_before: dt.date | None = None,
        limit: int = 100,
    ) -> list[Hit]:
        best: dict[int, tuple[float, int]] = {}
        with self._one_blas_thread():
            slices = [
                (start, np.asarray(self.vectors[start:end] @ vector))
                for start, end in self.row_slices(courts, decided_before)
            ]
        for start, scores in slices:
            k = min(limit * 4, len(scores))
            top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(k)
            for i in top:
                row = start + int(i)
                opinion = int(self.row_opinion[row])
                s = float(scores[i])
                if opinion not in best or s > best[opinion][0]:
                    best[opinion] = (s, int(self.row_passage[row]))
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
        return [Hit(o, s, p) for o, (s, p) in ranked]

    # ------------------------------------------------------------------ citation graph

    def cited_by(self, opinion_id: int) -> np.ndarray:
        """Ids of the indexed opinions that `opinion_id` cites (empty if none or unknown)."""
        lo, hi = _row(self.graph_citing, self.graph_offsets, opinion_id)
        return self.graph_cited[lo:hi]

    def citers_of(self, opinion_id: int) -> np.ndarray:
        """Ids of the indexed opinions citing `opinion_id`, newest first (empty if none)."""
        lo, hi = _row(self.graph_authorities, self.graph_citer_offsets, opinion_id)
        return self.graph_citers[lo:hi]

    def cited_by_each(self, opinion_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`cited_by` for many opinions at once: (cited ids, position in `opinion_ids` of the
        opinion citing each), in input order — one gather instead of a Python loop."""
        return _gather(self.graph_citing, self.graph_offsets, self.graph_cited, opinion_ids)

    def established_each(self, opinion_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For many opinions at once, the opinions each cites on clearly established law
        (`established.py`): (cited ids, position in `opinion_ids` of the opinion citing)."""
        return _gather(
            self.established_citing, self.established_offsets, self.established_cited, opinion_ids
        )

    def recent_citers(
        self,
        opinion_id: int,
        courts: Sequence[str] | None,
        decided_before: dt.date | None,
        limit: int,
        exclude: np.ndarray | None = None,
    ) -> np.ndarray:
        """The newest `limit` citers of `opinion_id` that pass the filters and are not in
        `exclude` (sorted), newest first.

        Reads only what it needs: the date cutoff is a binary search in the row, and the
        other checks run over growing windows — a landmark with 100,000 citers costs a
        window, not 100,000 lookups."""
        row = _row(self.graph_authorities, self.graph_citer_offsets, opinion_id)
        lows, highs = self._dated_citers(np.array([row[0]]), np.array([row[1]]), decided_before)
        lo, hi = int(lows[0]), int(highs[0])
        found: list[np.ndarray] = []
        count, window = 0, CITER_WINDOW
        while lo < hi and count < limit:
            chunk = self.graph_citers[lo : min(hi, lo + window)]
            keep = np.ones(len(chunk), dtype=bool)
            if courts is not None:
                keep &= self.admissible(chunk, courts, None)
            if exclude is not None and len(exclude):
                keep &= ~_among(exclude, chunk)
            kept = chunk[keep][: limit - count]
            found.append(kept)
            count += len(kept)
            lo, window = lo + len(chunk), window * 4
        return np.concatenate(found) if found else self.graph_citers[:0]

    def citers_before(self, opinion_ids: np.ndarray, decided_before: dt.date | None) -> np.ndarray:
        """How many indexed opinions, of any court, cite each of `opinion_ids` — only those
        decided strictly before the cutoff when there is one (undated citers then never
        count). Citers are stored newest first, so that is two binary searches per row, run
        for all rows at once."""
        ids = np.asarray(opinion_ids, dtype=np.int64)
        keys, offsets = self.graph_authorities, self.graph_citer_offsets
        if not len(keys) or not len(ids):
            return np.zeros(len(ids), dtype=np.int64)
        lo, hi = self._dated_citers(*_row_ranges(keys, offsets, ids), decided_before)
        return np.maximum(hi - lo, 0)

    def _dated_citers(
        self, lo: np.ndarray, hi: np.ndarray, decided_before: dt.date | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Narrow citer rows [lo, hi) to the citers decided strictly before the cutoff
        (undated ones sort last and drop out); unchanged without a cutoff."""
        if decided_before is None:
            return lo, hi
        age = self.graph_citer_age
        end = _segment_search(age, lo, hi, UNDATED, right=False)
        return _segment_search(age, lo, end, -day_number(decided_before), right=True), end

    def decided(self, opinion_ids: np.ndarray) -> tuple[np.ndarray, list[str | None]]:
        """Day numbers since 1970 (negative before it; UNDATED when undated or not in the
        index) and court ids (None when not in the index) of opinions."""
        ids = np.asarray(opinion_ids, dtype=np.int64)
        if not len(self.graph_opinion):
            return np.full(len(ids), UNDATED, dtype=np.int64), [None] * len(ids)
        at, known = _locate(self.graph_opinion, ids)
        days = np.where(known, self.graph_date[at], UNDATED).astype(np.int64)
        courts = [
            self.graph_court_names[int(c)] if k else None
            for c, k in zip(self.graph_court[at].tolist(), known.tolist(), strict=True)
        ]
        return days, courts

    def admissible(
        self,
        opinion_ids: np.ndarray,
        courts: Sequence[str] | None,
        decided_before: dt.date | None,
    ) -> np.ndarray:
        """Which of `opinion_ids` pass the court and date filters (the same filters as BM25
        and the semantic slices: undated opinions never pass a date filter)."""
        if not len(self.graph_opinion):
            return np.zeros(len(opinion_ids), dtype=bool)
        at, ok = _locate(self.graph_opinion, opinion_ids)
        if courts is not None:
            names = set(courts)
            wanted = [i for i, c in enumerate(self.graph_court_names) if c in names]
            ok &= np.isin(self.graph_court[at], wanted)
        if decided_before is not None:
            ok &= self.graph_date[at] < day_number(decided_before)
        return np.asarray(ok, dtype=bool)

    # ------------------------------------------------------------------ stored facts

    def meta(self, opinion_id: int) -> dict[str, object] | None:
        searcher = self.index.searcher()
        q = tantivy.Query.range_query(
            self.schema, "opinion_id", tantivy.FieldType.Integer, opinion_id, opinion_id
        )
        found = searcher.search(q, 1, count=False).hits
        if not found:
            return None
        doc = searcher.doc(found[0][1])
        meta: dict[str, object] = json.loads(doc["meta"][0])
        return meta
