"""Whom an opinion relies on for clearly established law: the precedents it cites there.

A lawyer looking for clearly established law finds the closest earlier case on the facts and
reads whom that case relied on when it asked whether the law was clearly established. This
module reads that second half off an opinion's text: the reporter citations in its
"clearly established" sentences (and in a citation sentence that directly follows one, where
courts put the authority: "… was not clearly established. See Brosseau v. Haugen, 543 U. S.
194 (2004)."), resolved to opinions of the corpus.

Resolution: a full citation ("543 U. S. 194") names its first page, and only an opinion
starting on that page; a pin or short cite ("457 U. S., at 818", Justia's "457 U.S. at 457
U. S. 818") names a page inside the opinion: the case the text cites in full in that volume
starting nearest at or before it, or, when the text cites none, the cited opinion in that
volume whose first page is the nearest at or before it (at most `MAX_PIN_SPAN` pages
before). "clearly established Federal law" (habeas, 28 U.S.C. § 2254(d)) is a different
question and its sentences are skipped.

Used twice, and the two uses never meet: the index stores each opinion's resolved citations so
that earlier opinions with similar facts can vote for the precedents they relied on
(`similar.py`), and the evaluation (benchmarks/precedent_similar.py) reads a later opinion's
own sentences for its relevance labels — that opinion is never among its own voters (only
opinions decided strictly before it vote).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence

from monell.research.sentences import sentences

MAX_PIN_SPAN = 150  # pages: the longest opinion a pin cite is resolved into
_TRIGGER = "clearly established"
_HABEAS = re.compile(
    r"clearly established\s+(?:Federal|federal)\s+law|as determined by the Supreme"
)
_REPORTER = r"U\.\s?S\.|S\.\s?Ct\.|F\.\s?(?:2d|3d|4th)|F\."
# Justia's pin cite repeats the volume and reporter before the page: "457 U.S. at 457 U. S. 818".
_CITE = re.compile(
    rf"\b(\d{{1,4}})\s+({_REPORTER})(,?\s+at)?\s+(?:\1\s+(?:{_REPORTER})\s+)?(\d{{1,5}})\b"
)
# A sentence that is only authority for the one before it: "See …", "Cf. …", "Harlow v.
# Fitzgerald, 457 U. S. 800, 818 (1982).", "Id., at 640.", "457 U. S., at 818."
_CITATION_SENTENCE = re.compile(
    r"^(?:(?:See|see|Cf\.|cf\.|Accord|accord|Compare|But see|See also|See, e\.\s?g\.,|E\.\s?g\.,)"
    r"\s|[A-Z][\w.'&,\- ]{0,80}?\sv\.\s|\d{1,4}\s+(?:U\.\s?S\.|F\.|S\.\s?Ct\.))"
)
# A sentence that states the doctrine (Harlow's "rights of which a reasonable person would
# have known", Anderson's "contours", al-Kidd's "beyond debate") cites the doctrine's
# authors, not a precedent on the facts.
DOCTRINE = re.compile(
    r"reasonable person would have known|shield|protects?\s+(?:government\s+)?officials|"
    r"plainly incompetent|two[- ](?:part|prong|step)|contours of the right|sufficiently clear|"
    r"high level of generality|beyond debate|\bwhether\b|\bunless\b|\bif\b|in light of|"
    r"fair warning|objective legal reasonableness|purpose of|doctrine|standard",
    re.IGNORECASE,
)

Cite = tuple[str, str, int]  # (volume, reporter without spaces, page)
# A cite found in a text: a pin (", at") or not (a full cite names the first page).
Cited = tuple[str, str, int, bool]


def _reporter(raw: str) -> str:
    return raw.replace(" ", "")


def established_cites(text: str, *, doctrine: bool = True) -> list[Cited]:
    """(volume, reporter, page, pin) of every reporter citation in the opinion's "clearly
    established" sentences and in a citation sentence right after one; `doctrine=False`
    leaves out sentences that state the doctrine (`DOCTRINE`)."""
    if _TRIGGER not in text.lower():
        return []
    out: list[Cited] = []
    parts = list(sentences(text))
    for i, sentence in enumerate(parts):
        if _TRIGGER not in sentence.lower() or _HABEAS.search(sentence):
            continue
        if not doctrine and DOCTRINE.search(sentence):
            continue
        window = [sentence]
        if i + 1 < len(parts) and _CITATION_SENTENCE.match(parts[i + 1]):
            window.append(parts[i + 1])
        for part in window:
            out.extend(
                (vol, _reporter(rep), int(page), bool(at))
                for vol, rep, at, page in _CITE.findall(part)
            )
    if not any(pin for *_, pin in out):
        return out
    firsts = _full_cites(text)
    return [_antecedent(cite, firsts) if cite[3] else cite for cite in out]


def _full_cites(text: str) -> dict[tuple[str, str], list[int]]:
    """First pages of the cases `text` cites in full, per (volume, reporter); Justia's
    parallel pin ("457 U. S. 800, 457 U. S. 818") is not a case of its own."""
    out: dict[tuple[str, str], list[int]] = {}
    previous: tuple[str, str, int] | None = None  # the last full cite and where it ended
    for m in _CITE.finditer(text):
        vol, rep = m.group(1), _reporter(m.group(2))
        parallel = (
            previous is not None
            and previous[:2] == (vol, rep)
            and re.fullmatch(r",\s*", text[previous[2] : m.start()]) is not None
        )
        if not m.group(3) and not parallel:
            out.setdefault((vol, rep), []).append(int(m.group(4)))
        previous = (vol, rep, m.end())
    return {k: sorted(set(v)) for k, v in out.items()}


def _antecedent(cite: Cited, firsts: Mapping[tuple[str, str], list[int]]) -> Cited:
    """A pin cite as the full cite it refers back to: the case the text cites in full in
    that volume starting nearest at or before the page (so a pin into a case absent from the
    corpus is never given to another case the opinion cites); unchanged without one."""
    vol, rep, page, _pin = cite
    pages = firsts.get((vol, rep), [])
    at = bisect.bisect_right(pages, page) - 1
    if at < 0 or page - pages[at] > MAX_PIN_SPAN:
        return cite
    return vol, rep, pages[at], False


def parse_citation(citation: str) -> Cite | None:
    """An opinion's own reporter citation ("457 U.S. 800") as a Cite, or None."""
    m = _CITE.match(citation.strip())
    if not m or m.group(3):
        return None
    return m.group(1), _reporter(m.group(2)), int(m.group(4))


