"""Read CourtListener bulk-data CSV files: kinds, dialect, rows with their file positions.

The files are PostgreSQL `COPY … CSV HEADER` exports with every value quoted and backslash
as the escape character (shared/data/opinions/COURTLISTENER_FORMATS.md §3). A NULL is an
empty unquoted field and an empty string is `""`; like CourtListener's own consumers we treat
both as missing. Files may be bz2-compressed. Rows are read one at a time from a binary
stream, so memory does not grow with the file, and each row comes with its first line number
(for error messages) and the byte offset just after it (for resuming after a kill).
"""

from __future__ import annotations

import bz2
import csv
import html
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from monell.corpus.errors import IngestError
from monell.corpus.records import (
    TEXT_FIELDS,
    CitationRow,
    ClusterRow,
    CourtRow,
    DocketRow,
    EdgeRow,
    OpinionRow,
    normalize_cite,
)

# Opinion texts run to megabytes; the csv module's default cap is 128 KiB.
csv.field_size_limit(2**31 - 1)


class PgCsv(csv.Dialect):
    """PostgreSQL COPY CSV with ESCAPE '\\' (how CourtListener writes its bulk files)."""

    delimiter = ","
    quotechar = '"'
    escapechar = "\\"
    doublequote = False
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


class Cells:
    """Typed access to one CSV row by column name; raises ValueError naming the column."""

    __slots__ = ("index", "row")

    def __init__(self, index: Mapping[str, int], row: Sequence[str]) -> None:
        self.index = index
        self.row = row

    def has(self, name: str) -> bool:
        return name in self.index

    def text(self, name: str) -> str:
        i = self.index.get(name)
        return self.row[i] if i is not None else ""

    def opt_int(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"column {name!r}: {value[:40]!r} is not an integer") from None

    def int(self, name: str) -> int:
        value = self.opt_int(name)
        if value is None:
            raise ValueError(f"column {name!r}: required integer is empty")
        return value

    def date(self, name: str) -> date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"column {name!r}: {value[:40]!r} is not a YYYY-MM-DD date") from None

    def bool(self, name: str) -> bool | None:
        value = self.text(name)
        if not value:
            return None
        if value in ("t", "true", "True"):
            return True
        if value in ("f", "false", "False"):
            return False
        raise ValueError(f"column {name!r}: {value[:40]!r} is not t/f")


_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")


def html_to_text(markup: str) -> str:
    """Tags out, entities decoded: enough for search and citation extraction."""
    return _BLANKS.sub("\n\n", html.unescape(_TAG.sub("", markup))).strip()


def _court(c: Cells) -> CourtRow:
    court_id = c.text("id")
    if not court_id:
        raise ValueError("column 'id': required court id is empty")
    return CourtRow(
        id=court_id,
        short_name=c.text("short_name"),
        full_name=c.text("full_name"),
        citation_string=c.text("citation_string"),
        jurisdiction=c.text("jurisdiction"),
        parent_court_id=c.text("parent_court_id") or None,
        start_date=c.date("start_date"),
        end_date=c.date("end_date"),
        in_use=c.bool("in_use"),
    )


def _docket(c: Cells) -> DocketRow:
    return DocketRow(
        id=c.int("id"),
        court_id=c.text("court_id"),
        docket_number=c.text("docket_number"),
        case_name=c.text("case_name") or c.text("case_name_full"),
        date_filed=c.date("date_filed"),
        nature_of_suit=c.text("nature_of_suit"),
    )


def _cluster(c: Cells) -> ClusterRow:
    return ClusterRow(
        id=c.int("id"),
        docket_id=c.opt_int("docket_id"),
        court_id=None,
        case_name=c.text("case_name") or c.text("case_name_full") or c.text("case_name_short"),
        case_name_short=c.text("case_name_short"),
        date_filed=c.date("date_filed"),
        date_filed_is_approximate=c.bool("date_filed_is_approximate"),
        precedential_status=c.text("precedential_status"),
        citation_count=c.opt_int("citation_count"),
        judges=c.text("judges"),
    )


def _opinion(c: Cells) -> OpinionRow:
    text, field = "", ""
    for name in TEXT_FIELDS:
        value = c.text(name)
        if value.strip():
            text, field = (value if name == "plain_text" else html_to_text(value)), name
            break
    return OpinionRow(
        id=c.int("id"),
        cluster_id=c.int("cluster_id"),
        type=c.text("type"),
        text=text,
        text_field=field,
        origin="bulk",
        author_str=c.text("author_str"),
        per_curiam=c.bool("per_curiam"),
        needs_extraction=True,
    )


def _citation(c: Cells) -> CitationRow:
    volume, reporter, page = c.text("volume"), c.text("reporter"), c.text("page")
    if not (volume and reporter and page):
        raise ValueError("columns 'volume', 'reporter' and 'page' are all required")
    return CitationRow(
        id=c.int("id"),
        cluster_id=c.int("cluster_id"),
        volume=volume,
        reporter=reporter,
        page=page,
        type=c.opt_int("type") or 0,
        cite=normalize_cite(volume, reporter, page),
    )


def _edge(c: Cells) -> EdgeRow:
    depth = c.opt_int("depth")
    return EdgeRow(
        citing_opinion_id=c.int("citing_opinion_id"),
        cited_opinion_id=c.int("cited_opinion_id"),
        depth=1 if depth is None else depth,
        origin="bulk",
    )


