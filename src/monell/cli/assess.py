"""`monell assess FILE`: one incident in, a sourced assessment out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.exc import SQLAlchemyError

from monell.cli.common import EXIT_BAD_INPUT, db_option, emit, format_option, parse_date_option
from monell.domain.assess import assess
from monell.domain.incident import IncidentError
from monell.domain.sources import Sources
from monell.intake import load_incident
from monell.law.book import load_law
from monell.law.verify import ChainedIndex, bundled_index
from monell.report.html import render_html
from monell.report.json_report import render_json
from monell.report.markdown import render_markdown
from monell.report.sections import SectionContext, build_sections
from monell.storage.database import (
    ENV_VAR,
    DatabaseUrlError,
    database_exists,
    default_db_url,
    make_engine,
    resolve_db_url,
)

RENDERERS = {"md": render_markdown, "json": render_json, "html": render_html}


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
    from monell.corpus.store import CorpusStore
    from monell.research.precedents import corpus_size

    engine = make_engine(db_url)
    try:
        if corpus_size(engine) == 0:
            yield None
        else:
            index = ChainedIndex([bundled_index(), CorpusStore(engine).citation_index()])
            yield Sources(load_law(), index)
    finally:
        engine.dispose()


@click.command("assess")
@click.argument("incident_file", metavar="FILE", type=click.Path(dir_okay=False))
@format_option(
    tuple(sorted(RENDERERS)),
    "md: memo with plain summary; json: the stable contract; html: standalone memo page.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    default=None,
    help="Evaluate deadlines as of this date (YYYY-MM-DD) instead of the file's "
    "evaluated_on or today.",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@db_option
def assess_command(
    incident_file: str, fmt: str, as_of: str | None, output: str | None, db: str | None
) -> None:
    """Assess one incident described in FILE (YAML or JSON): claims, defendants, deadlines,
    flags and the Monell analysis, each with its authority."""
    as_of_date = parse_date_option("--as-of", as_of)
    try:
        incident = load_incident(incident_file, as_of=as_of_date)
    except IncidentError as exc:
        click.echo(
            f"error: {incident_file}: {len(exc.problems)} problem(s) in the incident:", err=True
        )
        for p in exc.problems:
            click.echo(f"  - {p}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    try:
        db_url = section_db_url(db)
    except DatabaseUrlError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    try:
        with corpus_sources(db_url) as sources:
            assessment = assess(incident, sources)
        sections = build_sections(assessment, SectionContext(db_url=db_url))
    except SQLAlchemyError as exc:
        click.echo(
            f"error: --db/{ENV_VAR}: cannot read the database at {db_url}: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0]}. Check that the server is "
            "running and the URL is right, or omit --db to assess without a database.",
            err=True,
        )
        raise SystemExit(EXIT_BAD_INPUT) from None
    emit(RENDERERS[fmt](assessment, sections), output)


def register(group: click.Group) -> None:
    group.add_command(assess_command)
