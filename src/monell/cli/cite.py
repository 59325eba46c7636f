"""`monell cite verify`: check every case citation in a text before anyone relies on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from monell.cli.common import EXIT_FINDINGS, EXIT_OK, db_option, fail, format_option

# A brief is kilobytes, a long opinion a megabyte; past this it is the wrong file (or
# /dev/zero), refused at once instead of read until memory runs out.
MAX_TEXT_BYTES = 64 << 20


def _read(source: str) -> str:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        fail(f"{source}: cannot read ({exc.strerror or exc}); give the path of a text file")
    if len(data) > MAX_TEXT_BYTES:
        fail(
            f"{source}: larger than {MAX_TEXT_BYTES >> 20} MiB; split the text and check each part"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{source}: byte {exc.start} is not UTF-8; save the text as UTF-8 and retry")


def _md_cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def register(group: click.Group) -> None:
    @group.group("cite")
    def cite() -> None:
        """Check citations against the opinion corpus and the reviewed authority data."""

    @cite.command("verify")
    @click.argument("source", metavar="FILE|-")
    @format_option(("json", "md"), "json: one object per citation; md: a table.")
    @db_option
    @click.option(
        "--online",
        is_flag=True,
        help="Also ask CourtListener's citation-lookup API about citations the local data "
        "cannot verify (token from COURTLISTENER_TOKEN; answers cached in the user cache "
        "folder).",
    )
    def verify(source: str, fmt: str, db: str | None, online: bool) -> None:
        """List every case citation in FILE (or stdin with -) with its status.

        found: in the corpus under that name (its case name and decision date shown);
        mismatch: the name beside it is not the case at that volume and page, or that
        case is known under another citation; not_in_corpus: a valid reporter citation the
        corpus does not hold (check it yourself); invalid: reporters-db knows no such
        reporter, or the reporter was not published in the year given.
        Exit status: 0 all found, 1 any other status, 2 bad input.
        """
        from monell.cli.corpus import _open
        from monell.corpus.store import CorpusStore
        from monell.law.verify import ChainedIndex, authority_index, bundled_index, with_scotus
        from monell.law.verify_text import verify_text

        text = _read(source)
        engine = _open(db)
        index = with_scotus(ChainedIndex([bundled_index(), CorpusStore(engine).citation_index()]))
        if online:
            from monell.app.citation_lookup import (
                CourtListenerClient,
                OnlineIndex,
                OnlineLookupError,
                token_from_env,
            )

            try:
                index = OnlineIndex(index, CourtListenerClient(token_from_env()))
                results = verify_text(text, index, (authority_index(),))
            except OnlineLookupError as exc:
                fail(str(exc))
        else:
            results = verify_text(text, index, (authority_index(),))
        rows = [
            {
                "citation": r.check.citation,
                "status": str(r.check.status),
                "case_name": r.check.case_name,
                "date_filed": r.check.date_filed,
                "as_written": r.found.text,
                "name_in_text": r.found.case_name,
                "year_in_text": r.found.year,
                "expected_citation": r.expected_citation,
                "note": r.check.note,
                "offset": r.found.start,
            }
            for r in results
        ]
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            click.echo(
                f"Citations checked against: {index.label}; names also against "
                f"{authority_index().label}.\n"
            )
            if not rows:
                click.echo("No case citations found.")
            else:
                click.echo("| # | Citation | Name in text | Status | Case | Decided | Note |")
                click.echo("|---|---|---|---|---|---|---|")
                for n, row in enumerate(rows, 1):
                    click.echo(
                        "| "
                        + " | ".join(
                            _md_cell(v)
                            for v in (
                                n,
                                row["as_written"],
                                row["name_in_text"],
                                row["status"],
                                row["case_name"],
                                row["date_filed"],
                                row["note"],
                            )
                        )
                        + " |"
                    )
        bad = sum(1 for r in rows if r["status"] != "found")
        if bad:
            click.echo(f"{bad} of {len(rows)} citation(s) did not verify.", err=True)
        raise SystemExit(EXIT_FINDINGS if bad else EXIT_OK)
