"""Facts: an incident or an opinion's facts section reduced to one vocabulary.

The vocabulary is data (`research/data/facts.yaml`): each fact has regex patterns, positive
and negative example sentences (tested), an optional negation guard and the incident fields
that imply it. Both sides of a precedent search go through the same `facts_in_text`, so a
narrative saying "tased while handcuffed" and an opinion saying "deployed his Taser after he
was cuffed" share the facts `taser` and `handcuffed` whatever their words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from monell.research.sentences import sentences

_NEGATION = re.compile(
    r"\b(?:not|never|no|without|didn't|wasn't|weren't|nor|neither|refused to)\b", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"[,;:.()]")
_NEGATION_WORDS = 4


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    negatable: bool
    generic: bool  # says what kind of case it is (an arrest, force), not what happened
    implied_by: Mapping[str, tuple[str, ...]]
    positive: tuple[str, ...]
    negative: tuple[str, ...]


class FactDataError(ValueError):
    """facts.yaml is malformed; the message names the fact and the field."""


@cache
def vocabulary() -> tuple[Fact, ...]:
    raw = resources.files("monell.research").joinpath("data/facts.yaml").read_text("utf-8")
    return parse_vocabulary(yaml.safe_load(raw))


def parse_vocabulary(data: Any) -> tuple[Fact, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise FactDataError("facts.yaml: top level must be a mapping with a 'facts' mapping")
    out = []
    for key, spec in data["facts"].items():
        if not isinstance(spec, dict):
            raise FactDataError(f"facts.{key}: must be a mapping")
        for required in ("label", "patterns", "positive", "negative"):
            if not spec.get(required):
                raise FactDataError(f"facts.{key}.{required}: missing or empty")
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in spec["patterns"])
        except re.error as exc:
            raise FactDataError(f"facts.{key}.patterns: {exc}") from None
        implied = spec.get("implied_by") or {}
        unknown = set(implied) - {"conduct", "custody", "criminal_case"}
        if unknown:
            raise FactDataError(f"facts.{key}.implied_by: unknown field(s) {sorted(unknown)}")
        out.append(
            Fact(
                id=str(key),
                label=str(spec["label"]),
                patterns=patterns,
                negatable=bool(spec.get("negatable", False)),
                generic=bool(spec.get("generic", False)),
                implied_by={k: tuple(str(v) for v in vs) for k, vs in implied.items()},
                positive=tuple(spec["positive"]),
                negative=tuple(spec["negative"]),
            )
        )
    return tuple(out)


def vocabulary_fingerprint() -> str:
    """Changes when what is stored per opinion would change (a fact, its patterns, its
    negation flag, the negation rule), so the index is rebuilt; labels, examples and the
    generic flag are read at query time and change nothing stored."""
    parts = [
        f"{f.id}:{f.negatable}:" + "|".join(p.pattern for p in f.patterns) for f in vocabulary()
    ]
    parts.append(f"{_NEGATION.pattern}|{_CLAUSE_END.pattern}|{_NEGATION_WORDS}")
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]


def generic_facts() -> frozenset[str]:
    return frozenset(f.id for f in vocabulary() if f.generic)


def _negated(sentence: str, start: int) -> bool:
    """A negation among the four words before the match, in the same clause: "did not use a
    Taser" is negated, "although he was not resisting, tased him" is not."""
    clause = _CLAUSE_END.split(sentence[:start])[-1]
    return bool(_NEGATION.search(" ".join(clause.split()[-_NEGATION_WORDS:])))


def fact_in_sentence(fact: Fact, sentence: str) -> bool:
    for pattern in fact.patterns:
        for m in pattern.finditer(sentence):
            if fact.negatable and _negated(sentence, m.start()):
                continue
            return True
    return False


def facts_in_text(text: str, *, max_sentences: int | None = None) -> dict[str, str]:
    """Fact id → the first sentence stating it (evidence a reader can check)."""
    found: dict[str, str] = {}
    vocab = vocabulary()
    for i, sentence in enumerate(sentences(text)):
        if max_sentences is not None and i >= max_sentences:
            break
        for fact in vocab:
            if fact.id not in found and fact_in_sentence(fact, sentence):
                found[fact.id] = sentence
    return found


def implied_facts(
    conduct: Iterable[str], custody: str | None, criminal_case: str | None
) -> dict[str, str]:
    """Facts the incident's coded fields establish, each with the field that implies it."""
    fields: dict[str, set[str]] = {
        "conduct": set(conduct),
        "custody": {custody} if custody else set(),
        "criminal_case": {criminal_case} if criminal_case else set(),
    }
    out: dict[str, str] = {}
    for fact in vocabulary():
        for name, values in fact.implied_by.items():
            hit = sorted(fields[name] & set(values))
            if hit:
                out[fact.id] = f"{name}: {hit[0]}"
                break
    return out


def label(fact_id: str) -> str:
    for fact in vocabulary():
        if fact.id == fact_id:
            return fact.label
    return fact_id
