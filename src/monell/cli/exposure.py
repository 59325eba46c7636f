"""`monell payers` and `monell payouts comparables | pattern | plot`: who pays, what it is worth.

`payers` needs no database (the reviewed registry only). The `payouts` subcommands read
settlements imported with `monell payouts import` through part A's `SettlementStore`; they are
added to that group through `cli/payouts.py`'s SUBCOMMAND_MODULES hook (`register_payouts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from monell.cli.common import (
    db_option,
    describe_write_error,
    emit,
    fail,
    format_option,
    read_incident_or_exit,
    require_extra,
)
from monell.domain.models import Incident
from monell.storage.database import DatabaseUrlError

FORMAT_HELP = "json: the same JSON as the section of `monell assess`; md: readable memo text."
PLOT_HELP = (
    "Also draw the chart to PATH; the suffix picks the format (.png or .svg). "
    "Give the option twice for both."
)


md_json_option = format_option(("md", "json"), FORMAT_HELP)


def _incident(path: str) -> Incident:
    return read_incident_or_exit(path)


@contextmanager
def _store(db: str | None) -> Iterator[Any]:
    from monell.payouts.store import SettlementStore
    from monell.storage.database import open_database

    try:
        engine = open_database(db)
    except DatabaseUrlError as exc:
        fail(str(exc))
    try:
        store = SettlementStore(engine)
        if store.count() == 0:
            fail(
                "no settlements in the database; load some first with "
                "`monell payouts import FILE… --db URL`"
            )
        yield store
    finally:
        engine.dispose()


def _save_plots(fig: Any, paths: tuple[str, ...], option: str = "--plot") -> None:
    from monell.exposure.plots import PlotError, save

    for p in paths:
        try:
            written = save(fig, Path(p))
        except PlotError as exc:
            fail(f"{option}: {exc}")
        except OSError as exc:
            fail(f"{option}: {describe_write_error(Path(p), exc)}; that chart was not written")
        click.echo(f"wrote {written}", err=True)


# ----------------------------------------------------------------------------- payers


@click.command("payers")
@click.argument("incident_file", metavar="INCIDENT_FILE", type=click.Path(dir_okay=False))
@format_option(
    ("md", "json", "request"),
    f"{FORMAT_HELP} request: only the public-records request letter, ready to send.",
)
@click.option("-o", "--output", metavar="PATH", default=None, help="Write to this file.")
def payers_command(incident_file: str, fmt: str, output: str | None) -> None:
    """Who pays a judgment or settlement for the incident in INCIDENT_FILE, whether officers
    are indemnified, what that means for strategy, and a public-records request to confirm it.

    Every row shows its source and confidence; "unknown" comes with the request to send.
    """
    from monell.exposure.payers import find_payers
    from monell.exposure.render import payers_markdown

    finding = find_payers(_incident(incident_file))
    data = finding.to_json()
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "request":
        text = finding.records_request.text + "\n"
    else:
        text = payers_markdown(data) + "\n"
    emit(text, output)


# ----------------------------------------------------------------------------- payouts …


def _year_option(value: int | None) -> int | None:
    from monell.exposure.cpi import load_cpi

    cpi = load_cpi()
    if value is not None and value not in cpi.index:
        fail(
            f"--year {value}: the CPI-U table covers {cpi.first_year}–{cpi.latest_year}; "
            "choose a year in that range"
        )
    return value


@click.command("comparables")
@click.argument("incident_file", metavar="INCIDENT_FILE", type=click.Path(dir_okay=False))
@db_option
@md_json_option
@click.option(
    "--year",
    type=int,
    default=None,
    help="Express amounts in this year's dollars (CPI-U annual average). "
    "Default: the latest year in the table.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Cases listed per tier (the statistics always use all of them).",
)
@click.option("--plot", "plots", metavar="PATH", multiple=True, help=PLOT_HELP)
def comparables_command(
    incident_file: str, db: str | None, fmt: str, year: int | None, limit: int,
    plots: tuple[str, ...],
) -> None:  # fmt: skip
    """Settlements with the same conduct categories as INCIDENT_FILE, nearest first (same
    agency, same city, same state, anywhere), with count and p25 / median / p75 / p90 per tier
    in one year's dollars. The data is not comparable across cities: the caveat is printed."""
    if plots:
        require_extra("plots", "--plot")
    from monell.exposure.comparables import comparables_from_store
    from monell.exposure.cpi import load_cpi
    from monell.exposure.plots import bands_from_comparables, comparables_figure
    from monell.exposure.render import comparables_markdown

    incident = _incident(incident_file)
    year = _year_option(year)
    with _store(db) as store:
        result = comparables_from_store(incident, store, load_cpi(), year)
    data = result.to_json(limit=limit)
    if plots:
        fig = comparables_figure(
            bands_from_comparables(result),
            result.dollars_year,
            f"Comparable settlements: {', '.join(result.categories)}",
        )
        _save_plots(fig, plots)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(comparables_markdown(data, cases_per_tier=limit))


