"""`monell precedents`: binding case law for an incident, or for a free query.

Both forms work as written:
  monell precedents INCIDENT_FILE [--format json|md] [--limit N] [--db URL]
  monell precedents search "QUERY" --circuit ca8 --decided-before DATE [--limit N] ...
A first argument that is not a subcommand name is taken as an incident file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from monell.cli.common import (
    db_option,
    emit,
    fail,
    format_option,
    parse_date_option,
    read_incident_or_exit,
    require_extra,
)

LIMIT_HELP = "Results per claim (or per query)."
FORMAT_HELP = "json: result objects (stable keys); md: a list a lawyer can read."


class _IncidentOrSubcommand(click.Group):
    """A group whose bare positional argument is an incident file (hidden `incident` command)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if not a.startswith("-")), None)
        if first is not None and first not in self.commands and "--help" not in args[:1]:
            args = ["incident", *args]
        return super().parse_args(ctx, args)


@click.group(
    "precedents",
    cls=_IncidentOrSubcommand,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.pass_context
def precedents_group(ctx: click.Context) -> None:
    """Binding precedent decided before an incident, ranked by factual similarity.

    \b
    monell precedents INCIDENT_FILE [--format json|md] [--limit N] [--db URL]
    monell precedents search "QUERY" --circuit ca8 --decided-before DATE
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _engine(db: str | None) -> Any:
    from monell.corpus.store import corpus_size
    from monell.storage.database import DatabaseUrlError, open_database

    try:
        engine = open_database(db)
    except DatabaseUrlError as exc:
        fail(str(exc))
    if corpus_size(engine) == 0:
        fail(
            "the database holds no opinions: load a corpus first, e.g. "
            "`monell corpus load ../shared/data/opinions/*.jsonl`"
        )
    return engine


def _retrieval(engine: Any, db: str | None, bm25_only: bool) -> Any:
    from monell.research.precedents import open_retrieval
    from monell.storage.database import resolve_db_url

    return open_retrieval(engine, resolve_db_url(db), semantic=not bm25_only)


@precedents_group.command("incident", hidden=True)
@click.argument("incident_file", type=click.Path(dir_okay=False))
@format_option(("json", "md"), FORMAT_HELP)
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True, help=LIMIT_HELP)
@click.option("--bm25-only", is_flag=True, help="Skip the embedding model (lexical only).")
@db_option
def incident_command(
    incident_file: str, fmt: str, limit: int, bm25_only: bool, db: str | None
) -> None:
    """Binding precedents for each claim of the incident in INCIDENT_FILE."""
    require_extra("research", "monell precedents")
    from monell.corpus.store import CorpusStore
    from monell.domain.assess import assess
    from monell.research.precedents import markdown, precedents_for_assessment

    if not Path(incident_file).is_file():
        fail(f"{incident_file}: no such file; give the path of an incident YAML/JSON file")
    incident = read_incident_or_exit(incident_file)
    engine = _engine(db)
    retrieval = _retrieval(engine, db, bm25_only)
    data = precedents_for_assessment(
        assess(incident), retrieval, CorpusStore(engine).citation_index(), limit=limit
    )
    if fmt == "json":
        emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", None)
    else:
        emit(f"# Precedents for {incident_file}\n\n" + markdown(data), None)


@precedents_group.command("search")
@click.argument("query")
@click.option(
    "--circuit",
    metavar="COURT_ID",
    default=None,
    help="Court of appeals id (e.g. ca8): search only the Supreme Court and it, "
    "and label results binding/persuasive for it.",
)
@click.option(
    "--decided-before",
    "decided_before",
    metavar="DATE",
    default=None,
    help="Only opinions decided strictly before this date (YYYY-MM-DD).",
)
@format_option(("json", "md"), FORMAT_HELP)
@click.option(
    "--limit", type=click.IntRange(1, 100), default=10, show_default=True, help=LIMIT_HELP
)
@click.option("--bm25-only", is_flag=True, help="Skip the embedding model (lexical only).")
@db_option
def search_command(
    query: str,
    circuit: str | None,
    decided_before: str | None,
    fmt: str,
    limit: int,
    bm25_only: bool,
    db: str | None,
) -> None:
    """Free-text search of the corpus with court and date filters applied inside the index."""
    require_extra("research", "monell precedents search")
    from monell.corpus.store import CorpusStore
    from monell.research.authority import CourtKind, binding_courts, court_info
    from monell.research.precedents import (
        assemble,
        ordering_note,
        result_markdown,
        similar_for_query,
        similar_markdown,
    )
    from monell.research.search import hybrid_search

    if not query.strip():
        fail("QUERY is empty: give the facts or legal question to search for")
    before = parse_date_option("--decided-before", decided_before)
    if circuit is not None and court_info(circuit).kind is not CourtKind.APPEALS:
        fail(
            f"--circuit: {circuit!r} is not a federal court of appeals id in courts-db "
            "(use ca1 … ca11 or cadc)"
        )
    courts = binding_courts(circuit) if circuit else None
    engine = _engine(db)
    retrieval = _retrieval(engine, db, bm25_only)
    hits = hybrid_search(
        retrieval.index,
        query,
        encoder=retrieval.encoder,
        courts=courts,
        decided_before=before,
        limit=limit * 4,
    )
    cite_index = CorpusStore(engine).citation_index()
    results = assemble(
        hits,
        retrieval,
        query,
        circuit=circuit,
        incident_date=before or (dt.date.max if circuit else None),
        cite_index=cite_index,
        binding_only=False,
        limit=limit,
    )
    similar = similar_for_query(
        retrieval, query, circuit=circuit, decided_before=before, cite_index=cite_index, limit=limit
    )
    if fmt == "json":
        payload = {
            "query": query,
            "circuit": circuit,
            "courts": list(courts or []),
            "decided_before": before.isoformat() if before else None,
            "retrieval": retrieval.mode,
            "warning": retrieval.warning,
            "results": [asdict(r) for r in results],
            **similar,
        }
        emit(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", None)
        return
    lines = [
        f"# Search: {query}",
        "",
        f"Courts: {', '.join(courts) if courts else 'all'}; decided before: "
        f"{before or 'any date'}; retrieval: {retrieval.mode}",
        "",
    ]
    if retrieval.warning:
        lines += [f"**{retrieval.warning}**", ""]
    if similar["clearly_established"]:
        lines += [f"**Clearly established?** {similar['clearly_established']['statement']}", ""]
    facts = ", ".join(f["label"] for f in similar["query_facts"]) or "none recognised"
    lines += [f"Facts in the query: {facts}.", "", "## Factually similar precedent", ""]
    lines += [similar_markdown(i, p) for i, p in enumerate(similar["similar_precedent"], 1)]
    if not similar["similar_precedent"]:
        lines.append("No opinion's facts section shares a fact with the query.")
    lines += ["", "## Authorities by citation and text (learned ranker)", ""]
    shown = [asdict(r) for r in results]
    note = ordering_note(shown)
    if note:
        lines += [note, ""]
    lines += [result_markdown(i, r) for i, r in enumerate(shown, start=1)]
    if not results:
        lines.append("No opinion matched.")
    emit("\n".join(lines) + "\n", None)


@precedents_group.command("index")
@click.option("--bm25-only", is_flag=True, help="Build without embeddings.")
@db_option
def index_command(bm25_only: bool, db: str | None) -> None:
    """Build (or refresh) the precedent index for the corpus in the database."""
    require_extra("research", "monell precedents index")
    engine = _engine(db)
    retrieval = _retrieval(engine, db, bm25_only)
    m = retrieval.index.manifest
    click.echo(
        f"precedent index: {retrieval.index.directory} — {m['opinions']} opinions, "
        f"{m['rows']} embedded passages, model: {m['model'] or 'none (BM25 only)'}"
    )


@precedents_group.command("qi-eval")
@click.option(
    "--labels",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("data/labels/qi_labels.jsonl"),
    show_default=True,
    help="Labelled opinions (JSONL).",
)
@click.option(
    "--opinions",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared/data/opinions"),
    show_default=True,
    help="Folder with the shared sample files the labels point into.",
)
@click.option(
    "--split",
    type=click.Choice(["holdout", "dev", "all"]),
    default="holdout",
    show_default=True,
    help="Which labelled rows to score.",
)
def qi_eval_command(labels: Path, opinions: Path, split: str) -> None:
    """Precision and recall of the QI rules on the labelled opinions."""
    from monell.research.qi import classify
    from monell.research.qi_eval import LabelError, evaluate, load_labels, opinion_texts, table

    if not labels.is_file():
        fail(f"--labels: {labels} not found; run from the repo root or pass the path")
    try:
        rows = load_labels(labels)
        texts = opinion_texts(opinions, rows)
    except LabelError as exc:
        fail(str(exc))
    chosen = [r for r in rows if split == "all" or r.split == split]
    scores = evaluate(chosen, lambda r: classify(texts[r.id]))
    click.echo(table(scores, f"QI rules on {len(chosen)} labelled opinions ({split})"))


def register(group: click.Group) -> None:
    group.add_command(precedents_group)
