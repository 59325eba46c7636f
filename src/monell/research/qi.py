"""Qualified-immunity signals read from an opinion's own sentences, by named rules.

Why rules and not a model: a lawyer must be able to see *why* Monell says an opinion granted
qualified immunity, so every signal carries the rule that fired and the sentence it fired on.
The rules were written against the `dev` half of `data/labels/qi_labels.jsonl`; the `holdout`
half measures them (`monell-qi-eval`, docs/performance.md "QI classifier").

The hard part of reading an opinion is voice: most sentences that mention qualified immunity
describe what a lower court, a party, a dissent or an earlier case said ("The Court of Appeals
held that the officers were not entitled to qualified immunity"). Only the court's own holding
counts, so every rule runs only on sentences that `_reports_someone_else` lets through.

Signals (the labelled fields):
- decides: the opinion itself rules whether a defendant is (or a class of defendants can be)
  entitled to qualified immunity — procedural rulings (appealability, pleading) do not count;
- result: granted (the defendant is protected) or denied;
- disposition: what the appellate court did with the judgment below: affirmed or reversed
  (vacatur counts as reversed);
- rights: the `Conduct` codes the claim was about;
- prongs: which prong the grant rests on: no_violation and/or not_clearly_established.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from monell.domain.vocabulary import Conduct
from monell.research.sentences import sentences


class QiResult(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"


class Disposition(StrEnum):
    AFFIRMED = "affirmed"
    REVERSED = "reversed"


class Prong(StrEnum):
    NO_VIOLATION = "no_violation"
    NOT_CLEARLY_ESTABLISHED = "not_clearly_established"


@dataclass(frozen=True)
class Evidence:
    """One rule firing: which rule, what it says, and the sentence it read."""

    rule: str
    field: str
    value: str
    sentence: str


@dataclass(frozen=True)
class QiSignals:
    decides: bool
    result: QiResult | None
    disposition: Disposition | None
    rights: tuple[Conduct, ...]
    prongs: tuple[Prong, ...]
    evidence: tuple[Evidence, ...]

    @property
    def outcome(self) -> str | None:
        """Short form for result lists: 'granted (reversed)', 'denied (affirmed)', 'granted'."""
        if self.result is None:
            return None
        return f"{self.result} ({self.disposition})" if self.disposition else str(self.result)

    def sentence_for(self, field: str) -> str | None:
        for e in self.evidence:
            if e.field == field:
                return e.sentence
        return None


@dataclass(frozen=True)
class Rule:
    """A named regex over one sentence; `value` is what the field becomes when it matches."""

    name: str
    field: str
    value: str
    pattern: re.Pattern[str]
    why: str


def _rx(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


_QI = r"(?:a\s+)?(?:qualified\s+)?immunity"
_ENTITLED = rf"entitled\s+to\s+{_QI}"

# Sentences in another's voice: a lower court, a party, a dissent, an earlier case, a
# hypothetical. Any hit keeps the sentence away from the result rules.
_OTHER_VOICE = _rx(
    r"\b(?:dissent\w*|would\s+have\s+held|would\s+(?:affirm|reverse)|I\s+would|we\s+granted\s+"
    r"certiorari|question\s+presented|(?:in|see)\s+[A-Z]\w+[^.]{0,40},\s+we\s+held|we\s+have\s+"
    r"held|we\s+held\s+that|we\s+(?:concluded|explained)\s+in|other\s+courts|cf\.|see,?\s+"
    r"e\.\s?g\.|petitioners?\s+(?:argue|contend|urge|claim)|respondents?\s+(?:argue|contend|"
    r"urge|claim)|appellants?\s+(?:argue|contend|urge|claim)|defendants?\s+(?:argue|contend|"
    r"further\s+contend|moved|say|replied)|moved\s+for|motion)"
)
_LOWER_COURT = _rx(
    r"\b(?:district\s+court|court\s+of\s+appeals|(?:First|Second|Third|Fourth|Fifth|Sixth|"
    r"Seventh|Eighth|Ninth|Tenth|Eleventh|D\.\s?C\.|Federal)\s+Circuit|circuit\s+(?:court|held|"
    r"concluded|panel)|the\s+(?:trial\s+)?court\s+(?:\w+\s+){0,3}(?:held|found|conclude|concluded|"
    r"ruled|reasoned|granted|denied|declined|stated)|the\s+court,|the\s+panel|the\s+majority|"
    r"judge\s+\w+)"
)
# Statements of doctrine ("officials are entitled to immunity unless ..."), not holdings.
_DOCTRINE = _rx(
    r"(?:^(?:if|when|although|unless|under)\b|\bwhether\b|\bunless\b|\binsofar\s+as\b|\bso\s+long\s+"
    r"as\b|\bmay\s+(?:claim|assert|invoke)|\bgenerally\b|\bif\s+the\b|\bis\s+adequately\b|"
    r"\bthe\s+doctrine\s+of\b|\brepresents\s+the\s+norm|\beven\s+if\b)"
)
_CITED_CASE = _rx(r"\(\s*(?:holding|granting|denying|finding|noting)\b|\bsupra\b.*\bheld\b")

_WE_REVERSE = (
    r"(?:\bwe\b[^.]{0,25}\b(?:reverse|vacate)\b|\bis\s+(?:reversed|vacated)\b"
    r"|\bmust\s+(?:therefore\s+)?be\s+reversed)"
)
_WE_AFFIRM = r"(?:\bwe\b[^.]{0,25}\baffirm\b)"

# Judgment rules read sentences in the court's voice even when they name the court below
# ("we reverse the judgment of the Court of Appeals denying qualified immunity").
JUDGMENT_RULES: tuple[Rule, ...] = (
    Rule(
        "qi.reverse_denial",
        "result",
        QiResult.GRANTED,
        _rx(
            rf"{_WE_REVERSE}[^.]{{0,120}}(?:denying|denial\s+of|not\s+{_ENTITLED})[^.]{{0,40}}"
            rf"immun|(?:denying|denial\s+of)[^.]{{0,60}}immun[^.]{{0,60}}{_WE_REVERSE}"
        ),
        "Reversing a judgment that denied immunity grants it.",
    ),
    Rule(
        "qi.affirm_grant",
        "result",
        QiResult.GRANTED,
        _rx(
            rf"{_WE_AFFIRM}[^.]{{0,60}}grant\s+of\s+{_QI}|ruling\s+that[^.]{{0,60}}{_ENTITLED}"
            r"[^.]{0,80}was\s+(?:plainly\s+|legally\s+)?correct"
        ),
        "Affirming a grant of immunity grants it.",
    ),
    Rule(
        "qi.affirm_denial",
        "result",
        QiResult.DENIED,
        _rx(
            rf"{_WE_AFFIRM}[^.]{{0,80}}denial\s+of[^.]{{0,60}}{_QI}|denial\s+of[^.]{{0,60}}"
            rf"{_QI}\s+was\s+(?:legally\s+|plainly\s+)?correct"
        ),
        "Affirming a denial of immunity denies it.",
    ),
)

RESULT_RULES: tuple[Rule, ...] = (
    Rule(
        "qi.not_entitled",
        "result",
        QiResult.DENIED,
        _rx(
            rf"\b(?:is|are|was|were)\s+not\s+{_ENTITLED}|{_QI}\s+(?:defense\s+)?does\s+not\s+"
            rf"(?:rescue|shield|protect|apply)|\bnot\s+available\s+to\b|has\s+no\s+immunity"
        ),
        "The court says in its own voice that the defendant is not entitled to immunity.",
    ),
    Rule(
        "qi.entitled",
        "result",
        QiResult.GRANTED,
        _rx(
            rf"\b(?:is|are|was|were|be)\s+(?:thus\s+|therefore\s+|nonetheless\s+|at\s+least\s+"
            rf"|similarly\s+)?{_ENTITLED}|protected\s+by\s+{_QI}|cloak\s+of\s+{_QI}|"
            rf"{_QI}\s+(?:bars|shields|shielded|protects)\b|dismissal\s+on\s+grounds\s+of\s+"
            rf"{_QI}"
        ),
        "The court says in its own voice that the defendant is entitled to immunity.",
    ),
)

DISPOSITION_RULES: tuple[Rule, ...] = (
    Rule(
        "disposition.reverse",
        "disposition",
        Disposition.REVERSED,
        _rx(
            r"(?:^(?:reversed|vacated)\b|\bwe\s+(?:therefore\s+|now\s+|accordingly\s+)?"
            r"(?:reverse|vacate)\b|\bis\s+(?:reversed|vacated)\b|\bmust\s+(?:therefore\s+)?be\s+"
            r"reversed|\b(?:F\.\s?\dd|U\.\s?S\.)\s+\d+,\s+reversed|\bjudgment\s+is\s+vacated"
            r"|\band\s+(?:therefore\s+)?reverse\b)"
        ),
        "The appellate court's own judgment line sets aside the decision below.",
    ),
    Rule(
        "disposition.affirm",
        "disposition",
        Disposition.AFFIRMED,
        _rx(
            r"(?:^affirmed\b|\bwe\s+(?:therefore\s+|now\s+|accordingly\s+|likewise\s+)?affirm\b"
            r"|\bis\s+affirmed\b|\b(?:F\.\s?\dd|F\.\s?Supp\.)\s+\d+,\s+affirmed|\bproperly\s+"
            r"concluded|was\s+plainly\s+correct|was\s+(?:legally\s+)?correct)"
        ),
        "The appellate court's own judgment line leaves the decision below standing.",
    ),
)

PRONG_RULES: tuple[Rule, ...] = (
    Rule(
        "prong.not_clearly_established",
        "prong",
        Prong.NOT_CLEARLY_ESTABLISHED,
        _rx(
            r"(?:not\s+(?:been\s+)?\"?clearly\s+established|(?:did\s+not|does\s+not|not)\s+"
            r"violate\s+(?:any\s+)?clearly\s+established|violated\s+no\s+clearly\s+established|"
            r"no\s+clearly\s+established|not\s+[\"“‘' ]*beyond\s+debate|could\s+not\s+have\s+"
            r"reasonably\s+known|would\s+not\s+have\s+been\s+clear|clarity\s+with\s+which|"
            r"squarely\s+governs|absence\s+of\s+a\s+clearly\s+established|not\s+yet\s+clearly\s+"
            r"established|insufficient\s+to\s+overcome)"
        ),
        "The grant rests on the second prong: no prior law put the violation beyond debate.",
    ),
    Rule(
        "prong.no_violation",
        "prong",
        Prong.NO_VIOLATION,
        _rx(
            r"(?:did\s+not\s+violate\s+the\s+(?:First|Fourth|Eighth|Fourteenth)\s+Amendment|"
            r"first\s+inquiry|failed\s+to\s+(?:introduce|allege|show)[^.]{0,80}violat|no\s+"
            r"(?:constitutional\s+)?violation\s+(?:occurred|at\s+all)|reverse\s+on\s+both\s+"
            r"grounds)"
        ),
        "The grant rests on the first prong: the facts show no constitutional violation.",
    ),
)

# Rights: which conduct the claim concerns, read from how often the opinion names it. Counts,
# not single mentions, because opinions cite force and search cases in passing.
RIGHTS_RULES: tuple[tuple[str, Conduct, re.Pattern[str], int], ...] = (
    ("rights.deadly_force", Conduct.DEADLY_FORCE, _rx(r"deadly\s+force|\bshot\b|\bshooting\b"), 4),
    ("rights.excessive_force", Conduct.EXCESSIVE_FORCE, _rx(r"excessive\s+force"), 3),
    (
        "rights.false_arrest",
        Conduct.FALSE_ARREST,
        _rx(
            r"probable\s+cause\s+to\s+arrest|false\s+arrest|unlawful\s+arrest|wrongful\s+arrest|"
            r"arrest\s+without\s+probable\s+cause|warrantless\s+arrest"
        ),
        3,
    ),
    (
        "rights.unlawful_search",
        Conduct.UNLAWFUL_SEARCH,
        _rx(
            r"\bsearch(?:ed|es)?\b|warrantless\s+entry|entry\s+into\s+(?:the|a|his|her)\s+home|"
            r"wiretap"
        ),
        8,
    ),
    (
        "rights.first_amendment_retaliation",
        Conduct.FIRST_AMENDMENT_RETALIATION,
        _rx(r"retaliat\w+"),
        4,
    ),
    (
        "rights.malicious_prosecution",
        Conduct.MALICIOUS_PROSECUTION,
        _rx(r"malicious\s+prosecution"),
        4,
    ),
    (
        "rights.fabrication_of_evidence",
        Conduct.FABRICATION_OF_EVIDENCE,
        _rx(r"fabricat\w+\s+(?:of\s+)?evidence|fabricated"),
        3,
    ),
    (
        "rights.failure_to_intervene",
        Conduct.FAILURE_TO_INTERVENE,
        _rx(r"failure\s+to\s+intervene|duty\s+to\s+intervene"),
        2,
    ),
    (
        "rights.denial_of_medical_care",
        Conduct.DENIAL_OF_MEDICAL_CARE,
        _rx(r"medical\s+(?:care|needs|treatment)"),
        4,
    ),
)
_FIRST_AMENDMENT = _rx(r"First\s+Amendment")
_WE = _rx(r"\bwe\b|\bhold\b|^Held\b")


def _other_voice(sentence: str) -> bool:
    return bool(_OTHER_VOICE.search(sentence) or _CITED_CASE.search(sentence))


def _reports_someone_else(sentence: str) -> bool:
    return _other_voice(sentence) or bool(_LOWER_COURT.search(sentence))


def _mentions_qi(sentence: str) -> bool:
    return bool(re.search(r"immun", sentence, re.IGNORECASE))


def _first(rules: Iterable[Rule], own: list[str]) -> Evidence | None:
    for rule in rules:
        for sentence in own:
            if rule.pattern.search(sentence):
                return Evidence(rule.name, rule.field, str(rule.value), sentence)
    return None


def classify(text: str) -> QiSignals:
    """Read one opinion's text and return its QI signals with the evidence for each."""
    all_sentences = list(sentences(text))
    own = [s for s in all_sentences if not _reports_someone_else(s)]
    own_qi = [s for s in own if _mentions_qi(s)]
    holdings = [s for s in own_qi if not _DOCTRINE.search(s)]
    judgments = [s for s in all_sentences if _mentions_qi(s) and not _other_voice(s)]

    evidence: list[Evidence] = []
    result_ev = _first(JUDGMENT_RULES, judgments) or _first(RESULT_RULES, holdings)
    if result_ev is None:
        return QiSignals(False, None, None, (), (), ())
    evidence.append(result_ev)
    result = QiResult(result_ev.value)

    # The judgment line: prefer one that speaks of immunity, else the last one in the opinion
    # (syllabus lines come first, the court's closing line last).
    disposition: Disposition | None = None
    disp_ev = _first(DISPOSITION_RULES, judgments)
    if disp_ev is None:
        closing = [
            s
            for s in all_sentences
            if not _other_voice(s) and any(r.pattern.search(s) for r in DISPOSITION_RULES)
        ]
        if closing:
            disp_ev = _first(DISPOSITION_RULES, [closing[-1]])
    if result_ev.rule == "qi.reverse_denial":
        disp_ev = Evidence(
            "qi.reverse_denial", "disposition", Disposition.REVERSED, result_ev.sentence
        )
    elif result_ev.rule in ("qi.affirm_grant", "qi.affirm_denial"):
        disp_ev = Evidence(result_ev.rule, "disposition", Disposition.AFFIRMED, result_ev.sentence)
    if disp_ev is not None:
        evidence.append(disp_ev)
        disposition = Disposition(disp_ev.value)

    prongs: list[Prong] = []
    if result is QiResult.GRANTED:
        for rule in PRONG_RULES:
            hit = _first((rule,), own_qi) or _first((rule,), [s for s in own if _WE.search(s)])
            if hit is not None:
                prongs.append(Prong(hit.value))
                evidence.append(hit)

    rights: list[Conduct] = []
    for name, conduct, pattern, minimum in RIGHTS_RULES:
        hits = [s for s in all_sentences if pattern.search(s)]
        if conduct is Conduct.FIRST_AMENDMENT_RETALIATION:
            hits = [s for s in hits if _FIRST_AMENDMENT.search(text)]
        if len(hits) >= minimum:
            rights.append(conduct)
            evidence.append(Evidence(name, "rights", str(conduct), hits[0]))
    # Deadly force is the serious case of excessive force; report the narrower code alone.
    if Conduct.DEADLY_FORCE in rights and Conduct.EXCESSIVE_FORCE in rights:
        rights.remove(Conduct.EXCESSIVE_FORCE)

    return QiSignals(True, result, disposition, tuple(rights), tuple(prongs), tuple(evidence))


def rules_fingerprint() -> str:
    """Changes whenever a rule or a voice filter changes, so stored signals get recomputed."""
    import hashlib

    parts = [
        f"{r.name}={r.pattern.pattern}"
        for r in (*JUDGMENT_RULES, *RESULT_RULES, *DISPOSITION_RULES, *PRONG_RULES)
    ]
    parts += [f"{name}={p.pattern}>={n}" for name, _, p, n in RIGHTS_RULES]
    parts += [p.pattern for p in (_OTHER_VOICE, _LOWER_COURT, _DOCTRINE, _CITED_CASE, _WE)]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]
