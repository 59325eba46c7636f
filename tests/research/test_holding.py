"""Violation findings and holding passages, on real opinions and on sentences a lawyer would
recognise. Each answer carries the rule and the sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from monell.research.holding import holding_passage, violation_finding
from monell.research.qi import classify
from tests.research.conftest import sample_text

REAL = [
    # "We reverse and hold that the officers did not violate the Fourth Amendment." 572 U.S. 765
    ("Plumhoff v. Rickard", "no_violation", "no_violation.did_not_violate"),
    # Pearson granted QI on the clearly-established prong alone, 555 U.S. 223, 243-45 (2009).
    ("Pearson v. Callahan", "not_reached", "qi.prong_not_clearly_established"),
]


@pytest.mark.parametrize(("case", "value", "rule"), REAL)
def test_real_findings(shared_opinions: Path, case: str, value: str, rule: str) -> None:
    text = sample_text(shared_opinions, "scotus.jsonl", case)
    qi = classify(text)
    finding = violation_finding(text, qi if qi.decides else None)
    assert (finding.value, finding.rule) == (value, rule)
    assert finding.sentence and finding.sentence in " ".join(text.split())
    assert holding_passage(text, qi, finding)


def test_a_quoted_lower_court_finding_is_not_the_courts() -> None:
    # Scott v. Harris quotes the Eleventh Circuit: "…could find that Scott violated [his]
    # Fourth Amendment rights." 433 F. 3d, at 816 — and then reverses.
    text = (
        "The Court of Appeals affirmed. Accordingly, a reasonable jury could find that Scott "
        "violated [respondent's] Fourth Amendment rights.” 433 F. 3d, at 816."
    )
    assert violation_finding(text, None).value == "unknown"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("We hold that the officers violated his Fourth Amendment rights.", "violation"),
        (
            "A reasonable jury could find that the force used on a handcuffed man was excessive.",
            "violation",
        ),
        ("We conclude that there was no constitutional violation.", "no_violation"),
        (
            "We hold that the officer lacked fair warning that his conduct was unconstitutional.",
            "unknown",
        ),
        ("The plaintiff alleges that the officers violated his rights.", "unknown"),
    ],
)
def test_sentence_table(sentence: str, value: str) -> None:
    assert violation_finding(sentence, None).value == value
