"""Assess one incident: validate, apply the law, add the optional sections, render.

`monell assess`, the web interview's result page, the attorney's memo and
`POST /api/v1/assessments` all go through `assess_incident`, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.domain.models import Assessment, Incident
from monell.domain.sources import Sources
from monell.storage.database import ENV_VAR, database_exists, default_db_url, resolve_db_url

Renderer = Callable[[Assessment, dict[str, Any] | None], str]


@dataclass(frozen=True)
class AssessmentResult:
    """The core assessment and the optional sections (precedents, payers, comparables,
    pattern evidence) that the database made possible."""

    assessment: Assessment
    sections: dict[str, Any] = field(default_factory=dict)


def section_db_url(option: str | None) -> str | None:
    """A database only when the user named one or one already exists: assessing an incident
    must never create an empty database as a side effect."""
    if option or os.environ.get(ENV_VAR):
        return resolve_db_url(option)
    default = default_db_url()
    return default if database_exists(default) else None


@contextmanager
def corpus_sources(db_url: str | None) -> Iterator[Sources | None]:
    """Check the assessment's citations against the bundled sample and, when the database
    holds an opinion corpus, against that corpus too (an authority the user's CourtListener
    load contains then prints as verified)."""
    if not db_url or not database_exists(db_url):
        yield None
        return
    from monell.corpus.store import CorpusStore, corpus_size
    from monell.law.book import load_law
    from monell.law.verify import ChainedIndex, bundled_index
    from monell.storage.database import make_engine

    engine = make_engine(db_url)
    try:
        if corpus_size(engine) == 0:  # the corpus layer's count: no `research` extra needed
            yield None
        else:
            index = ChainedIndex([bundled_index(), CorpusStore(engine).citation_index()])
            yield Sources(load_law(), index)
    finally:
        engine.dispose()


def incident_from_data(
    data: object, *, today: dt.date | None = None, as_of: dt.date | None = None
) -> Incident:
    """Validate incident data (a parsed YAML/JSON mapping or a web form's answers) with the
    same rules as an incident file; raises IncidentError naming every bad field."""
    if as_of is not None and isinstance(data, Mapping):
        data = {**data, "evaluated_on": as_of.isoformat()}
    return parse_incident(data, today=today or dt.date.today())


def assess_incident(
    incident: Incident, db_url: str | None = None, *, with_sections: bool = True
) -> AssessmentResult:
    """The assessment, with every section the database at `db_url` supports. Raises
    SQLAlchemyError when the database cannot be read (callers say so in their own words)."""
    from monell.report.sections import SectionContext, build_sections

    with corpus_sources(db_url) as sources:
        assessment = assess(incident, sources)
    sections = build_sections(assessment, SectionContext(db_url=db_url)) if with_sections else {}
    return AssessmentResult(assessment, sections)


def assess_with_database(incident: Incident) -> tuple[AssessmentResult, str | None]:
    """The assessment with the sections of the installation's database (MONELL_DB, else the
    default file when it exists), as a long-running server wants it: when that database
    cannot be read, the core assessment and a note saying the sections were left out, so a
    page or an API answer never fails for a section."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return assess_incident(incident, section_db_url(None)), None
    except SQLAlchemyError as exc:
        return assess_incident(incident, None), (
            f"Database sections left out: cannot read the database ({type(exc).__name__})."
        )


def renderers() -> dict[str, Renderer]:
    """The output formats, by the name `--format` uses."""
    from monell.report.html import render_html
    from monell.report.json_report import render_json
    from monell.report.markdown import render_markdown

    return {"md": render_markdown, "json": render_json, "html": render_html}


def render(result: AssessmentResult, fmt: str) -> str:
    return renderers()[fmt](result.assessment, result.sections)
