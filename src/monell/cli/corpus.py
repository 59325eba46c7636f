"""`monell corpus …`: fill the opinion store (sample JSONL, CourtListener bulk CSV, REST API)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monell.cli.common import EXIT_BAD_INPUT, db_option, fail, parse_date_option

if TYPE_CHECKING:
    import sqlalchemy as sa

    from monell.corpus.errors import RowProblem

BULK_SUFFIXES = (".csv", ".csv.bz2")
MAX_PRINTED = 20


@contextmanager
def _progress_bar(total: int | None, desc: str, unit: str = "B") -> Iterator[Any]:
    """A tqdm bar on stderr, silent when stderr is not a terminal (scripts, CI, pipes)."""
    from tqdm import tqdm

    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit == "B",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
    )
    try:
        yield bar
    finally:
        bar.close()


def _expand(paths: tuple[str, ...]) -> tuple[list[Path], list[Path]]:
    jsonl: list[Path] = []
    bulk: list[Path] = []
    for text in paths:
        path = Path(text)
        if not path.exists():
            fail(f"{text}: no such file or directory")
        if not path.is_dir() and not path.is_file():  # /dev/zero, a pipe: read forever
            fail(f"{text}: not a regular file; give saved .jsonl or .csv(.bz2) files")
        try:
            candidates = (
                sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
            )
        except OSError as exc:
            fail(f"{text}: cannot list the folder ({exc.strerror or exc})")
        for p in candidates:
            if p.name.endswith(".jsonl"):
                jsonl.append(p)
            elif p.name.endswith(BULK_SUFFIXES):
                bulk.append(p)
            elif not path.is_dir():
                fail(f"{p}: not a .jsonl sample file or a CourtListener bulk .csv/.csv.bz2 file")
    if not jsonl and not bulk:
        fail(f"{', '.join(paths)}: no .jsonl, .csv or .csv.bz2 files found")
    return jsonl, bulk


def _open(db: str | None) -> sa.Engine:

    from monell.storage.database import DatabaseUrlError, open_database

    # An unreachable or unusable database is worded by the top-level handler (cli/errors.py),
    # the same for every command.
    try:
        return open_database(db)
    except DatabaseUrlError as exc:
        fail(str(exc))


def _report_problems(problems: Sequence[RowProblem], skipped: bool) -> None:
    for p in problems[:MAX_PRINTED]:
        click.echo(f"{'skipped' if skipped else 'error'}: {p}", err=True)
    if len(problems) > MAX_PRINTED:
        click.echo(f"… and {len(problems) - MAX_PRINTED} more", err=True)


def _link(engine: sa.Engine, rescan: bool) -> None:
    import sqlalchemy as sa

    from monell.corpus import graph, schema

    o = schema.opinions
    with engine.connect() as conn:
        count = sa.select(sa.func.count()).select_from(o)
        if not rescan:
            count = count.where(o.c.needs_extraction)
        todo = conn.execute(count).scalar_one()
    if not todo:
        return
    with _progress_bar(todo, "citations (eyecite)", unit="opinion") as bar:
        report = graph.link_pending(engine, rescan=rescan, progress=bar.update)
    click.echo(
        f"citation graph: scanned {report.opinions_scanned} opinion(s) with eyecite, "
        f"{report.edges_written} edge(s) to opinions in the corpus"
    )


def register(group: click.Group) -> None:
    @group.group("corpus")
    def corpus() -> None:
        """Load court opinions into the opinion store and build the citation graph."""

    @corpus.command("load")
    @click.argument("paths", nargs=-1, required=True)
    @db_option
    @click.option(
        "--skip-bad",
        is_flag=True,
        help="Load the good rows of a file with malformed rows (they are listed); "
        "without it such a file is rejected and nothing from it is written.",
    )
    @click.option(
        "--no-link",
        is_flag=True,
        help="Do not run eyecite on opinions without a citation graph afterwards "
        "(run `monell corpus link` later).",
    )
    @click.option(
        "--batch-size",
        type=click.IntRange(1, 100_000),
        default=2000,
        show_default=True,
        help="Rows per committed batch for bulk CSV files.",
    )
    def load(
        paths: tuple[str, ...], db: str | None, skip_bad: bool, no_link: bool, batch_size: int
    ) -> None:
        """Load sample JSONL files and CourtListener bulk CSV files (plain or .bz2).

        PATHS are files or folders. Bulk files are recognised by name
        (courts-, dockets-, opinion-clusters-, opinions-, citations-, citation-map-DATE.csv)
        or header, and loaded parents first. Loading is idempotent and resumable: rerun the
        same command after an interruption and it continues where it stopped.
        """
        from monell.corpus.errors import IngestError
        from monell.corpus.ingest_bulk import load_file, order_files
        from monell.corpus.ingest_jsonl import load_jsonl
        from monell.corpus.store import CorpusStore

        jsonl, bulk = _expand(paths)
        engine = _open(db)
        try:
            for path in jsonl:
                count, problems = load_jsonl(engine, path, skip_bad=skip_bad)
                _report_problems(problems, skipped=True)
                click.echo(
                    f"{path}: {count} opinion(s) loaded"
                    + (f", {len(problems)} bad record(s) skipped" if problems else "")
                )
            ordered = order_files(bulk)
            bulk_graph = any(kind.name == "citation-map" for _, kind in ordered)
            for path, _kind in ordered:
                with _progress_bar(path.stat().st_size, path.name) as bar:

                    def advance(pos: int, _total: int, bar: Any = bar) -> None:
                        bar.update(pos - bar.n)

                    report = load_file(
                        engine,
                        path,
                        skip_bad=skip_bad,
                        batch_rows=batch_size,
                        bulk_graph=bulk_graph,
                        progress=advance,
                    )
                _report_problems(report.problems, skipped=True)
                click.echo(
                    f"{path}: {report.kind}, {report.status}, "
                    f"{report.rows_loaded} row(s) written"
                    + (f", {len(report.problems)} bad row(s) skipped" if report.problems else "")
                )
        except IngestError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(EXIT_BAD_INPUT) from None
        if not no_link:
            _link(engine, rescan=False)
        click.echo(f"opinion store: {CorpusStore(engine).count_opinions()} opinion(s)")

    @corpus.command("link")
    @db_option
    @click.option(
        "--all",
        "rescan",
        is_flag=True,
        help="Re-extract every opinion without bulk citation-map edges (after "
        "loading more opinions, so that earlier texts link to them too).",
    )
    def link(db: str | None, rescan: bool) -> None:
        """Extract citations with eyecite and store graph edges to opinions in the corpus."""
        _link(_open(db), rescan=rescan)

    @corpus.command("status")
    @db_option
    def status(db: str | None) -> None:
        """Counts of what the opinion store holds, and any unfinished bulk file loads."""
        import sqlalchemy as sa

        from monell.corpus import schema

        engine = _open(db)
        with engine.connect() as conn:
            for table in (
                schema.courts,
                schema.dockets,
                schema.clusters,
                schema.opinions,
                schema.citations,
                schema.edges,
            ):
                n = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                click.echo(f"{table.name.removeprefix('corpus_')}: {n}")
            t = schema.ingest_files
            for row in conn.execute(sa.select(t).where(t.c.status == "loading")):
                click.echo(
                    f"unfinished: {row.path} ({row.kind}), {row.rows_loaded} row(s) "
                    f"committed up to line {row.line_no}; rerun `monell corpus load` "
                    "to resume"
                )

    @corpus.command("fetch")
    @click.option("--court", required=True, help="CourtListener court id, e.g. ca8, scotus, moed.")
    @click.option(
        "--query",
        metavar="TEXT",
        default=None,
        help='Search words the opinions must match (CourtListener\'s q), e.g. "1983".',
    )
    @click.option(
        "--since",
        metavar="DATE",
        default=None,
        help="First decision date to fetch (YYYY-MM-DD); default: the court's first.",
    )
    @click.option(
        "--until",
        metavar="DATE",
        default=None,
        help="Last decision date to fetch (YYYY-MM-DD); default: no limit.",
    )
    @click.option(
        "--max-clusters",
        type=click.IntRange(1),
        default=None,
        help="Stop after this many decisions (for a trial run).",
    )
    @click.option(
        "--rate",
        type=click.IntRange(1, 5000),
        default=4500,
        show_default=True,
        help="Requests per hour at most (CourtListener allows an account 5,000).",
    )
    @click.option(
        "--restart",
        is_flag=True,
        help="Ignore the saved place of an earlier, interrupted run of the same fetch.",
    )
    @db_option
    def fetch(
        court: str,
        query: str | None,
        since: str | None,
        until: str | None,
        max_clusters: int | None,
        rate: int,
        restart: bool,
        db: str | None,
    ) -> None:
        """Fetch opinions from the CourtListener REST API v4 into the store.

        Needs an API token in the COURTLISTENER_TOKEN environment variable (free account
        at courtlistener.com). Pages with the API's cursors, paces requests below the
        account limit, backs off on 429/5xx (honouring Retry-After) and saves its place
        after every page: rerun the same command to resume an interrupted fetch.
        """
        from platformdirs import user_data_dir

        from monell.corpus import courtlistener_api as api
        from monell.storage.database import resolve_db_url

        since_date = parse_date_option("--since", since)
        until_date = parse_date_option("--until", until)
        if since_date and until_date and until_date < since_date:
            fail("--until is before --since")
        if query is not None and not query.strip():
            fail('--query is empty: give the words to match, e.g. --query "1983"')
        try:
            client = api.Client.from_env()
        except api.ApiError as exc:
            fail(str(exc))
        client.hourly_rate = rate
        engine = _open(db)
        key = api.search_key(court, query, since_date, until_date)
        folder = Path(user_data_dir("monell", appauthor=False)) / "fetch-state"
        state_file = api.state_path(folder, resolve_db_url(db), key)
        try:
            state = (
                api.FetchState(state_file, key) if restart else api.FetchState.load(state_file, key)
            )
        except api.ApiError as exc:
            fail(str(exc))
        if state.next_url or state.done:
            click.echo(
                f"resuming: {state.clusters} decision(s) fetched before (state: {state_file})",
                err=True,
            )
        try:
            with _progress_bar(None, f"CourtListener {court}", unit="decision") as bar:

                def sized(total: int | None, done: int) -> None:
                    bar.total, bar.n = total, done
                    bar.refresh()
                    if total is not None:
                        hours = api.estimate(max(total - done, 0), hourly_rate=rate)
                        click.echo(
                            f"CourtListener {court}: {total} decision(s) match, {done} done; "
                            f"about {hours:.1f} h left at {rate} requests/hour",
                            err=True,
                        )

                report = api.fetch_court(
                    engine,
                    client,
                    court,
                    since_date,
                    until_date,
                    max_clusters=max_clusters,
                    progress=bar.update,
                    query=query,
                    state=state,
                    on_total=sized,
                )
        except api.ApiError as exc:
            click.echo(f"error: {exc}", err=True)
            if state.next_url:
                click.echo("rerun the same command to resume from the last finished page", err=True)
            raise SystemExit(1 if exc.transient else EXIT_BAD_INPUT) from None
        click.echo(
            f"CourtListener {court}: {report.clusters} decision(s), "
            f"{report.opinions} opinion(s) stored" + (" (resumed)" if report.resumed else "")
        )
        _link(engine, rescan=False)
