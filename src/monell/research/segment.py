"""An opinion's facts section, cut from its caption and its analysis.

Clearly-established law turns on facts: a precedent helps when what the officers did there
resembles what they did here (Kisela; Wesby). The whole opinion is a poor proxy for that — its
analysis quotes Graham and Harlow whatever happened — so precedent search compares facts
sections. How an opinion is laid out (the shared sample, First Circuit and Supreme Court):

- a caption (parties, counsel, "Before: …, Circuit Judges."), then the author line
  ("LYNCH, Circuit Judge." / "JUSTICE WHITE delivered the opinion of the Court.");
- usually headings: "I. BACKGROUND" … "II. DISCUSSION", or bare "I" / "II", or "BACKGROUND";
- a Supreme Court file may open with the Reporter's syllabus (facts, then holding).

`facts_section` finds the author line, then a heading that names the facts (or section I),
and stops at the next heading of the analysis (or section II). Without headings it takes the
opening sentences up to the first sentence of legal analysis ("We review de novo", "summary
judgment is appropriate"), at most `OPENING_WORDS` words. `method` says which way was used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monell.research.sentences import sentences

MAX_WORDS = 1500  # long facts sections are cut here (the index stores the section)
OPENING_WORDS = 450
MIN_WORDS = 40  # a "section" shorter than this is a heading artefact, not facts
LEAD_WORDS = 80  # analysis sentences this early are the opinion's summary of itself

_AUTHOR = re.compile(
    r"^\s*(?:[A-Z][A-Z.'\- ]{1,40},\s+(?:Chief\s+|Senior\s+|Associate\s+)?"
    r"(?:Circuit\s+|District\s+|Magistrate\s+)?(?:Judge|Justice)\.(?=\s|$)"
    r"|.{0,60}\bdelivered the opinion of the Court\.(?=\s|$)"
    r"|PER CURIAM\.?|Per Curiam\.|OPINION OF THE COURT\b|OPINION\s*$|Opinion\s*$)",
)
_ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X)"
_HEADING = re.compile(
    rf"^\s*(?:(?P<num>{_ROMAN})(?:\.|\s|$)\s*(?P<title>[A-Z][A-Za-z ,.'&\-]{{0,70}})?"
    r"|(?P<caps>[A-Z][A-Z ,.'&\-]{3,70})"
    r"|(?P<word>(?:Factual |Procedural )?(?:Background|Facts|Discussion|Analysis|Conclusion)"
    r"(?: and [A-Z][a-z ]+)?))\s*$"
)
_FACTS_TITLE = re.compile(
    r"background|facts?\b|factual|history|proceedings below|the record", re.IGNORECASE
)
_ANALYSIS_TITLE = re.compile(
    r"discussion|analysis|standard of review|conclusion|merits|jurisdiction|qualified immunity|"
    r"legal (?:standard|framework)|applicable law|excessive force|fourth amendment|"
    r"the claims?|summary judgment",
    re.IGNORECASE,
)
_PAGE_MARK = re.compile(r"^\s*(?:Page \d+|\d+ U\. ?S\.|\*?\d+\s*$)")
_ANALYSIS_SENTENCE = re.compile(
    r"\b(?:we review\b|standard of review|de novo|summary judgment is (?:appropriate|proper)|"
    r"we (?:now )?turn to|the (?:question|issue) (?:presented|before us)|"
    r"qualified immunity (?:protects|shields)|we (?:hold|conclude)\b|we (?:affirm|reverse)\b|"
    r"in reviewing)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FactsSection:
    text: str
    method: str  # "heading" (a facts heading), "section_i" (bare part I), "opening"
    heading: str | None

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class _Heading:
    line: int
    num: str | None
    title: str

    @property
    def is_facts(self) -> bool:
        return bool(_FACTS_TITLE.search(self.title)) and not _ANALYSIS_TITLE.search(self.title)

    @property
    def is_analysis(self) -> bool:
        return bool(_ANALYSIS_TITLE.search(self.title))


def _body_start(lines: list[str]) -> int:
    """Index of the first line of the opinion proper (after the author line), or 0. The
    author line's own remainder ("LYNCH, Chief Judge.  This case …") becomes that line."""
    limit = max(60, len(lines) // 3)
    for i, line in enumerate(lines[:limit]):
        m = _AUTHOR.match(line)
        if m and not line.lstrip().lower().startswith("before"):
            rest = line[m.end() :].strip()
            if rest:
                lines[i] = rest
                return i
            return i + 1
    return 0


def _headings(lines: list[str], start: int) -> list[_Heading]:
    out = []
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or len(line.split()) > 10 or _PAGE_MARK.match(line):
            continue
        # A heading stands alone: blank (or nothing) on at least one side.
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        if not (prev_blank or next_blank):
            continue
        m = _HEADING.match(line)
        if not m:
            continue
        if m.group("caps") and sum(ch.isalpha() for ch in line) < 4:
            continue
        title = (m.group("title") or m.group("caps") or m.group("word") or "").strip()
        out.append(_Heading(i, m.group("num"), title))
    return out


def _join(lines: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def _cap(text: str, words: int = MAX_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words])


def facts_section(text: str) -> FactsSection:
    lines = text.splitlines()
    start = _body_start(lines)
    heads = _headings(lines, start)
    for k, h in enumerate(heads):
        if h.is_facts or (h.num == "I" and not h.is_analysis):
            end = len(lines)
            for later in heads[k + 1 :]:
                top_level = later.num is not None and later.num != "I"
                if later.is_analysis or top_level:
                    end = later.line
                    break
            body = _join(lines[h.line + 1 : end])
            if len(body.split()) >= MIN_WORDS:
                method = "heading" if h.is_facts else "section_i"
                return FactsSection(
                    _cap(body), method, (h.num or "") + (" " if h.num else "") + h.title
                )
    return FactsSection(_opening(_join(lines[start:])), "opening", None)


def _opening(body: str) -> str:
    """Opening sentences up to the first sentence of analysis. An analysis sentence in the
    first lines is the opinion's summary of itself ("We hold that …", Graham) and is skipped."""
    kept: list[str] = []
    count = 0
    for sentence in sentences(body):
        if _ANALYSIS_SENTENCE.search(sentence):
            if count < LEAD_WORDS:
                continue
            break
        kept.append(sentence)
        count += len(sentence.split())
        if count >= OPENING_WORDS:
            break
    return _cap(" ".join(kept), OPENING_WORDS)


_CITATION = re.compile(
    r"\b\d{1,4}\s+(?:U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.(?:\s?2d)?|F\.(?:\s?(?:2d|3d|4th))?|"
    r"F\.\s?Supp\.(?:\s?(?:2d|3d))?|F\.\s?App'x)\s+\d{1,5}(?:,\s*\d{1,5}(?:-\d+)?)*"
    r"(?:\s*\([^)]{0,40}\))?"
)
_CASE_NAME = re.compile(r"\b(?:[A-Z][\w.'&-]*\s){1,5}v\.\s(?:[A-Z][\w.'&-]*\s?){1,6},?")
_ID_CITE = re.compile(r"\b(?:Id|Ibid|See id|Supra)\.(?:\s+at\s+\d+)?", re.IGNORECASE)


def strip_citations(text: str) -> str:
    """`text` without reporter citations, "X v. Y" case names and id. cites: the query of
    the evaluation, so a later opinion cannot find its precedents by their names."""
    text = _CITATION.sub(" ", text)
    text = _CASE_NAME.sub(" ", text)
    text = _ID_CITE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()
