"""The one document shape research works on, and where documents come from.

Search, QI signals and binding classification need the same eight facts about an opinion;
`ResearchDocument` carries them whether the opinion comes from the opinion store (part of
`monell corpus`) or straight from a sample JSONL file (benchmarks, tests). The store adapter
adds the CourtListener opinion `type`, which the store's read API does not expose, because a
dissent or concurrence never binds, whatever court wrote it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

# CourtListener opinion `type` codes that speak for the court (COURTLISTENER_FORMATS.md §2).
COURT_VOICE_TYPES = frozenset({"010combined", "015unamimous", "020lead", "025plurality"})
SAMPLE_OPINION_TYPES = {
    None: "010combined",
    "Opinion": "020lead",
    "Concurrence": "030concurrence",
    "Dissent": "040dissent",
}


@dataclass(frozen=True)
class ResearchDocument:
    opinion_id: int
    case_name: str
    court: str
    date_filed: dt.date | None
    precedential_status: str
    citations: tuple[str, ...]
    text: str
    opinion_type: str | None = None

    @property
    def speaks_for_court(self) -> bool:
        """Lead, combined, unanimous or plurality opinion; unknown type counts as the court's."""
        return self.opinion_type is None or self.opinion_type in COURT_VOICE_TYPES


def documents_from_store(engine: Engine, *, batch_size: int = 500) -> Iterator[ResearchDocument]:
    """Every opinion of the store, streamed in id order."""
    from monell.corpus.store import CorpusStore

    types = opinion_types(engine)
    for op in CorpusStore(engine).iter_opinions(batch_size=batch_size):
        yield ResearchDocument(
            opinion_id=op.opinion_id,
            case_name=op.case_name,
            court=op.court_id,
            date_filed=op.date_filed,
            precedential_status=op.precedential_status,
            citations=op.citations,
            text=op.text,
            opinion_type=types.get(op.opinion_id),
        )


def opinion_types(engine: Engine) -> dict[int, str]:
    from monell.corpus import schema

    o = schema.opinions
    with engine.connect() as conn:
        return {i: t for i, t in conn.execute(sa.select(o.c.id, o.c.type)) if t}


def documents_from_jsonl(paths: Iterable[Path]) -> Iterator[ResearchDocument]:
    """Sample-file records (shared/data/opinions format) as documents.

    Ids are positions (1, 2, …) across the files in order; precedential status follows the
    store's loader: 'Published' when the record gives a reporter citation, else 'Unknown'.
    """
    next_id = 1
    for path in paths:
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                filed = rec.get("date_filed")
                cites = tuple(rec.get("citations") or ())
                yield ResearchDocument(
                    opinion_id=next_id,
                    case_name=rec.get("case_name") or "",
                    court=rec["court"],
                    date_filed=dt.date.fromisoformat(filed) if filed else None,
                    precedential_status="Published" if cites else "Unknown",
                    citations=cites,
                    text=rec.get("text") or "",
                    opinion_type=SAMPLE_OPINION_TYPES.get(rec.get("opinion_type")),
                )
                next_id += 1