@dataclass(frozen=True)
class FileKind:
    """One kind of bulk file: how to recognise it and how to turn a row into a typed row."""

    name: str
    prefix: str  # file name start, before the export date: "opinion-clusters-2024-…"
    required: tuple[str, ...]
    convert: Callable[[Cells], Any]


# In load order: parents before children, so a one-command load links as it goes.
KINDS = (
    FileKind("courts", "courts", ("id", "full_name", "jurisdiction"), _court),
    FileKind("dockets", "dockets", ("id", "court_id", "docket_number"), _docket),
    FileKind(
        "clusters",
        "opinion-clusters",
        ("id", "docket_id", "case_name", "date_filed", "precedential_status"),
        _cluster,
    ),
    FileKind("opinions", "opinions", ("id", "cluster_id", "type", "plain_text"), _opinion),
    FileKind(
        "citations", "citations", ("id", "volume", "reporter", "page", "cluster_id"), _citation
    ),
    FileKind(
        "citation-map", "citation-map", ("citing_opinion_id", "cited_opinion_id", "depth"), _edge
    ),
)
KIND_ORDER = {k.name: i for i, k in enumerate(KINDS)}
_NAME_RE = re.compile(r"^(?P<prefix>[a-z-]+?)(?:-\d{4}-\d{2}-\d{2})?\.csv(?:\.bz2)?$")


def is_bulk_csv(path: Path) -> bool:
    return path.name.endswith((".csv", ".csv.bz2"))


def open_binary(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(decoded stream, raw file): the raw file's position drives the progress bar."""
    raw = path.open("rb")
    if path.name.endswith(".bz2"):
        return bz2.BZ2File(raw), raw  # type: ignore[return-value]
    return raw, raw


def read_header(path: Path) -> list[str]:
    stream, raw = open_binary(path)
    try:
        first = stream.readline().decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise IngestError(
            f"{path}: cannot read the header ({exc}); is it a (bz2) CSV file?"
        ) from None
    finally:
        stream.close()
        raw.close()
    if not first.strip():
        raise IngestError(f"{path}:1: empty file; expected a CourtListener CSV header row")
    try:
        return next(csv.reader([first], PgCsv))
    except csv.Error as exc:
        raise IngestError(f"{path}:1: the header is not a CSV row ({exc})") from None


def detect_kind(path: Path, header: Sequence[str]) -> FileKind:
    """The file's kind, from its name when it follows CourtListener's naming, else from
    its header; the header must hold the kind's required columns either way."""
    columns = set(header)
    m = _NAME_RE.match(path.name)
    by_name = [k for k in KINDS if m and m.group("prefix") == k.prefix]
    if by_name:
        kind = by_name[0]
        missing = [c for c in kind.required if c not in columns]
        if missing:
            raise IngestError(
                f"{path}:1: a {kind.name} file needs column(s) {', '.join(missing)}; "
                f"header has {', '.join(header[:12])}{' …' if len(header) > 12 else ''}"
            )
        return kind
    matches = [k for k in KINDS if set(k.required) <= columns]
    if len(matches) != 1:
        names = ", ".join(f"{k.prefix}-DATE.csv" for k in KINDS)
        raise IngestError(
            f"{path}:1: cannot tell which CourtListener bulk file this is from its name or "
            f"header; name it like one of {names}"
        )
    return matches[0]


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # first physical line of the row (1 = header)
    end_offset: int  # decoded-byte offset just after the row: where to resume
    end_line: int
    cells: list[str] | None
    problem: str | None


class _LineFeed:
    """Lines for csv.reader, counting bytes and lines as they are consumed (csv.reader
    never reads ahead, so after each row the counters sit exactly at its end)."""

    def __init__(self, stream: IO[bytes], offset: int, line: int) -> None:
        self.stream = stream
        self.offset = offset
        self.line = line
        self.bad_utf8_line: int | None = None

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.offset += len(raw)
            self.line += 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                if self.bad_utf8_line is None:
                    self.bad_utf8_line = self.line
                yield raw.decode("utf-8", errors="replace")


def iter_rows(stream: IO[bytes], width: int, *, offset: int, line: int) -> Iterator[CsvRow]:
    """Rows after `offset` (whose line number is `line`), each with its position and
    either its cells or the reason it is malformed."""
    feed = _LineFeed(stream, offset, line)
    reader = csv.reader(feed, PgCsv)
    start = line + 1
    while True:
        feed.bad_utf8_line = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield CsvRow(start, feed.offset, feed.line, None, f"malformed CSV ({exc})")
            start = feed.line + 1
            continue
        if feed.bad_utf8_line is not None:
            problem: str | None = "not valid UTF-8"
        elif len(cells) != width:
            problem = f"expected {width} columns, found {len(cells)}"
        else:
            problem = None
        yield CsvRow(start, feed.offset, feed.line, None if problem else cells, problem)
        start = feed.line + 1


def header_end(path: Path) -> int:
    """Decoded byte offset just after the header line."""
    stream, raw = open_binary(path)
    try:
        return len(stream.readline())
    finally:
        stream.close()
        raw.close()


def seek(stream: IO[bytes], offset: int) -> None:
    """Position a decoded stream (plain: a real seek; bz2: decompress and discard)."""
    stream.seek(offset, io.SEEK_SET)


def format_row(values: Sequence[str | None]) -> str:
    """One row as PostgreSQL writes it (FORCE_QUOTE, ESCAPE '\\'; None = NULL): the
    inverse of the reader, for synthetic exports (benchmarks) and round-trip tests."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        else:
            out.append('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return ",".join(out) + "\n"
