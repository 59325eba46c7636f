"""The typed rows every source is turned into before it touches the database.

One frozen value per table, keyed on CourtListener ids, so the three sources (sample JSONL,
bulk CSV, REST API) meet in the same shape and the writer has one upsert per table.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

ORIGINS = ("jsonl", "bulk", "api")
EDGE_ORIGINS = ("bulk", "eyecite")

# CourtListener opinion text fields in the order we read them: plain text first (no markup
# to strip), then the donated archives (careful transcriptions), then court and CourtListener
# HTML. Only some are filled for any one opinion.
TEXT_FIELDS = (
    "plain_text",
    "html_columbia",
    "html_lawbox",
    "xml_harvard",
    "html_anon_2020",
    "html",
    "html_with_citations",
    "xml_scan",
)


# A day as the three sources write it: YYYY-MM-DD, optionally followed by a time
# ("2015-06-22T00:00:00-07:00" in the API, "2024-05-01 03:12:45+00" in bulk exports).
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?")


def parse_day(value: str) -> date:
    """The date of `value`, one rule for bulk, JSONL and API rows; ValueError for anything
    else: an impossible day (2021-02-30), year 0, trailing text, ISO week or compact forms
    that `date.fromisoformat` would also take (2021-W01-1, 20210101)."""
    match = _DAY.fullmatch(value)
    if match is None:
        raise ValueError(f"{value[:40]!r} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(match[1])
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a real calendar date") from None


def derived_id(kind: str, key: str) -> int:
    """A stable id for a row that has no CourtListener id (sample JSONL records).

    Negative on purpose: CourtListener ids are positive, so a derived id can never collide
    with (or be mistaken for) a real one. Value: −(1 + the top 52 bits of
    SHA-256("monell:<kind>:<key>")), which stays exact in JSON/JavaScript numbers.
    """
    digest = hashlib.sha256(f"monell:{kind}:{key}".encode()).digest()
    return -(1 + (int.from_bytes(digest[:8], "big") >> 12))


@cache
def _reporter_variations() -> dict[str, str]:
    from reporters_db import VARIATIONS_ONLY

    return {k: v[0] for k, v in VARIATIONS_ONLY.items() if len(v) == 1}


def canonical_reporter(reporter: str) -> str:
    """Map a reporter spelling to reporters-db's canonical form ("U. S." → "U.S.")."""
    cleaned = re.sub(r"\s+", " ", reporter.strip())
    return _reporter_variations().get(cleaned, cleaned)


def normalize_cite(volume: str, reporter: str, page: str) -> str:
    """The lookup key for a citation: "volume reporter page", single-spaced, canonical
    reporter, volume without leading zeros (eyecite reports volumes as integers too)."""
    vol = volume.strip()
    if vol.isdigit():
        vol = str(int(vol))
    return f"{vol} {canonical_reporter(reporter)} {_SPACE.sub('', page)}"


_SPACE = re.compile(r"\s+")
_CITE_RE = re.compile(r"^\s*(\d+)\s+(.+?)\s+(\d[\w-]*)\s*$")


def split_cite(text: str) -> tuple[str, str, str] | None:
    """Split "436 U.S. 658" into (volume, reporter, page); None if it is not that shape."""
    m = _CITE_RE.match(text)
    if m is None:
        return None
    return m.group(1), m.group(2), m.group(3)


class _Row:
    def params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CourtRow(_Row):
    id: str
    short_name: str = ""
    full_name: str = ""
    citation_string: str = ""
    jurisdiction: str = ""
    parent_court_id: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    in_use: bool | None = None


@dataclass(frozen=True, slots=True)
class DocketRow(_Row):
    id: int
    court_id: str
    docket_number: str = ""
    case_name: str = ""
    date_filed: date | None = None
    nature_of_suit: str = ""


@dataclass(frozen=True, slots=True)
class ClusterRow(_Row):
    id: int
    docket_id: int | None
    court_id: str | None  # None in bulk rows: filled from the docket after loading
    case_name: str
    case_name_short: str = ""
    date_filed: date | None = None
    date_filed_is_approximate: bool | None = None
    precedential_status: str = ""
    citation_count: int | None = None
    judges: str = ""


@dataclass(frozen=True, slots=True)
class OpinionRow(_Row):
    id: int
    cluster_id: int
    type: str
    text: str
    text_field: str
    origin: str
    author_str: str = ""
    per_curiam: bool | None = None
    source_record_id: str | None = None
    needs_extraction: bool = True


@dataclass(frozen=True, slots=True)
class CitationRow(_Row):
    id: int
    cluster_id: int
    volume: str
    reporter: str
    page: str
    type: int
    cite: str


def derived_citation(cluster_id: int, scope: str, parts: tuple[str, str, str]) -> CitationRow:
    """The citation row of a source that gives no CourtListener citation id (JSONL records,
    API search hits): the id is derived from `scope` and the normalised cite, so a reload of
    the same record gives the same row."""
    key = normalize_cite(*parts)
    return CitationRow(
        id=derived_id("citation", f"{scope}|{key}"),
        cluster_id=cluster_id,
        volume=parts[0],
        reporter=parts[1],
        page=parts[2],
        type=0,
        cite=key,
    )


@dataclass(frozen=True, slots=True)
class EdgeRow(_Row):
    citing_opinion_id: int
    cited_opinion_id: int
    depth: int
    origin: str
