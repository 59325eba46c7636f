"""Find every case citation in a text and check it: `monell cite verify`.

eyecite finds the citations (reporters from reporters-db) and the case name printed before
each; a "volume Reporter page (year)" that eyecite does not recognise is reported too, as
`invalid`, because a reporter that reporters-db does not know is the commonest sign of an
invented citation. Each citation is then checked against the corpus indexes
(`CitationIndex.check`), and the name beside it against every case those indexes and the
reviewed authority table know: "Graham v. Connor, 491 U.S. 386" is a `mismatch` because
Graham v. Connor is 490 U.S. 386, even though nothing at 491 U.S. 386 is in the corpus.

Linear in the size of the text (issue 17: 40 kB of `Av.Bv.` took 15 s): eyecite's tokens come
from its Hyperscan tokenizer, one pass over the text; eyecite's search for later
"Name, at 12" references (one regular expression over the rest of the text per citation) is
not run, since nothing here uses those references; the name before a citation is searched in
at most `NAME_WINDOW` characters; overlap tests are binary searches; and per-citation work
(the corpus check, the search of the name among known cases) is done once per distinct
citation of a document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import Any

from monell.domain.vocabulary import CitationStatus
from monell.law.citation_tokens import fast_court_lookup, short_text_tokenizer
from monell.law.verify import (
    ChainedIndex,
    CitationCheck,
    CitationIndex,
    CorpusEntry,
    names_agree,
    normalize_citation,
    parse_case_citation,
)


@dataclass(frozen=True)
class TextCitation:
    """A citation as written: where it is, the case name before it, the year after it."""

    text: str
    start: int
    end: int
    case_name: str | None
    year: int | None
    reporter: str
    reporter_known: bool


@dataclass(frozen=True)
class TextCheck:
    found: TextCitation
    check: CitationCheck
    # When the name beside the citation is a known case under another citation.
    expected_citation: str | None = None
    expected_source: str | None = None


_SIGNALS = re.compile(
    r"^(?:(?:see|see also|see generally|cf|compare|but see|but cf|accord|e\.g|citing|quoting|"
    r"contra|with|and|also|in|under|following|per|by)\.?,?\s+)+",
    re.IGNORECASE,
)
_YEAR_AFTER = re.compile(r"^(?:,\s*(?:at\s+)?[\d\s,\-–—n.&]+?)?\s*\(([^()]{0,40}?)(\d{4})\)")
# "volume Reporter page (… year)": the shape of a case citation, whatever the reporter.
_CITE_SHAPE = re.compile(
    r"\b(\d{1,4})\s+((?:[A-Z][A-Za-z.']*\.?\s?){1,5}?(?:\d[a-z]{1,2}\.?)?)\s+(\d{1,5})"
    r"(?:,\s*\d{1,5}(?:[-–]\d{1,5})?)?\s*\(([^()]{0,40}?)(\d{4})\)"
)
_NAME_BEFORE = re.compile(
    r"((?:[A-Z][\w.'’&-]*|of|the|and|for|de|la|ex|rel\.|&)"
    r"(?:\s+(?:[A-Z][\w.'’&-]*|of|the|and|for|de|la|ex|rel\.|&)){0,7})"
    r"\s+v\.?\s+([^;()]{1,120}?),?\s*$"
)


@cache
def _known_reporters() -> frozenset[str]:
    from reporters_db import JOURNALS, LAWS, REPORTERS, VARIATIONS_ONLY

    # Statute codes and law reviews are real publications, just not case reporters: a
    # "42 U.S.C. 1983 (2018)" must not be reported as an invented case citation.
    names: set[str] = set(VARIATIONS_ONLY) | set(LAWS) | set(JOURNALS)
    for table in (LAWS, JOURNALS):
        for entries in table.values():
            for entry in entries:
                names.update(entry.get("variations", []))
    for key, entries in REPORTERS.items():
        names.add(key)
        for entry in entries:
            for edition in entry.get("editions", {}):
                names.add(edition)
    return frozenset(re.sub(r"\s+", "", n) for n in names)


def reporter_known(reporter: str) -> bool:
    return re.sub(r"\s+", "", reporter) in _known_reporters()


def _strip_signal(name: str) -> str:
    """ "See also Graham v. Connor" → "Graham v. Connor"."""
    stripped = _SIGNALS.sub("", name)
    return stripped if " v" in stripped else name


# The longest "X v. Y" the name pattern can take from real text: eight party words and a
# defendant of at most 120 characters. Searching only this much before a citation keeps the
# search linear (a 40 kB run without spaces made every start position scan to the end); the
# leftmost match of the whole window starts inside this tail on every opinion of the sample
# (tests/corpus/test_cite_verify.py compares the old and new results on real text).
NAME_WINDOW = 400


def name_window(window: str) -> str:
    """The part of `window` the name pattern is run on: its last `NAME_WINDOW` characters."""
    return window.replace("\n", " ").rstrip(" ,")[-NAME_WINDOW:]


def _name_in(window: str) -> str | None:
    """The "X v. Y" that ends `window` (the text between the previous citation and this
    one), without a leading citation signal."""
    m = _NAME_BEFORE.search(name_window(window))
    if m is None:
        return None
    plaintiff = _SIGNALS.sub("", m.group(1).strip())
    words = plaintiff.split()
    while words and words[0][:1].islower():
        words.pop(0)
    if not words:
        return None
    return f"{' '.join(words)} v. {m.group(2).strip().rstrip(',')}"


def _year_after(text: str, end: int) -> int | None:
    m = _YEAR_AFTER.match(text[end : end + 80])
    return int(m.group(2)) if m else None


def eyecite_citations(text: str) -> list[Any]:
    """eyecite's `get_citations(text)` without its reference search.

    For every full citation, `get_citations` runs one regular expression built from the case
    name over all the rest of the text to find "Name, at 12" references: quadratic in the
    text. Nothing here uses those references, and `filter_citations` never drops another
    citation in favour of a reference, so the other citations come out the same.
    """
    from eyecite.find import (
        _extract_full_citation,
        _extract_id_citation,
        _extract_shortform_citation,
        _extract_supra_citation,
    )
    from eyecite.helpers import filter_citations
    from eyecite.models import (
        CitationToken,
        Document,
        FullCaseCitation,
        IdToken,
        SectionToken,
        SupraToken,
        UnknownCitation,
    )

    if not text:
        return []
    fast_court_lookup()
    document = Document(plain_text=text)
    # a short text (a sentence, a brief's paragraph) needs no Hyperscan database
    document.tokenize(tokenizer=short_text_tokenizer(text))  # type: ignore[no-untyped-call]
    citations: list[Any] = []
    for i, token in document.citation_tokens:
        kind = type(token)
        citation: Any
        if kind is CitationToken:
            if token.short:  # type: ignore[attr-defined]
                citation = _extract_shortform_citation(document, i)
            else:
                citation = _extract_full_citation(document, i)
                if (
                    citations
                    and isinstance(citation, FullCaseCitation)
                    and isinstance(citations[-1], FullCaseCitation)
                ):
                    citation.is_parallel_citation(citations[-1])
        elif kind is IdToken:
            citation = _extract_id_citation(document.words, i)
        elif kind is SupraToken:
            citation = _extract_supra_citation(document.words, i)
        elif kind is SectionToken:
            citation = UnknownCitation(token, i)
        else:
            continue
        citation.document = document
        citations.append(citation)
    return list(filter_citations(citations))


class _Spans:
    """Sorted, non-nested spans: "does [start, end) overlap any?" by binary search."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        # The furthest end among the spans starting at or before each one.
        self.reach: list[int] = []
        furthest = -1
        for _, e in ordered:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        # Spans starting before `end` overlap when one of them ends after `start`.
        i = bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start


