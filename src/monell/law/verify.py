"""Check a citation before Monell prints it.

Three questions, in order: does eyecite parse it as a case citation to a reporter that
reporters-db knows, for a year that reporter's edition covers (else `invalid`); is that
volume and page in the corpus (else `not_in_corpus`); and is the case there the case named
beside the citation (else `mismatch`). Only `found` counts as verified. The same check backs
`monell cite verify`, which adds the opinion store to the bundled corpus index.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from monell.domain.vocabulary import AuthorityKind, CitationStatus, Confidence

DATA_PACKAGE = "monell.law.data"
BUNDLED_CORPUS = "bundled opinion sample (public court opinions, law/data/corpus_citations.csv)"

# Words that carry no identity in a case name, and the reporters' abbreviations of the words
# that do (Bluebook T6), so "Bd. of Comm'rs of Bryan Cty." matches "Board of County
# Commissioners of Bryan County".
_STOP = {
    "v",
    "vs",
    "the",
    "of",
    "and",
    "a",
    "an",
    "in",
    "re",
    "ex",
    "rel",
    "et",
    "al",
    "inc",
    "co",
    "corp",
    "llc",
    "ltd",
    "no",
    "city",
    "county",
    "town",
    "village",
    "state",
    "states",
    "united",
    "department",
    "dept",
    "board",
    "commissioners",
    "police",
    "school",
    "district",
    "independent",
    "for",
    "on",
    "at",
    "to",
    "by",
    "de",
}
_ABBREV = {
    "bd": "board",
    "cty": "county",
    "cnty": "county",
    "commrs": "commissioners",
    "comrs": "commissioners",
    "dep't": "department",
    "dept": "department",
    "dist": "district",
    "indep": "independent",
    "sch": "school",
    "educ": "education",
    "govt": "government",
    "mich": "michigan",
    "mass": "massachusetts",
    "hosp": "hospital",
    "gen": "general",
    "assn": "association",
    "univ": "university",
    "soc": "social",
    "servs": "services",
    "svcs": "services",
}


def _tokens(part: str) -> set[str]:
    text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("’", "")
    words = re.findall(r"[a-z0-9]+", text)
    out = set()
    for w in words:
        w = _ABBREV.get(w, w)
        if w not in _STOP and len(w) > 1:
            out.add(w)
    return out


@lru_cache(maxsize=1 << 16)
def _parties(name: str) -> tuple[frozenset[str], frozenset[str]]:
    # Remembered: the same corpus and table names are compared with every citation's name.
    parts = re.split(r"\s+v\.?\s+|\s+vs\.?\s+", name, maxsplit=1, flags=re.IGNORECASE)
    first = frozenset(_tokens(parts[0]))
    second = frozenset(_tokens(parts[1])) if len(parts) > 1 else frozenset()
    return first, second


def names_match(a: str, b: str) -> bool:
    """True when two case names plausibly name the same case (a party in common)."""
    a1, a2 = _parties(a)
    b1, b2 = _parties(b)
    if not (a1 or a2) or not (b1 or b2):
        return False
    return bool((a1 & b1) or (a2 & b2) or (a1 & b2 and a2 & b1))


@dataclass(frozen=True)
class CorpusEntry:
    citation: str
    case_name: str
    date_filed: str | None
    court: str


@dataclass(frozen=True)
class CitationCheck:
    citation: str
    status: CitationStatus
    case_name: str | None
    date_filed: str | None
    note: str

    @property
    def verified(self) -> bool:
        return self.status is CitationStatus.FOUND


@dataclass(frozen=True)
class ParsedCitation:
    volume: int
    reporter: str
    page: str
    canonical: str
    valid: bool
    problem: str | None


def normalize_citation(citation: str) -> str:
    return re.sub(r"\s+", " ", citation.strip())


@cache
def parse_case_citation(citation: str, year: int | None = None) -> ParsedCitation | None:
    """Parse one 'volume reporter page' citation with eyecite and check it against reporters-db."""
    cite = _eyecite_case(citation)
    if cite is None:
        return None
    groups = cite.groups
    volume_text = groups.get("volume") or ""
    if not volume_text.isdigit():
        return None
    reporter = str(cite.corrected_reporter())  # type: ignore[no-untyped-call,unused-ignore]
    canonical = f"{int(volume_text)} {reporter} {groups.get('page')}"
    problem = None
    edition = cite.edition_guess
    if edition is None:
        problem = f"reporters-db knows no edition of {reporter!r} for this citation"
    elif year is not None and not _edition_covers(edition, year):
        problem = (
            f"{reporter} ({edition.reporter.name}) was not published in {year}; "
            f"edition runs {edition.start.year if edition.start else '?'}"
            f"-{edition.end.year if edition.end else 'present'}"
        )
    return ParsedCitation(
        volume=int(volume_text),
        reporter=reporter,
        page=str(groups.get("page")),
        canonical=canonical,
        valid=problem is None,
        problem=problem,
    )


@lru_cache(maxsize=65536)
def _eyecite_case(citation: str) -> Any:
    """eyecite's reading of one citation, parsed once whatever the year it is checked for
    (a brief cites a case with and without its year; the parse is most of the cost)."""
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    from monell.law.citation_tokens import short_text_tokenizer

    found = [
        c
        for c in get_citations(citation, tokenizer=short_text_tokenizer(citation))
        if isinstance(c, FullCaseCitation)
    ]
    return found[0] if len(found) == 1 else None


def _edition_covers(edition: object, year: int) -> bool:
    start = getattr(edition, "start", None)
    end = getattr(edition, "end", None)
    # A decision is often reported a year after it is decided; allow that slack.
    if start is not None and year < start.year - 1:
        return False
    return not (end is not None and year > end.year + 1)


class CitationIndex:
    """Citations known to a corpus: the bundled sample, optionally extended by a database."""

    def __init__(self, entries: Iterable[CorpusEntry], label: str = BUNDLED_CORPUS) -> None:
        self.label = label
        self._by_cite: dict[str, list[CorpusEntry]] = {}
        self._by_name: list[CorpusEntry] = []
        for e in entries:
            if e.citation:
                self._by_cite.setdefault(normalize_citation(e.citation), []).append(e)
            self._by_name.append(e)
        self._name_words: dict[str, list[int]] | None = None

    def lookup(self, canonical: str) -> list[CorpusEntry]:
        return self._by_cite.get(canonical, [])

    def prefetch(self, canonicals: Iterable[str]) -> None:
        """These citations are about to be looked up. An index in memory needs nothing; one
        backed by a database overrides this to fetch them all in one query."""

    def prefetch_names(self, case_names: Iterable[str]) -> None:
        """These case names may be looked up (`by_name`); as `prefetch`, for names."""

    def by_name(self, case_name: str) -> list[CorpusEntry]:
        # `names_match` needs a word in common, so only entries sharing a word with the name
        # are tested: a lookup per word instead of a pass over every entry.
        first, second = _parties(case_name)
        words = self._words()
        hits = sorted({i for w in first | second for i in words.get(w, ())})
        return [
            self._by_name[i] for i in hits if names_match(self._by_name[i].case_name, case_name)
        ]

    def _words(self) -> dict[str, list[int]]:
        if self._name_words is None:
            words: dict[str, list[int]] = {}
            for i, e in enumerate(self._by_name):
                first, second = _parties(e.case_name)
                for w in first | second:
                    words.setdefault(w, []).append(i)
            self._name_words = words
        return self._name_words

    def check(
        self, citation: str, case_name: str | None = None, year: int | None = None
    ) -> CitationCheck:
        parsed = parse_case_citation(normalize_citation(citation), year)
        if parsed is None:
            return CitationCheck(
                citation,
                CitationStatus.INVALID,
                None,
                None,
                "not a case citation that eyecite and reporters-db recognise",
            )
        if not parsed.valid:
            return CitationCheck(
                citation, CitationStatus.INVALID, None, None, parsed.problem or "invalid"
            )
        hits = self.lookup(parsed.canonical)
        if not hits:
            return CitationCheck(
                parsed.canonical,
                CitationStatus.NOT_IN_CORPUS,
                None,
                None,
                f"valid {parsed.reporter} citation, but no case at this volume and page in the "
                f"{self.label}",
            )
        if case_name:
            for hit in hits:
                if names_match(hit.case_name, case_name):
                    return CitationCheck(
                        parsed.canonical,
                        CitationStatus.FOUND,
                        hit.case_name,
                        hit.date_filed,
                        f"found in the {self.label}",
                    )
            hit = hits[0]
            return CitationCheck(
                parsed.canonical,
                CitationStatus.MISMATCH,
                hit.case_name,
                hit.date_filed,
                f"{parsed.canonical} is {hit.case_name} in the {self.label}, not {case_name}",
            )
        hit = hits[0]
        return CitationCheck(
            parsed.canonical,
            CitationStatus.FOUND,
            hit.case_name,
            hit.date_filed,
            f"found in the {self.label}",
        )


@cache
def bundled_index() -> CitationIndex:
    from monell.law.book import load_law

    return CitationIndex(
        CorpusEntry(
            c.citation, c.case_name, c.date_filed.isoformat() if c.date_filed else None, c.court
        )
        for c in load_law().corpus
    )


def check_authority(
    kind: AuthorityKind,
    name: str,
    citation: str,
    year: int | None,
    confidence: Confidence,
    index: CitationIndex | None = None,
) -> tuple[CitationStatus, bool, str, str]:
    """Return (status, verified, checked_against, note) for one authority row.

    A case row of the law book checked against the bundled indexes (no `index`) is answered
    from `monell.law.checked`, computed once per version of the data and of this module."""
    if index is None and kind is AuthorityKind.CASE:
        from monell.law.checked import cached_check

        hit = cached_check(name, citation, year, confidence)
        if hit is not None:
            return hit
    return check_authority_live(kind, name, citation, year, confidence, index)


def check_authority_live(
    kind: AuthorityKind,
    name: str,
    citation: str,
    year: int | None,
    confidence: Confidence,
    index: CitationIndex | None = None,
) -> tuple[CitationStatus, bool, str, str]:
    """`check_authority` without the kept answers: parses and looks up the citation now."""
    if kind is not AuthorityKind.CASE:
        verified = confidence is Confidence.CONFIRMED
        note = (
            "statute or rule text confirmed by the data's sources"
            if verified
            else "statute or rule not checked against its official text: verify before relying"
        )
        return CitationStatus.NOT_A_CASE, verified, "law data sources", note
    idx = index or bundled_index()
    result = idx.check(citation, name, year)
    if not result.verified:
        # Supreme Court cites the opinion corpus lacks are checked against the citation table;
        # its verdict (found, or a name filed at another page) outranks "not in corpus".
        table = scotus_index().check(citation, name, year)
        if table.verified or (
            result.status is CitationStatus.NOT_IN_CORPUS
            and (table.status is CitationStatus.MISMATCH or table.case_name is not None)
        ):
            return table.status, table.verified, SCOTUS_LABEL, table.note
    return result.status, result.verified, idx.label, result.note


def names_agree(a: str, b: str) -> bool:
    """Stricter than `names_match`: both sides of the "v." share a word (either order).

    Used to say "this name is that known case", where a single shared word ("Graham" in
    Graham v. Connor and Kentucky v. Graham) would be too weak. Names without a "v." fall
    back to `names_match`.
    """
    a1, a2 = _parties(a)
    b1, b2 = _parties(b)
    if not (a2 and b2):
        return names_match(a, b)
    return bool((a1 & b1 and a2 & b2) or (a1 & b2 and a2 & b1))


class ChainedIndex(CitationIndex):
    """Several indexes checked in order (bundled sample, then the opinion store…).

    A citation is `found` if any index finds it under that name; otherwise the first
    `mismatch` wins (its note names the index that holds the other case), else
    `not_in_corpus` / `invalid` as every index agrees on those.
    """

    def __init__(self, indexes: Iterable[CitationIndex]) -> None:
        self.indexes = tuple(indexes)
        super().__init__((), " + ".join(i.label for i in self.indexes))

    def lookup(self, canonical: str) -> list[CorpusEntry]:
        return [e for i in self.indexes for e in i.lookup(canonical)]

    def by_name(self, case_name: str) -> list[CorpusEntry]:
        return [e for i in self.indexes for e in i.by_name(case_name)]

    def prefetch(self, canonicals: Iterable[str]) -> None:
        wanted = list(canonicals)
        for i in self.indexes:
            i.prefetch(wanted)

    def prefetch_names(self, case_names: Iterable[str]) -> None:
        wanted = list(case_names)
        for i in self.indexes:
            i.prefetch_names(wanted)

    def check(
        self, citation: str, case_name: str | None = None, year: int | None = None
    ) -> CitationCheck:
        results = [i.check(citation, case_name, year) for i in self.indexes]
        for wanted in (CitationStatus.FOUND, CitationStatus.MISMATCH):
            for r in results:
                if r.status is wanted:
                    return r
        if not results:
            return CitationCheck(
                citation, CitationStatus.NOT_IN_CORPUS, None, None, "no corpus to check against"
            )
        r = results[-1]
        if r.status is CitationStatus.NOT_IN_CORPUS:
            return CitationCheck(
                r.citation,
                r.status,
                None,
                None,
                r.note.replace(f"in the {self.indexes[-1].label}", f"in the {self.label}"),
            )
        return r


AUTHORITY_DATA = "authority data (law/data/authorities.csv)"


@cache
def authority_index() -> CitationIndex:
    """The case rows of the reviewed authority table, as an index. Used to check the name
    printed beside a citation (Graham v. Connor is 490 U.S. 386), not to call a citation
    `found`: only an opinion corpus can do that."""
    from monell.law.book import load_law

    return CitationIndex(
        (
            CorpusEntry(
                a.citation,
                a.name,
                a.decided.isoformat() if a.decided else (str(a.year) if a.year else None),
                a.court,
            )
            for a in load_law().authorities.values()
            if a.kind is AuthorityKind.CASE
        ),
        AUTHORITY_DATA,
    )


# Supreme Court citations: every decision 1946-2024 from the Supreme Court Database (release
# 2024_01) and earlier U.S. Reports cites from opinion headers, copied from
# shared/data/reference/scotus_citations.csv (its SOURCES.md says how it was made) into
# law/data/scotus_citations.csv.gz. U.S. Reports pages assigned after that release are in
# law/data/scotus_us_pages.csv, one row per page with its sources and confidence.
SCOTUS_FILE = "scotus_citations.csv.gz"
SCOTUS_PAGES_FILE = "scotus_us_pages.csv"
SCOTUS_LABEL = (
    "Supreme Court citation table (Supreme Court Database 2024_01 and U.S. Reports opinion "
    "headers, law/data/scotus_citations.csv.gz)"
)
_SCOTUS_REPORTERS = ("U.S.", "S. Ct.")


@dataclass(frozen=True)
class ScotusRow:
    us_cite: str
    sct_cite: str
    case_name: str
    decided: str | None
    year: int | None
    docket: str


@dataclass(frozen=True)
class UsPage:
    """A U.S. Reports page the Supreme Court Database release did not yet have."""

    us_cite: str
    sct_cite: str
    case_name: str
    confidence: Confidence
    sources: str


class ScotusIndex(CitationIndex):
    """U.S. Reports and S. Ct. citations checked by volume, page and parties.

    A U.S. cite is `found` when the table lists a decision at that volume and page whose
    parties match the name given, or when the decision is listed only by its S. Ct. cite and
    a reviewed page row (`scotus_us_pages.csv`, confirmed or single-source) gives that U.S.
    page. A name the table files under another page is a `mismatch`; a decision the table
    lists without a U.S. page and no page row covers is `not_in_corpus` with a note saying
    the S. Ct. cite is confirmed but the U.S. page is not checkable here.
    """

    def __init__(self, rows: Iterable[ScotusRow], pages: Iterable[UsPage] = ()) -> None:
        self.rows = tuple(rows)
        super().__init__(
            (CorpusEntry(r.us_cite, r.case_name, r.decided, "scotus") for r in self.rows),
            SCOTUS_LABEL,
        )
        self._by_sct: dict[str, list[ScotusRow]] = {}
        for r in self.rows:
            if r.sct_cite:
                self._by_sct.setdefault(r.sct_cite, []).append(r)
        self.pages = {p.us_cite: p for p in pages}
        # The rows `_unpaged` and `_elsewhere` search, in table order, so a check reads the
        # few rows that can answer instead of the whole table.
        self._unpaged_rows = tuple(r for r in self.rows if not r.us_cite and r.sct_cite)
        self._paged_by_year: dict[int, list[ScotusRow]] = {}
        for r in self.rows:
            if r.us_cite and r.year is not None:
                self._paged_by_year.setdefault(r.year, []).append(r)

    def _row_entry(self, row: ScotusRow) -> CorpusEntry:
        return CorpusEntry(row.us_cite or row.sct_cite, row.case_name, row.decided, "scotus")

    def check(
        self, citation: str, case_name: str | None = None, year: int | None = None
    ) -> CitationCheck:
        parsed = parse_case_citation(normalize_citation(citation), year)
        if parsed is None or not parsed.valid or parsed.reporter not in _SCOTUS_REPORTERS:
            return super().check(citation, case_name, year)
        if parsed.reporter == "S. Ct.":
            return self._check_sct(parsed.canonical, case_name)
        if self.lookup(parsed.canonical):
            result = super().check(citation, case_name, year)
            return result if result.verified else self._elsewhere(result, case_name, year)
        page = self.pages.get(parsed.canonical)
        if page is not None and page.confidence is not Confidence.UNVERIFIED:
            rows = self._by_sct.get(page.sct_cite, [])
            hit = next(
                (r for r in rows if names_match(r.case_name, case_name or page.case_name)), None
            )
            if hit is not None:
                return CitationCheck(
                    parsed.canonical,
                    CitationStatus.FOUND,
                    hit.case_name,
                    hit.decided,
                    f"found in the {self.label} as {page.sct_cite} (decided {hit.decided}); "
                    f"U.S. page from law/data/{SCOTUS_PAGES_FILE} "
                    f"({page.confidence.value}: {page.sources})",
                )
        unpaged = self._unpaged(parsed.volume, case_name, year)
        if unpaged is not None:
            return CitationCheck(
                parsed.canonical,
                CitationStatus.NOT_IN_CORPUS,
                unpaged.case_name,
                unpaged.decided,
                f"S. Ct. cite confirmed ({unpaged.sct_cite}, {unpaged.case_name}, decided "
                f"{unpaged.decided}), U.S. page not checkable here: the {self.label} lists "
                "this decision without a U.S. Reports page",
            )
        result = super().check(citation, case_name, year)
        return self._elsewhere(result, case_name, year)

    def _check_sct(self, canonical: str, case_name: str | None) -> CitationCheck:
        rows = self._by_sct.get(canonical, [])
        if not rows:
            return CitationCheck(
                canonical,
                CitationStatus.NOT_IN_CORPUS,
                None,
                None,
                f"valid S. Ct. citation, but no decision at this volume and page in the "
                f"{self.label}",
            )
        hit = next((r for r in rows if not case_name or names_match(r.case_name, case_name)), None)
        if hit is None:
            return CitationCheck(
                canonical,
                CitationStatus.MISMATCH,
                rows[0].case_name,
                rows[0].decided,
                f"{canonical} is {rows[0].case_name} in the {self.label}, not {case_name}",
            )
        return CitationCheck(
            canonical,
            CitationStatus.FOUND,
            hit.case_name,
            hit.decided,
            f"found in the {self.label}",
        )

    def _unpaged(self, volume: int, case_name: str | None, year: int | None) -> ScotusRow | None:
        if not case_name:
            return None
        for r in self._unpaged_rows:
            if (
                not r.us_cite
                and r.sct_cite
                and (year is None or r.year is None or abs(r.year - year) <= 1)
                and names_agree(r.case_name, case_name)
            ):
                return r
        return None

    def _elsewhere(
        self, result: CitationCheck, case_name: str | None, year: int | None
    ) -> CitationCheck:
        """A name the table files at another U.S. page: the page given is wrong."""
        if not case_name or result.status is CitationStatus.MISMATCH:
            return result
        for r in self._paged_by_year.get(year, []) if year is not None else ():
            if (
                r.us_cite
                and r.us_cite != result.citation
                and year is not None
                and r.year == year
                and names_agree(r.case_name, case_name)
            ):
                return CitationCheck(
                    result.citation,
                    CitationStatus.MISMATCH,
                    r.case_name,
                    r.decided,
                    f"{case_name} ({year}) is {r.us_cite} in the {self.label}, not "
                    f"{result.citation}",
                )
        return result


def _scotus_rows(text: str) -> Iterable[ScotusRow]:
    for r in csv.DictReader(io.StringIO(text)):
        year = r["decision_year"]
        yield ScotusRow(
            us_cite=r["us_cite"],
            sct_cite=r["sct_cite"],
            case_name=r["case_name"],
            decided=r["decided"] or None,
            year=int(year) if year.isdigit() else None,
            docket=r["docket"],
        )


def load_us_pages() -> tuple[UsPage, ...]:
    from monell.law.book import public_sources  # sample records named as the opinions they are

    text = resources.files(DATA_PACKAGE).joinpath(SCOTUS_PAGES_FILE).read_text(encoding="utf-8")
    return tuple(
        UsPage(
            us_cite=r["us_cite"],
            sct_cite=r["sct_cite"],
            case_name=r["case_name"],
            confidence=Confidence(r["confidence"]),
            sources=public_sources(r["sources"]),
        )
        for r in csv.DictReader(io.StringIO(text))
    )


@cache
def scotus_index() -> ScotusIndex:
    raw = resources.files(DATA_PACKAGE).joinpath(SCOTUS_FILE).read_bytes()
    return ScotusIndex(_scotus_rows(gzip.decompress(raw).decode("utf-8")), load_us_pages())


def with_scotus(index: CitationIndex) -> CitationIndex:
    """`index` followed by the Supreme Court table (unless it already holds it)."""
    if isinstance(index, ScotusIndex) or (
        isinstance(index, ChainedIndex) and any(isinstance(i, ScotusIndex) for i in index.indexes)
    ):
        return index
    return ChainedIndex([index, scotus_index()])