@click.command("pattern")
@click.argument("incident_file", metavar="INCIDENT_FILE", type=click.Path(dir_okay=False))
@db_option
@md_json_option
@click.option("--plot", "plots", metavar="PATH", multiple=True, help=PLOT_HELP)
def pattern_command(incident_file: str, db: str | None, fmt: str, plots: tuple[str, ...]) -> None:
    """Monell pattern evidence: earlier payouts against the same agency for the same conduct
    categories, paid before the incident date, by year, with docket numbers and case names."""
    if plots:
        require_extra("plots", "--plot")
    from monell.exposure.pattern import pattern_from_store
    from monell.exposure.plots import payouts_per_year_figure
    from monell.exposure.render import pattern_markdown

    incident = _incident(incident_file)
    with _store(db) as store:
        evidence = pattern_from_store(incident, store)
    data = evidence.to_json()
    if plots:
        years = {y.year: (y.total, y.count) for y in evidence.years}
        fig = payouts_per_year_figure(years, f"Payouts before {evidence.before}: {evidence.agency}")
        _save_plots(fig, plots)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(pattern_markdown(data))


@click.command("plot")
@click.option("--city", required=True, help="City name as in the data, e.g. 'St. Louis'.")
@click.option("--state", required=True, help="Two-letter state code, e.g. MO.")
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Only payouts in this allegation category (repeatable), e.g. excessive_force.",
)
@click.option(
    "-o", "--output", "outputs", metavar="PATH", multiple=True, required=True,
    help="Chart file; .png or .svg by suffix. Repeat for both formats.",
)  # fmt: skip
@db_option
def plot_command(
    city: str, state: str, categories: tuple[str, ...], outputs: tuple[str, ...], db: str | None
) -> None:
    """Chart the payouts per year for one city (nominal dollars, count on each bar), with the
    data's caveat in the footer. For where an incident's comparables fall, use
    `monell payouts comparables INCIDENT_FILE --plot out.png`."""
    require_extra("plots", "monell payouts plot")
    from monell.exposure.plots import payouts_per_year_figure, per_year
    from monell.payouts.store import UnknownCityError

    with _store(db) as store:
        try:
            stored_city, stored_state = store.resolve_city(city, state)
        except UnknownCityError as exc:
            fail(str(exc))
        records = store.query(
            state=stored_state, city=stored_city, categories=list(categories) or None
        )
    scope = f" ({', '.join(categories)})" if categories else ""
    title = f"Police misconduct payouts per year: {stored_city}, {stored_state}{scope}"
    fig = payouts_per_year_figure(per_year(records), title)
    _save_plots(fig, outputs, "-o/--output")


def register(group: click.Group) -> None:
    group.add_command(payers_command)


def register_payouts(group: click.Group) -> None:
    for command in (comparables_command, pattern_command, plot_command):
        group.add_command(command)