def find_citations(text: str) -> list[TextCitation]:
    """Full case citations in `text`, in order, with the name and year printed with them."""
    from eyecite.models import FullCaseCitation

    out: list[TextCitation] = []
    taken: list[tuple[int, int]] = []
    prev_end = 0
    for cite in eyecite_citations(text):
        if not isinstance(cite, FullCaseCitation):
            # Statutes, journals, short forms: not checked here, but not "unknown reporters".
            taken.append(cite.span())
            continue
        start, end = cite.span()  # type: ignore[no-untyped-call]  # eyecite is untyped
        window = text[prev_end:start]
        meta = cite.metadata
        name = None
        plaintiff, defendant = getattr(meta, "plaintiff", None), getattr(meta, "defendant", None)
        # eyecite sometimes carries the previous citation's name forward; keep its answer
        # only when that name is actually printed between the two citations.
        if defendant and defendant in window and (not plaintiff or plaintiff in window):
            name = f"{plaintiff} v. {defendant}" if plaintiff else None
        name = _strip_signal(name) if name else _name_in(window)
        year = _year_after(text, end)
        reporter = str(cite.groups.get("reporter") or "")
        out.append(TextCitation(text[start:end], start, end, name, year, reporter, True))
        taken.append((start, end))
        full_end = cite.full_span()[1] if hasattr(cite, "full_span") else end
        prev_end = max(prev_end, end, full_end if full_end <= end + 120 else end)
    spans = _Spans(taken)
    for m in _CITE_SHAPE.finditer(text):
        start, end = m.start(), m.start(3) + len(m.group(3))
        if spans.overlaps(start, end) or reporter_known(m.group(2)):
            continue
        before = text[max(0, start - 200) : start]
        out.append(
            TextCitation(
                text[start:end],
                start,
                end,
                _name_in(before),
                int(m.group(5)),
                m.group(2).strip(),
                False,
            )
        )
    return sorted(out, key=lambda c: c.start)


