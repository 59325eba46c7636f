"""Citation graph from opinion text: eyecite extraction, resolution against the corpus, edges.

The bulk citation map is the graph for bulk loads; this stage runs only on opinions whose
graph is not known yet (`needs_extraction`: sample JSONL, API fetches, bulk opinions loaded
without a citation map). For edges we need only each full citation's volume, reporter and
page, so we stop at eyecite's tokenizer (its reporter patterns from reporters-db) and skip
`get_citations`' case-name and parenthetical parsing, which dominates its run time
(benchmarks/citation_extraction.py measures both). With `hyperscan` installed, eyecite's
HyperscanTokenizer does the matching; its compiled pattern database is cached in the user
cache directory (compiled once, about half a minute).

Resolution: a citation's "volume reporter page" → the clusters with that citation → the
cluster's main opinion (combined/lead/majority before concurrences and dissents). A citation
to the citing opinion's own cluster (a dissent quoting the majority) is not an edge.
"""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from monell.corpus import schema, writer
from monell.corpus.records import EdgeRow, normalize_cite

TOKENIZER_ENV = "MONELL_EYECITE_TOKENIZER"  # "default" forces eyecite's default tokenizer
# eyecite logs "Unknown overlap case" for ordinary opinion text; not the user's business.
logging.getLogger("eyecite").addHandler(logging.NullHandler())
logging.getLogger("eyecite").propagate = False

_UNICODE_SPACES = ("\u00a0", "\u2009", "\u202f", "\u2002", "\u2003")
# Main opinion of a cluster first: what a citation to the case means.
_TYPE_RANK = {"010combined": 0, "015unamimous": 1, "020lead": 2, "025plurality": 3}


def hyperscan_cache_dir() -> Path:
    from monell.law.citation_tokens import hyperscan_cache_dir as shared

    return shared()  # one compiled database per machine for `corpus` and `cite verify`


@cache
def tokenizer(kind: str | None = None) -> Any:
    """eyecite tokenizer: Hyperscan when installed (unless MONELL_EYECITE_TOKENIZER=default)."""
    from eyecite.tokenizers import default_tokenizer

    kind = kind or os.environ.get(TOKENIZER_ENV, "hyperscan")
    if kind == "default":
        return default_tokenizer
    try:
        import hyperscan  # noqa: F401
        from eyecite.tokenizers import HyperscanTokenizer
    except ImportError:
        return default_tokenizer
    from monell.law.citation_tokens import PREPARING, hyperscan_ready

    cache_dir = hyperscan_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    scanner = HyperscanTokenizer(cache_dir=str(cache_dir))
    if not hyperscan_ready(scanner.extractors):  # the same one line as `cite verify`
        print(PREPARING.format(where=cache_dir), file=sys.stderr, flush=True)
    return scanner


def _canonical(token: Any) -> str | None:
    groups = token.groups
    volume, page = groups.get("volume") or "", groups.get("page") or ""
    if not volume.isdigit() or not page.isdigit():
        return None  # "___ U.S. ___" slip cites and the like name no page
    editions = token.exact_editions or token.variation_editions
    if any(e.reporter.source != "reporters" for e in editions):
        return None  # statutes (Stat.) and law reviews are not cases: no graph edge
    names = {e.short_name for e in editions}
    reporter = names.pop() if len(names) == 1 else groups.get("reporter", "")
    return normalize_cite(volume, reporter, page)


def extract_cites(text: str, tok: Any = None) -> Counter[str]:
    """Full case citations in `text` as canonical "volume reporter page", with counts."""
    from eyecite.models import CitationToken

    if not text.strip():
        return Counter()
    if not text.isascii():
        # Justia's texts print "U.\u00a0S." with a no-break space; Hyperscan matches bytes,
        # so its `\s` misses it where eyecite's default tokenizer does not.
        for space in _UNICODE_SPACES:
            text = text.replace(space, " ")
    _, found = (tok or tokenizer()).tokenize(text)
    out: Counter[str] = Counter()
    for _, token in found:
        if isinstance(token, CitationToken) and not token.short:
            cite = _canonical(token)
            if cite:
                out[cite] += 1
    return out


def resolve(conn: Connection, cites: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """cite → [(cluster_id, main opinion id)] for every cite the corpus holds."""
    cites = sorted(set(cites))
    if not cites:
        return {}
    c, o = schema.citations, schema.opinions
    rows = conn.execute(
        sa.select(c.c.cite, c.c.cluster_id, o.c.id, o.c.type)
        .join(o, o.c.cluster_id == c.c.cluster_id)
        .where(c.c.cite.in_(cites))
    ).all()
    best: dict[tuple[str, int], tuple[int, int]] = {}
    for cite, cluster_id, opinion_id, op_type in rows:
        rank = (_TYPE_RANK.get(op_type, 9), opinion_id)
        key = (cite, cluster_id)
        if key not in best or rank < best[key]:
            best[key] = rank
    out: dict[str, list[tuple[int, int]]] = {}
    for (cite, cluster_id), (_, opinion_id) in sorted(best.items()):
        out.setdefault(cite, []).append((cluster_id, opinion_id))
    return out


@dataclass(frozen=True)
class LinkReport:
    opinions_scanned: int
    edges_written: int


def link_pending(
    engine: Engine,
    *,
    rescan: bool = False,
    batch_size: int = 100,
    tok: Any = None,
    progress: Callable[[int], None] | None = None,
) -> LinkReport:
    """Extract, resolve and store eyecite edges for opinions that need it (all opinions
    without bulk edges when `rescan`). Commits per batch, so a kill loses one batch."""
    o, e = schema.opinions, schema.edges
    has_bulk = sa.exists().where(e.c.citing_opinion_id == o.c.id).where(e.c.origin == "bulk")
    pending = sa.select(o.c.id, o.c.cluster_id, o.c.text)
    pending = pending.where(~has_bulk) if rescan else pending.where(o.c.needs_extraction)
    scanned = written = 0
    last: int | None = None
    while True:
        query = pending.order_by(o.c.id).limit(batch_size)
        if last is not None:
            query = query.where(o.c.id > last)
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            break
        found = {r.id: extract_cites(r.text or "", tok) for r in rows}
        with engine.begin() as conn:
            targets = resolve(conn, {c for counts in found.values() for c in counts})
            edges: dict[tuple[int, int], EdgeRow] = {}
            for r in rows:
                for cite, count in found[r.id].items():
                    for cluster_id, cited in targets.get(cite, ()):
                        if cluster_id == r.cluster_id:
                            continue
                        prior = edges.get((r.id, cited))
                        depth = count + (prior.depth if prior else 0)
                        edges[(r.id, cited)] = EdgeRow(r.id, cited, depth, "eyecite")
            ids = [r.id for r in rows]
            conn.execute(
                sa.delete(e).where(e.c.citing_opinion_id.in_(ids)).where(e.c.origin == "eyecite")
            )
            writer.upsert_edges(conn, list(edges.values()))
            conn.execute(sa.update(o).where(o.c.id.in_(ids)).values(needs_extraction=False))
        scanned += len(rows)
        written += len(edges)
        last = rows[-1].id
        if progress is not None:
            progress(len(rows))
    return LinkReport(scanned, written)
