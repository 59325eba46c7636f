"""Opinion text → sentences and passages.

Court opinions break naive sentence splitters: "Graham v. Connor, 490 U. S. 386, 396 (1989)"
holds four periods that end nothing, and page-wrapped PDF text (CourtListener `plain_text`)
puts line breaks mid-sentence. The QI rules read sentences and the search shows a passage, so
both come from here: whitespace is normalised first, then text is split after a period only
when the word before it is not a known legal abbreviation and the next word starts a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Words that end in a period inside citations and captions (Bluebook T6/T7 and reporters).
_ABBREVIATIONS = frozenset(
    [
        "v",
        "vs",
        "no",
        "nos",
        "u",
        "s",
        "l",
        "ed",
        "f",
        "supp",
        "cir",
        "ct",
        "app",
        "inc",
        "co",
        "corp",
        "ltd",
        "dept",
        "dep't",
        "e",
        "g",
        "i",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "id",
        "cf",
        "art",
        "amend",
        "const",
        "stat",
        "ann",
        "pp",
        "p",
        "ex",
        "rel",
        "cert",
        "den",
        "fed",
        "cl",
        "cls",
        "n",
        "nn",
        "gen",
        "assn",
        "bd",
        "comm'n",
        "comm'rs",
        "cnty",
        "cty",
        "dist",
        "div",
        "sup",
        "rev",
        "j",
        "jj",
        "seq",
        "al",
        "ibid",
        "op",
        "ord",
        "sec",
        "ch",
    ]
)
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“(]?[A-Z])")
_PAGE_MARK = re.compile(r"Page \d+ U\. ?S\. \d+|- \d+ -")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """One line of text: page markers dropped, every run of whitespace one space."""
    return _SPACES.sub(" ", _PAGE_MARK.sub(" ", text)).strip()


def _ends_with_abbreviation(chunk: str) -> bool:
    last = chunk.rstrip("\"'”’)] ").rsplit(" ", 1)[-1].rstrip(".").lower()
    if not last:
        return False
    # Single letters ("U. S.", "J.") and reporter series ("F. 2d", "L. Ed.") end nothing.
    return last in _ABBREVIATIONS or len(last) == 1


def sentences(text: str) -> Iterator[str]:
    """Yield the sentences of an opinion, in order, with whitespace normalised."""
    flat = normalise(text)
    start = 0
    pending = ""
    for match in _SPLIT.finditer(flat):
        piece = flat[start : match.start()].strip()
        start = match.end()
        candidate = f"{pending} {piece}".strip() if pending else piece
        if _ends_with_abbreviation(candidate):
            pending = candidate
            continue
        pending = ""
        if candidate:
            yield candidate
    tail = f"{pending} {flat[start:]}".strip() if pending else flat[start:].strip()
    if tail:
        yield tail


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences, the unit that is embedded and shown to the lawyer."""

    index: int
    text: str


def passages(text: str, *, words: int = 120) -> list[Passage]:
    """Group sentences into passages of about `words` words (never splitting a sentence)."""
    out: list[Passage] = []
    buf: list[str] = []
    count = 0
    for sentence in sentences(text):
        n = sentence.count(" ") + 1
        if buf and count + n > words:
            out.append(Passage(len(out), " ".join(buf)))
            buf, count = [], 0
        buf.append(sentence)
        count += n
    if buf:
        out.append(Passage(len(out), " ".join(buf)))
    return out
