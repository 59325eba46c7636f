"""Check a citation before Monell prints it.

Three questions, in order: does eyecite parse it as a case citation to a reporter that
reporters-db knows, for a year that reporter's edition covers (else `invalid`); is that
volume and page in the corpus (else `not_in_corpus`); and is the case there the case named
beside the citation (else `mismatch`). Only `found` counts as verified. The same check backs
`monell cite verify`, which adds the opinion store to the bundled corpus index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from monell.domain.vocabulary import AuthorityKind, CitationStatus, Confidence

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


def _parties(name: str) -> tuple[set[str], set[str]]:
    parts = re.split(r"\s+v\.?\s+|\s+vs\.?\s+", name, maxsplit=1, flags=re.IGNORECASE)
    first = _tokens(parts[0])
    second = _tokens(parts[1]) if len(parts) > 1 else set()
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
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    found = [c for c in get_citations(citation) if isinstance(c, FullCaseCitation)]
    if len(found) != 1:
        return None
    cite = found[0]
    groups = cite.groups
    volume_text = groups.get("volume") or ""
    if not volume_text.isdigit():
        return None
    reporter = str(cite.corrected_reporter())  # type: ignore[no-untyped-call]
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

    def lookup(self, canonical: str) -> list[CorpusEntry]:
        return self._by_cite.get(canonical, [])

    def by_name(self, case_name: str) -> list[CorpusEntry]:
        return [e for e in self._by_name if names_match(e.case_name, case_name)]

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
    """Return (status, verified, checked_against, note) for one authority row."""
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
