"""The `precedents` section of `monell assess`: binding case law per claim.

Present only when the database at `ctx.db_url` exists and holds opinions; otherwise None (the
section is left out, never faked). The first call after a corpus load builds the precedent
index (printed on stderr); later calls reuse it.
"""

from __future__ import annotations

from typing import Any

from monell.domain.models import Assessment
from monell.report.sections import ReportSection, SectionContext, register
from monell.storage.database import database_exists

RESULTS_PER_CLAIM = 5


def build_precedents(assessment: Assessment, ctx: SectionContext) -> dict[str, Any] | None:
    if not ctx.db_url or not database_exists(ctx.db_url):
        return None
    from monell.corpus.store import CorpusStore, corpus_size
    from monell.storage.database import make_engine

    engine = make_engine(ctx.db_url)
    try:
        # counted before monell.research.precedents, which needs the `research` extra
        if corpus_size(engine) == 0:
            return None
        from monell.research.precedents import open_retrieval, precedents_for_assessment

        retrieval = open_retrieval(engine, ctx.db_url)
        return precedents_for_assessment(
            assessment, retrieval, CorpusStore(engine).citation_index(), limit=RESULTS_PER_CLAIM
        )
    finally:
        engine.dispose()


def _markdown(data: Any) -> str:
    from monell.research.precedents import markdown

    return markdown(data)


PRECEDENTS = register(
    ReportSection(
        key="precedents",
        title="Binding precedent before the incident",
        build=build_precedents,
        markdown=_markdown,
        order=90,
        extra="research",
    )
)