class CiteResolver:
    """Cites → opinion ids among `opinions` (id → its own reporter citations)."""

    def __init__(self, opinions: Mapping[int, Iterable[str]]) -> None:
        table: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for oid, citations in opinions.items():
            for citation in citations:
                parsed = parse_citation(citation)
                if parsed is not None:
                    table.setdefault(parsed[:2], []).append((parsed[2], oid))
        self._table = {k: sorted(v) for k, v in table.items()}

    def resolve(self, cites: Sequence[Cite | Cited]) -> set[int]:
        """The opinions `cites` name; a (volume, reporter, page) without the pin flag is
        resolved as a pin cite."""
        found: set[int] = set()
        for cite in cites:
            vol, rep, page = cite[:3]
            pin = len(cite) < 4 or bool(cite[3])
            rows = self._table.get((vol, rep))
            if not rows:
                continue
            at = bisect.bisect_right(rows, (page, float("inf"))) - 1
            if at < 0:
                continue
            first, _ = rows[at]
            if page - first > MAX_PIN_SPAN or (not pin and first != page):
                continue
            # Every opinion starting on that page (a decision's majority and separate
            # writings share the first page): the caller keeps those it knows were cited.
            while at >= 0 and rows[at][0] == first:
                found.add(rows[at][1])
                at -= 1
        return found
