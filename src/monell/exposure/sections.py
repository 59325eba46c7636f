"""The `payers`, `comparables` and `pattern_evidence` sections of `monell assess`.

`payers` needs only the reviewed registry, so it is always present. The other two need
settlement records: they are left out (None) when there is no database at the URL, or no
settlements in it, never filled with made-up figures. Each section's JSON is pinned by
`report/schema/sections/<key>.schema.json`; each section's `html(data)` (in `render`) gives the
html memo its text and its chart as a PNG data URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from monell.domain.models import Assessment
from monell.exposure import render
from monell.exposure.comparables import SettlementSource, comparables_from_store
from monell.exposure.cpi import load_cpi
from monell.exposure.pattern import pattern_from_store
from monell.exposure.payers import find_payers
from monell.report.sections import ReportSection, SectionContext, register
from monell.storage.database import database_exists

CASES_PER_TIER = 10


@contextmanager
def open_store(url: str) -> Iterator[SettlementSource]:
    from monell.payouts.store import SettlementStore
    from monell.storage.database import make_engine, migrate

    engine = make_engine(url)
    try:
        migrate(engine)
        yield SettlementStore(engine)
    finally:
        engine.dispose()


def _loaded_store(ctx: SectionContext) -> Any:
    if not ctx.db_url or not database_exists(ctx.db_url):
        return None
    return open_store(ctx.db_url)


def build_payers(assessment: Assessment, _ctx: SectionContext) -> dict[str, Any]:
    return find_payers(assessment.incident).to_json()


def build_comparables(assessment: Assessment, ctx: SectionContext) -> dict[str, Any] | None:
    opened = _loaded_store(ctx)
    if opened is None:
        return None
    with opened as store:
        if store.count() == 0:
            return None
        result = comparables_from_store(assessment.incident, store, load_cpi())
    return result.to_json(limit=CASES_PER_TIER)


def build_pattern(assessment: Assessment, ctx: SectionContext) -> dict[str, Any] | None:
    opened = _loaded_store(ctx)
    if opened is None:
        return None
    with opened as store:
        if store.count() == 0:
            return None
        return pattern_from_store(assessment.incident, store).to_json()


PAYERS = register(
    ReportSection(
        key="payers",
        title="Who pays",
        build=build_payers,
        markdown=render.payers_markdown,
        html=render.payers_html,
        order=110,
    )
)
COMPARABLES = register(
    ReportSection(
        key="comparables",
        title="What similar cases paid",
        build=build_comparables,
        markdown=render.comparables_markdown,
        html=render.comparables_html,
        order=120,
    )
)
PATTERN_EVIDENCE = register(
    ReportSection(
        key="pattern_evidence",
        title="Earlier payouts against this agency (Monell pattern evidence)",
        build=build_pattern,
        markdown=render.pattern_markdown,
        html=render.pattern_html,
        order=130,
    )
)
