"""Read API of the opinion store: what search, precedent ranking and verification use.

Opinion ids are CourtListener opinion ids when the source gave one; sample records without
one get `records.derived_id("opinion", record_id)` (negative, stable across loads), and the
record id is kept in `corpus_opinions.source_record_id`. An opinion is visible here once its
cluster is loaded (the cluster carries name, court, date and citations).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from monell.corpus import schema
from monell.law.verify import CitationIndex, CorpusEntry, names_match

STORE_LABEL = "opinion store"


@dataclass(frozen=True)
class StoredOpinion:
    opinion_id: int
    cluster_id: int
    case_name: str
    court_id: str
    date_filed: date | None
    precedential_status: str
    citations: tuple[str, ...]
    text: str


_o, _c, _ci, _e = schema.opinions, schema.clusters, schema.citations, schema.edges

_COLUMNS = (
    _o.c.id,
    _o.c.cluster_id,
    _c.c.case_name,
    _c.c.court_id,
    _c.c.date_filed,
    _c.c.precedential_status,
    _o.c.text,
)


def corpus_size(engine: Engine) -> int:
    """Opinions in the store; 0 when the database holds no corpus tables yet or cannot be
    read, so an optional section or check is simply left out."""
    try:
        return CorpusStore(engine).count_opinions()
    except sa.exc.SQLAlchemyError:
        return 0


class CorpusStore:
    """Streaming reads over the corpus tables of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def iter_opinions(
        self,
        *,
        courts: Sequence[str] | None = None,
        decided_before: date | None = None,
        batch_size: int = 500,
    ) -> Iterator[StoredOpinion]:
        """Every opinion, in id order, `batch_size` rows per query (keyset paging, so memory
        stays flat and no cursor is held open between batches).

        `decided_before` is strict and drops opinions with no decision date: an undated
        opinion cannot be shown to predate an incident.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        base = sa.select(*_COLUMNS).join(_c, _c.c.id == _o.c.cluster_id)
        if courts is not None:
            base = base.where(_c.c.court_id.in_(list(courts)))
        if decided_before is not None:
            base = base.where(_c.c.date_filed < decided_before)
        last: int | None = None
        while True:
            query = base.order_by(_o.c.id).limit(batch_size)
            if last is not None:
                query = query.where(_o.c.id > last)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
                cites = self._citations(conn, {r.cluster_id for r in rows})
            for r in rows:
                yield _stored(r, cites.get(r.cluster_id, ()))
            if len(rows) < batch_size:
                return
            last = rows[-1].id

    def get_opinion(self, opinion_id: int) -> StoredOpinion | None:
        query = sa.select(*_COLUMNS).join(_c, _c.c.id == _o.c.cluster_id)
        with self.engine.connect() as conn:
            row = conn.execute(query.where(_o.c.id == opinion_id)).first()
            if row is None:
                return None
            cites = self._citations(conn, {row.cluster_id})
        return _stored(row, cites.get(row.cluster_id, ()))

    def cites(self, opinion_id: int) -> list[int]:
        """Opinions this opinion cites (ids), in id order."""
        return self._neighbours(_e.c.citing_opinion_id, _e.c.cited_opinion_id, opinion_id)

    def cited_by(self, opinion_id: int) -> list[int]:
        """Opinions that cite this opinion (ids), in id order."""
        return self._neighbours(_e.c.cited_opinion_id, _e.c.citing_opinion_id, opinion_id)

    def _neighbours(self, key: sa.Column[int], other: sa.Column[int], opinion_id: int) -> list[int]:
        query = sa.select(other).where(key == opinion_id).order_by(other)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def count_opinions(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(_o)).scalar_one())

    def citation_index(self) -> CitationIndex:
        """A `CitationIndex` over the store's citations, queried on demand (memory stays
        flat for a million-opinion corpus; a small cache covers repeated lookups)."""
        return StoreCitationIndex(self.engine)

    @staticmethod
    def _citations(conn: sa.Connection, cluster_ids: set[int]) -> dict[int, tuple[str, ...]]:
        if not cluster_ids:
            return {}
        out: dict[int, list[str]] = {}
        query = (
            sa.select(_ci.c.cluster_id, _ci.c.cite)
            .where(_ci.c.cluster_id.in_(sorted(cluster_ids)))
            .order_by(_ci.c.cluster_id, _ci.c.type, _ci.c.cite)
        )
        for cluster_id, cite in conn.execute(query):
            out.setdefault(cluster_id, []).append(cite)
        return {k: tuple(v) for k, v in out.items()}


def _stored(row: sa.Row[*tuple[Any, ...]], cites: tuple[str, ...]) -> StoredOpinion:
    return StoredOpinion(
        opinion_id=row.id,
        cluster_id=row.cluster_id,
        case_name=row.case_name or "",
        court_id=row.court_id or "",
        date_filed=row.date_filed,
        precedential_status=row.precedential_status or "",
        citations=cites,
        text=row.text or "",
    )


# Citations fetched per query by `prefetch`: under every SQLite's bound-parameter limit
# (999 before 3.32), and a short IN list for PostgreSQL's planner.
PREFETCH_BATCH = 500


class StoreCitationIndex(CitationIndex):
    """`CitationIndex` whose entries live in the database rather than in memory.

    `cite verify` tells the index every citation of a text first (`prefetch`): they are
    fetched in one query per PREFETCH_BATCH citations, instead of one query each; later
    lookups are answered from that batch, others one query each (with a small cache)."""

    def __init__(self, engine: Engine, label: str = STORE_LABEL) -> None:
        super().__init__((), label)
        self.engine = engine
        self._lookup = lru_cache(maxsize=4096)(self._query_cite)
        self._by_name_cached = lru_cache(maxsize=4096)(self._query_name)
        # the last prefetches' answers (absent ones too), each replaced by the next one
        self._prefetched: dict[str, tuple[CorpusEntry, ...]] = {}
        self._names_prefetched: dict[str, tuple[CorpusEntry, ...]] = {}

    def lookup(self, canonical: str) -> list[CorpusEntry]:
        found = self._prefetched.get(canonical)
        return list(found if found is not None else self._lookup(canonical))

    def prefetch(self, canonicals: Iterable[str]) -> None:
        wanted = sorted(set(canonicals))
        fetched: dict[str, list[CorpusEntry]] = {c: [] for c in wanted}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), PREFETCH_BATCH):
                batch = wanted[start : start + PREFETCH_BATCH]
                for row in conn.execute(self._by_cites(_ci.c.cite.in_(batch))):
                    fetched[row.cite].append(_entry(row))
        self._prefetched = {c: tuple(entries) for c, entries in fetched.items()}

    @staticmethod
    def _by_cites(where: sa.ColumnElement[bool]) -> sa.Select[Any]:
        return (
            sa.select(_ci.c.cite, _c.c.case_name, _c.c.date_filed, _c.c.court_id)
            .join(_c, _c.c.id == _ci.c.cluster_id)
            .where(where)
            .order_by(_ci.c.cite, _c.c.id)
        )

    def _query_cite(self, canonical: str) -> tuple[CorpusEntry, ...]:
        with self.engine.connect() as conn:
            return tuple(_entry(r) for r in conn.execute(self._by_cites(_ci.c.cite == canonical)))

    def by_name(self, case_name: str) -> list[CorpusEntry]:
        """Clusters whose name matches, with each of their citations. Narrowed in SQL by the
        longest word of the name (at most NAME_ROWS rows), then checked with `names_match`;
        answered from the last `prefetch_names`, else one query (with a small cache)."""
        found = self._names_prefetched.get(case_name)
        return list(found if found is not None else self._by_name_cached(case_name))

    def prefetch_names(self, case_names: Iterable[str]) -> None:
        """The rows `by_name` would read for each name, in one query per NAME_BATCH
        distinct words (a UNION ALL of the same per-word queries)."""
        by_word: dict[str, list[str]] = {}
        for name in set(case_names):
            word = _name_word(name)
            if word is not None:
                by_word.setdefault(word, []).append(name)
        words = sorted(by_word)
        rows: dict[str, list[sa.Row[Any]]] = {w: [] for w in words}
        with self.engine.connect() as conn:
            for start in range(0, len(words), NAME_BATCH):
                parts = [
                    sa.select(*_name_rows(w, sa.literal(w).label("word")).subquery().c)
                    for w in words[start : start + NAME_BATCH]
                ]
                for row in conn.execute(sa.union_all(*parts)):
                    rows[row.word].append(row)
        prefetched: dict[str, tuple[CorpusEntry, ...]] = {}
        for word, names in by_word.items():
            ordered = sorted(rows[word], key=lambda r: (r.cluster_key, r.citation_key))
            entries = [_entry(r) for r in ordered]
            for name in names:
                prefetched[name] = tuple(e for e in entries if names_match(e.case_name, name))
        self._names_prefetched = prefetched

    def _query_name(self, case_name: str) -> tuple[CorpusEntry, ...]:
        word = _name_word(case_name)
        if word is None:
            return ()
        with self.engine.connect() as conn:
            return tuple(
                e
                for e in map(_entry, conn.execute(_name_rows(word)))
                if names_match(e.case_name, case_name)
            )


# Rows read for one name (its longest word), and words per prefetch query.
NAME_ROWS = 500
NAME_BATCH = 50


def _name_word(case_name: str) -> str | None:
    """The longest all-letter word of a case name: what `by_name` narrows by in SQL."""
    words = sorted(
        (w for w in case_name.replace(",", " ").split() if w.isalpha()), key=len, reverse=True
    )
    return words[0] if words else None


def _name_rows(word: str, *extra: Any) -> sa.Select[Any]:
    """The first NAME_ROWS citation rows of clusters whose name contains `word`, in cluster
    and citation order (the same rows whether asked alone or in a prefetch)."""
    return (
        sa.select(
            _ci.c.cite,
            _c.c.case_name,
            _c.c.date_filed,
            _c.c.court_id,
            _c.c.id.label("cluster_key"),
            _ci.c.id.label("citation_key"),
            *extra,
        )
        .join(_c, _c.c.id == _ci.c.cluster_id)
        .where(sa.func.lower(_c.c.case_name).contains(word.lower(), autoescape=True))
        .order_by(_c.c.id, _ci.c.id)
        .limit(NAME_ROWS)
    )


def _entry(row: sa.Row[*tuple[Any, ...]]) -> CorpusEntry:
    return CorpusEntry(
        citation=row.cite,
        case_name=row.case_name or "",
        date_filed=row.date_filed.isoformat() if row.date_filed else None,
        court=row.court_id or "",
    )