def _parts(index: CitationIndex) -> tuple[CitationIndex, ...]:
    return index.indexes if isinstance(index, ChainedIndex) else (index,)


def _reporter_of(citation: str) -> str | None:
    parsed = parse_case_citation(citation)
    return parsed.reporter if parsed else None


def _known_elsewhere(
    name: str, canonical: str, reporter: str | None, sources: tuple[CitationIndex, ...]
) -> tuple[CorpusEntry, str] | None:
    for source in sources:
        for entry in source.by_name(name):
            if (
                entry.citation
                and entry.citation != canonical
                and names_agree(entry.case_name, name)
                and _reporter_of(entry.citation) == reporter
            ):
                return entry, source.label
    return None


def verify_text(
    text: str, index: CitationIndex, names: tuple[CitationIndex, ...] = ()
) -> list[TextCheck]:
    """Check every citation of `text` against `index`; `names` are extra sources (the
    authority table) consulted only for the case-name consistency check.

    A brief cites the same case many times; each distinct (citation, name, year) is checked
    once, and the index is told every citation first, then every case name it may look up,
    so that one backed by a database can fetch them in a few queries
    (`CitationIndex.prefetch`, `prefetch_names`)."""
    found_all = find_citations(text)
    canonical = (parse_case_citation(normalize_citation(f.text)) for f in found_all)
    index.prefetch(sorted({p.canonical for p in canonical if p is not None}))
    sources = _parts(index) + names
    distinct: dict[tuple[str, str | None, int | None, str, bool], TextCitation] = {}
    for found in found_all:
        key = (found.text, found.case_name, found.year, found.reporter, found.reporter_known)
        distinct.setdefault(key, found)
    checks = {key: _index_check(found, index) for key, found in distinct.items()}
    named = {
        found.case_name
        for key, found in distinct.items()
        if found.case_name and _named_elsewhere(checks[key])
    }
    for source in sources:
        source.prefetch_names(sorted(n for n in named if n))
    done = {key: _complete(found, checks[key], sources) for key, found in distinct.items()}
    results = []
    for found in found_all:
        key = (found.text, found.case_name, found.year, found.reporter, found.reporter_known)
        first = done[key]
        results.append(
            TextCheck(found, first.check, first.expected_citation, first.expected_source)
        )
    return results


def _index_check(found: TextCitation, index: CitationIndex) -> CitationCheck:
    if not found.reporter_known:
        return CitationCheck(
            found.text,
            CitationStatus.INVALID,
            None,
            None,
            f"reporters-db knows no reporter {found.reporter!r}",
        )
    return index.check(found.text, found.case_name, found.year)


def _named_elsewhere(check: CitationCheck) -> bool:
    """Whether the case name is looked up in the sources (the citation did not find it)."""
    return check.status in (CitationStatus.NOT_IN_CORPUS, CitationStatus.MISMATCH)


def _complete(
    found: TextCitation, check: CitationCheck, sources: tuple[CitationIndex, ...]
) -> TextCheck:
    if found.reporter_known and found.case_name and _named_elsewhere(check):
        reporter = _reporter_of(check.citation)
        other = _known_elsewhere(found.case_name, check.citation, reporter, sources)
        if other is not None:
            entry, label = other
            note = f"{found.case_name} is {entry.citation} in the {label}, not {check.citation}"
            if check.status is CitationStatus.MISMATCH:
                # Keep the case the citation does point to; say where the named one is.
                check = CitationCheck(
                    check.citation,
                    check.status,
                    check.case_name,
                    check.date_filed,
                    f"{check.note}; {note}",
                )
            else:
                check = CitationCheck(
                    check.citation,
                    CitationStatus.MISMATCH,
                    entry.case_name,
                    entry.date_filed,
                    note,
                )
            return TextCheck(found, check, entry.citation, label)
    return TextCheck(found, check)
