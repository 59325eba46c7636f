"""Read CourtListener bulk-data CSV files: kinds, dialect, rows with their file positions.

The files are PostgreSQL `COPY … CSV HEADER` exports with every value quoted and backslash
as the escape character (shared/data/opinions/COURTLISTENER_FORMATS.md §3). A NULL is an
empty unquoted field and an empty string is `""`; like CourtListener's own consumers we treat
both as missing. Files may be bz2-compressed. Rows are read one at a time from a binary
stream, so memory does not grow with the file, and each row comes with its first line number
and last line numbers (for error messages) and the byte offset after it (for resuming
after a kill).
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
from itertools import islice
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
    parse_day,
)

# Opinion texts run to megabytes; the csv module's default cap is 128 KiB (process-wide: the
# settlement importer only ever raises it).
csv.field_size_limit(2**31 - 1)
BIGINT_MAX = 2**63 - 1  # the id columns are 64-bit (BIGINT) in SQLite and PostgreSQL
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: int() also takes "١٢" and "1_0"


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
        if not _INTEGER.fullmatch(value):
            raise ValueError(f"column {name!r}: {value[:40]!r} is not an integer")
        number = int(value)
        if not -BIGINT_MAX - 1 <= number <= BIGINT_MAX:
            raise ValueError(
                f"column {name!r}: {value[:40]!r} is out of range for an id "
                f"(at most {BIGINT_MAX}, a 64-bit integer)"
            )
        return number

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
            return parse_day(value)
        except ValueError as exc:
            raise ValueError(f"column {name!r}: {exc}") from None

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
        return bz2.BZ2File(raw), raw
    return raw, raw


def read_header(path: Path) -> list[str]:
    stream, raw = open_binary(path)
    try:
        first = stream.readline().decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise IngestError(
            f"{path}: cannot read the header ({exc}); it is not a CSV file, or it is corrupt "
            "or truncated: download it again"
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
    end_line: int  # last physical line of the row
    end_offset: int  # byte offset just after the row, in the decoded stream: the resume point
    cells: list[str] | None
    problem: str | None


# Quoted values are scanned with bytes.find (memchr speed) from quote to quote, checking the
# backslashes before each: a 40 kB opinion text costs a handful of C calls, not a Python-level
# character machine like the csv module's. Unquoted values are NULLs or bare header tokens.
_QUOTE, _COMMA, _NL, _BACKSLASH = ord('"'), ord(","), ord("\n"), ord("\\")
_BARE = re.compile(rb'[^,"\r\n]*')
_CLOSE = re.compile(rb'"(?=,|\r?\n|\Z)')
CHUNK = 4 << 20
MAX_ROW = 256 << 20  # no CourtListener row comes near this; beyond it, a quote is unclosed


def _closing_quote(buf: bytes, start: int) -> int:
    """Index of the quote closing a value that opened at `start - 1`, or -1 if not in `buf`.

    Only a quote followed by a delimiter (or the end of the buffer) can close a value, so
    the regex engine skips the text's many escaped quotes at C speed; a candidate preceded
    by an odd number of backslashes is itself escaped ("said \\"no\\", then").
    """
    pos = start
    while True:
        m = _CLOSE.search(buf, pos)
        if m is None:
            return -1
        q = m.start()
        b = q - 1
        while buf[b] == _BACKSLASH:  # stops at the opening quote at the latest
            b -= 1
        if (q - 1 - b) % 2 == 0:
            return q
        pos = q + 1


def _cell(quoted: bytes | None, bare: bytes) -> str:
    raw = bare if quoted is None else quoted
    if quoted is not None and b"\\" in raw:
        # PostgreSQL escapes only the quote and the escape character itself; split on the
        # escaped backslashes first so that a literal backslash before a quote survives.
        if b"\\\\" in raw:
            raw = b"\\".join(part.replace(b'\\"', b'"') for part in raw.split(b"\\\\"))
        else:
            raw = raw.replace(b'\\"', b'"')
    return raw.decode("utf-8")


def iter_rows(
    stream: IO[bytes], width: int, *, line: int, offset: int = 0, unescape: bool = True
) -> Iterator[CsvRow]:
    """Rows from the stream's position (byte `offset`, after line `line`), each with its
    line span, the byte offset after it, and either its cells or why it is malformed.

    `unescape=False` (the validation pass) leaves `\\"` in quoted values: whether a row is
    well formed and valid UTF-8 does not depend on it, and skipping it spares a copy of
    every opinion text.

    Parsed on bytes in 4 MiB chunks (see `_closing_quote`): several times faster than the
    csv module on long opinion texts, and exact byte offsets fall out.
    """
    buf = b""
    pos = 0
    eof = False
    start_line = line + 1
    while True:
        if pos >= len(buf) and not eof:
            buf, pos = stream.read(CHUNK), 0
            eof = not buf
        if pos >= len(buf) and eof:
            return
        row_start = pos
        cells: list[str] = []
        problem: str | None = None
        incomplete = False
        nl = buf.find(b"\n", pos)
        if nl >= 0:
            single = buf[pos : nl + 1]
            # Without backslashes every quote delimits a value, so an even count means the
            # row is this one line: hand it to the C csv parser (metadata files are all such
            # rows; opinion texts span lines and take the scanner below).
            if b"\\" not in single and single.count(b'"') % 2 == 0:
                try:
                    cells = next(csv.reader([single.decode("utf-8")], PgCsv))
                except UnicodeDecodeError:
                    problem = "not valid UTF-8"
                except csv.Error as exc:
                    problem = f"malformed CSV ({exc})"
                pos = nl + 1
                offset += pos - row_start
                if problem is None and len(cells) != width:
                    problem = f"expected {width} columns, found {len(cells)}"
                yield CsvRow(start_line, start_line, offset, None if problem else cells, problem)
                start_line += 1
                continue
        while True:
            if pos < len(buf) and buf[pos] == _QUOTE:
                close = _closing_quote(buf, pos + 1)
                if close < 0:
                    if not eof:
                        incomplete = True  # a quoted value runs past the buffer
                        break
                    problem = "malformed CSV (end of file inside a quoted value)"
                    pos = len(buf)
                    break
                quoted: bytes | None = buf[pos + 1 : close]
                bare = b""
                after = close + 1
            else:
                m = _BARE.match(buf, pos)
                assert m is not None  # the pattern matches the empty string
                quoted, bare, after = None, m.group(), m.end()
            if after >= len(buf):
                if not eof:
                    incomplete = True  # the row runs past the buffer: read more and retry
                    break
                delim = b""
            elif buf[after] == _COMMA:
                delim, after = b",", after + 1
            elif buf[after] == _NL:
                delim, after = b"\n", after + 1
            elif buf[after : after + 2] == b"\r\n":
                delim, after = b"\n", after + 2
            elif after + 1 >= len(buf) and not eof:
                incomplete = True
                break
            else:
                problem = "malformed CSV (a quote or character out of place)"
                nl = buf.find(b"\n", after)
                if nl < 0 and not eof:
                    incomplete = True
                    break
                pos = nl + 1 if nl >= 0 else len(buf)
                break
            try:
                cells.append(
                    _cell(quoted, bare)
                    if unescape
                    else (bare if quoted is None else quoted).decode("utf-8")
                )
            except UnicodeDecodeError:
                problem = problem or "not valid UTF-8"
            pos = after
            if delim != b",":
                break
        if incomplete and len(buf) - row_start > MAX_ROW:
            problem = f"row longer than {MAX_ROW >> 20} MiB (an unclosed quote?)"
            incomplete = False
            nl = buf.find(b"\n", row_start)
            pos = nl + 1 if nl >= 0 else len(buf)
        if incomplete:
            if eof:
                problem = "malformed CSV (unexpected end of file inside a quoted value)"
                pos = len(buf)
            else:
                # A row longer than the buffer doubles the read; otherwise one chunk more.
                more = stream.read(max(CHUNK, len(buf) - row_start))
                eof = not more
                buf, pos = buf[row_start:] + more, 0
                continue
        offset += pos - row_start
        end_line = (
            start_line
            + buf.count(b"\n", row_start, pos)
            - (1 if pos > row_start and buf[pos - 1 : pos] == b"\n" else 0)
        )
        if problem is None and len(cells) != width:
            problem = f"expected {width} columns, found {len(cells)}"
        yield CsvRow(start_line, end_line, offset, None if problem else cells, problem)
        start_line = end_line + 1


def skip_bytes(stream: IO[bytes], offset: int) -> None:
    """Position a decoded stream at `offset` (plain: a seek; bz2: decompress and discard)."""
    stream.seek(offset, io.SEEK_SET)


def skip_lines(stream: IO[bytes], count: int) -> int:
    """Advance past `count` physical lines without parsing them; returns the bytes skipped."""
    return sum(len(chunk) for chunk in islice(stream, count))


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
