"""Strategy notes: every note sourced, selection by payer kind, malformed notes rejected."""

from __future__ import annotations

import pytest

from monell.domain.vocabulary import Confidence
from monell.exposure.strategy import StrategyDataError, load_notes, notes_for, parse_notes


def test_every_note_has_sources_and_confirmed_ones_a_citation() -> None:
    notes = load_notes()
    assert len(notes) >= 5
    for n in notes:
        assert n.sources and n.finding and n.implication
        if n.confidence is Confidence.CONFIRMED:
            assert n.citation, n.id
        if n.confidence is Confidence.UNVERIFIED:
            assert n.check, n.id


def test_schwartz_citation_is_exact() -> None:
    note = next(n for n in load_notes() if n.id == "officers_rarely_pay")
    assert note.citation == (
        "Joanna C. Schwartz, Police Indemnification, 89 N.Y.U. L. Rev. 885 (2014)"
    )
    assert note.confidence is Confidence.CONFIRMED


def test_selection_by_payer_kind() -> None:
    insured = {n.id for n in notes_for({"commercial_insurer"})}
    self_funded = {n.id for n in notes_for({"self_insurance_fund"})}
    assert "insurers_regulate_police" in insured and "insurers_regulate_police" not in self_funded
    assert "large_agencies_self_fund" in self_funded
    assert "officers_rarely_pay" in insured & self_funded


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ({"id": "x"}, "'topic' is missing"),
        ({"id": "x", "topic": "t", "applies_when": ["sometimes"], "finding": "f",
          "implication": "i", "sources": ["s"], "confidence": "confirmed"}, "unknown"),
        ({"id": "x", "topic": "t", "applies_when": ["always"], "finding": "f",
          "implication": "i", "sources": ["s"], "confidence": "unverified"}, "needs 'check'"),
        ({"id": "x", "topic": "t", "applies_when": ["always"], "finding": "f",
          "implication": "i", "sources": ["s"], "confidence": "likely"}, "not one of"),
    ],
)  # fmt: skip
def test_malformed_note_is_rejected(note: dict, message: str) -> None:
    with pytest.raises(StrategyDataError, match=message):
        parse_notes({"notes": [note]})
