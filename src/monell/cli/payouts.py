"""`monell payouts …`: import settlement files, summarise a city, evaluate the category rules.

Other areas add subcommands to the same group without editing this file's commands: import
`payouts` from here and call `payouts.add_command(...)` in their own `register(group)`, or add
their module to `SUBCOMMAND_MODULES` (each defines `register_payouts(group)`).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monell.cli.common import db_option, format_option
from monell.payouts.caveat import CAVEAT
from monell.storage.database import DatabaseUrlError, open_database

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from monell.payouts.importer import ImportReport

# Modules that add subcommands to `monell payouts` (e.g. comparables); each defines
# `register_payouts(group)`. A one-line edit, like COMMAND_MODULES in cli/main.py.
SUBCOMMAND_MODULES: tuple[str, ...] = ("monell.cli.exposure",)


@click.group("payouts")
def payouts() -> None:
    """Police-misconduct settlements: import, summarise, compare.

    The data is not comparable across cities, and only cautiously across years.
    """


def register(group: click.Group) -> None:
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register_payouts(payouts)
    group.add_command(payouts)


def open_db(db: str | None) -> Engine:
    """Open and migrate the database, turning a bad URL into a usage error (exit 2)."""
    try:
        return open_database(db)
    except DatabaseUrlError as exc:
        raise click.UsageError(str(exc)) from exc


@payouts.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@db_option
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="YAML column-mapping file for a CSV not in the FiveThirtyEight layout (docs/payouts.md).",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Load the rows that parse and report the ones skipped, instead of rejecting the file.",
)
@format_option(("md", "json"), "Report format.")
def import_command(
    paths: tuple[Path, ...], db: str | None, mapping: Path | None, skip_bad: bool, fmt: str
) -> None:
    """Import settlement CSV files (FiveThirtyEight / Marshall Project layout or mapped).

    A file with any row that cannot be parsed is rejected whole (exit 2, database unchanged)
    unless --skip-bad. Importing the same file again adds nothing.
    """
    from monell.payouts.columns import LayoutError, load_mapping
    from monell.payouts.importer import import_files

    for path in paths:
        if path.exists() and not path.is_file():  # /dev/zero, a pipe: it would never end
            raise click.UsageError(f"{path}: not a regular file; give a saved CSV file")
    column_mapping = None
    if mapping is not None:
        try:
            column_mapping = load_mapping(mapping)
        except LayoutError as exc:
            raise click.UsageError(str(exc)) from exc
    engine = open_db(db)
    report = import_files(engine, list(paths), column_mapping, skip_bad=skip_bad)
    if fmt == "json":
        click.echo(json.dumps(_report_json(report), indent=2))
    else:
        for line in _report_lines(report):
            click.echo(line, err=not report.ok)
    if not report.ok:
        raise SystemExit(2)


def _report_json(report: ImportReport) -> dict[str, object]:
    return {
        "ok": report.ok,
        "new": report.new,
        "already_present": report.present,
        "files": [
            {
                "path": f.path,
                "kind": f.kind.value if f.kind else None,
                "sha256": f.sha256 or None,
                "rows": f.rows,
                "new": f.new,
                "already_present": f.present,
                "skipped": f.skipped,
                "bad_rows": f.bad_rows,
                "notes": f.notes,
                "problems": [
                    {"line": p.line, "reason": p.reason, "whole_file": p.whole_file}
                    for p in f.problems
                ],
            }
            for f in report.files
        ],
        "caveat": CAVEAT,
    }


def _report_lines(report: ImportReport) -> list[str]:
    lines: list[str] = []
    for f in report.files:
        if f.problems and not (report.ok and report.skip_bad):
            count = f.bad_rows or len(f.problems)
            lines.append(f"{f.path}: rejected ({count} problem(s)):")
        elif f.problems:
            lines.append(
                f"{f.path}: {f.rows} rows: {f.new} new, {f.present} already present, "
                f"{f.skipped} skipped:"
            )
        else:
            lines.append(f"{f.path}: {f.rows} rows: {f.new} new, {f.present} already present")
        lines.extend(f"  note: {note}" for note in f.notes)
        lines.extend(f"  {problem}" for problem in f.problems)
        if f.unlisted:
            lines.append(
                f"  … and {f.unlisted} more bad rows (the first {len(f.problems)} are listed)"
            )
    if report.ok:
        lines.append(f"total: {report.new} new, {report.present} already present")
    else:
        unreadable = any(f.unreadable for f in report.files)
        fix = (
            " (fix or convert the file named above)"
            if unreadable or report.skip_bad
            else " (fix the rows, or use --skip-bad to load the rest)"
        )
        lines.append(f"nothing imported: the database is unchanged{fix}")
    lines.append(f"caveat: {CAVEAT}")
    return lines


@payouts.command("summary")
@click.option("--city", required=True, help="City name as in the data, e.g. 'St. Louis'.")
@click.option("--state", required=True, help="Two-letter state code, e.g. MO.")
@format_option(("md", "json"), "Output format.")
@db_option
def summary_command(city: str, state: str, fmt: str, db: str | None) -> None:
    """Records, total awarded, and count / total / median by year and allegation category."""
    from monell.payouts.store import SettlementStore, UnknownCityError
    from monell.payouts.summary import summarise_city, to_markdown

    store = SettlementStore(open_db(db))
    try:
        summary = summarise_city(store, city, state)
    except UnknownCityError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(summary.as_json(), indent=2))
    else:
        click.echo(to_markdown(summary), nl=False)


@payouts.command("evaluate-categories")
@click.option(
    "--labels",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Hand-labelled CSV (default: data/labels/settlement_categories.csv in the repo).",
)
@format_option(("md", "json"), "Output format.")
def evaluate_command(labels: Path | None, fmt: str) -> None:
    """Precision and recall of the category rules against the hand labels (tuning and held-out)."""
    from monell.payouts.evaluate import (
        LabelError,
        default_labels_path,
        evaluate,
        load_labels,
        to_markdown,
    )

    path = labels or default_labels_path()
    try:
        rows = load_labels(path)
    except LabelError as exc:
        raise click.UsageError(str(exc)) from exc
    result = evaluate(rows)
    if fmt == "json":
        click.echo(json.dumps({**result.as_json(), "caveat": CAVEAT}, indent=2))
    else:
        click.echo(to_markdown(result) + f"\nCaveat: {CAVEAT}\n", nl=False)
