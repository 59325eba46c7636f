"""What an opinion held: the passage that holds, and whether it found a constitutional violation.

Named rules over the court's own sentences (the voice filter of `qi.py`: a sentence reporting
what the district court, a party or an earlier case said does not count), each answer carrying
the rule and the sentence it read, as the QI signals do. "Found a violation" has four answers:

- `violation`: the court said the conduct violated the Constitution, or that a jury could
  find it did (a denial of qualified immunity on the first prong says the same);
- `no_violation`: the court held there was none (or QI granted on that prong);
- `not_reached`: QI granted only because the right was not clearly established, the first
  prong left open (Pearson lets courts skip it);
- `unknown`: no rule fired — nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monell.research.qi import Prong, QiResult, QiSignals, _reports_someone_else
from monell.research.sentences import sentences

_AMENDMENT = r"(?:Fourth|Eighth|Fourteenth|First|constitutional|federal)"
_NEGATED = re.compile(
    r"\b(?:not|no|never|neither|nor|cannot|could not|did not|does not|would not)\b", re.I
)
_VIOLATION = [
    (
        "violation.violated_rights",
        re.compile(
            rf"\b(?:violated|violates|infringed)\s+(?:the\s+)?(?:\w+'s?\s+|his\s+|her\s+|their\s+)?"
            rf"(?:clearly established\s+)?{_AMENDMENT}\s+(?:Amendment\s+)?rights?",
            re.I,
        ),
    ),
    (
        "violation.jury_could_find",
        re.compile(
            r"\b(?:a|any) reasonable (?:jury|factfinder|fact-finder) could (?:find|conclude)"
            r"[^.]{0,80}\b(?:excessive|unreasonable|violat|without probable cause|deliberate)",
            re.I,
        ),
    ),
    (
        "violation.excessive_force",
        re.compile(
            r"\b(?:was|were|constituted|amounted to)\s+(?:clearly\s+)?(?:excessive|an? "
            r"(?:unreasonable|excessive) (?:use of )?force)\b",
            re.I,
        ),
    ),
]
_NO_VIOLATION = [
    (
        "no_violation.no_violation",
        re.compile(
            rf"\bno\s+(?:{_AMENDMENT}\s+(?:Amendment\s+)?)?(?:constitutional\s+)?violation\b", re.I
        ),
    ),
    (
        "no_violation.did_not_violate",
        re.compile(
            rf"\b(?:did|does) not violate\s+(?:the\s+)?(?:\w+'s?\s+|his\s+|her\s+|their\s+)?"
            rf"{_AMENDMENT}",
            re.I,
        ),
    ),
    (
        "no_violation.objectively_reasonable",
        re.compile(
            r"\b(?:force|conduct|actions?|use of force|arrest|search)\s+(?:\w+\s+){0,3}"
            r"(?:was|were)\s+(?:objectively\s+)?reasonable\b",
            re.I,
        ),
    ),
]
_WE_HOLD = re.compile(
    r"\b(?:we|the court)\s+(?:therefore\s+|thus\s+|now\s+)?(?:hold|conclude|agree|find)\b|"
    r"^(?:Held|Accordingly|For (?:the|these) reasons|We (?:affirm|reverse|vacate))\b",
    re.I,
)


@dataclass(frozen=True)
class Finding:
    value: str  # violation | no_violation | not_reached | unknown
    rule: str | None
    sentence: str | None


# A sentence quoting a cited opinion ("… violated [his] rights.” 433 F. 3d, at 816) or about
# the second prong ("fair warning that his conduct was unconstitutional") is not a finding.
_QUOTED_OR_PRONG_TWO = re.compile(
    r"\d+\s+(?:F\.\s?(?:\dd|\dth)?|U\.\s?S\.|S\.\s?Ct\.)|clearly established|fair warning|"
    r"[\"“”]\s*\(?\d",
    re.I,
)


def _own(text: str) -> list[str]:
    return [s for s in sentences(text) if not _reports_someone_else(s)]


def violation_finding(text: str, qi: QiSignals | None) -> Finding:
    own = _own(text)
    for name, pattern in _NO_VIOLATION:
        for s in own:
            if pattern.search(s) and _WE_HOLD.search(s):
                return Finding("no_violation", name, s)
    for name, pattern in _VIOLATION:
        for s in own:
            m = pattern.search(s)
            if (
                m
                and not _QUOTED_OR_PRONG_TWO.search(s)
                and not _NEGATED.search(s[max(0, m.start() - 40) : m.start()])
                and (_WE_HOLD.search(s) or name == "violation.jury_could_find")
            ):
                return Finding("violation", name, s)
    if qi is not None and qi.result is not None:
        sentence = qi.sentence_for("prongs") or qi.sentence_for("result")
        if Prong.NO_VIOLATION in qi.prongs:
            return Finding("no_violation", "qi.prong_no_violation", sentence)
        if Prong.NOT_CLEARLY_ESTABLISHED in qi.prongs:
            return Finding("not_reached", "qi.prong_not_clearly_established", sentence)
        if qi.result is QiResult.DENIED:
            return Finding("violation", "qi.denied", qi.sentence_for("result"))
    return Finding("unknown", None, None)


def holding_passage(text: str, qi: QiSignals | None, finding: Finding) -> str | None:
    """The sentence that holds: the QI ruling, else the violation ruling, else the last
    "we hold / we conclude" sentence of the court's own voice."""
    if qi is not None and qi.sentence_for("result"):
        return qi.sentence_for("result")
    if finding.sentence:
        return finding.sentence
    holds = [s for s in _own(text) if _WE_HOLD.search(s)]
    return holds[-1] if holds else None
