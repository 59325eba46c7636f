"""`monell assess FILE`: one incident in, a sourced assessment out."""

from __future__ import annotations

import sys

import click

from monell.app.assessment import assess_incident, render, section_db_url
from monell.cli.common import (
    EXIT_BAD_INPUT,
    db_option,
    emit,
    format_option,
    parse_date_option,
    read_incident_or_exit,
)
from monell.storage.database import ENV_VAR, DatabaseUrlError, redact_secrets

RENDERERS = ("html", "json", "md")


@click.command("assess")
@click.argument("incident_file", metavar="FILE", type=click.Path(dir_okay=False))
@format_option(
    RENDERERS,
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
    incident = read_incident_or_exit(incident_file, as_of=as_of_date)
    try:
        db_url = section_db_url(db)
    except DatabaseUrlError as exc:
        click.echo(f"error: {redact_secrets(str(exc))}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    try:
        result = assess_incident(incident, db_url)
    except Exception as exc:
        if not _database_error(exc):
            raise
        click.echo(
            f"error: --db/{ENV_VAR}: cannot read the database at {redact_secrets(db_url)}: "
            f"{type(exc).__name__}: {redact_secrets(str(exc).splitlines()[0])}. Check that "
            "the server is running and the URL is right, or omit --db to assess without a "
            "database.",
            err=True,
        )
        raise SystemExit(EXIT_BAD_INPUT) from None
    emit(render(result, fmt), output)


def _database_error(exc: BaseException) -> bool:
    """SQLAlchemy is loaded only when a database is used (a plain assessment never
    imports it), so the error class is looked up, not imported, to test an exception."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


def register(group: click.Group) -> None:
    group.add_command(assess_command)
