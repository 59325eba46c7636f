"""The QI rules on real sentences from the shared sample (source record in each comment)."""

from __future__ import annotations

import pytest

from monell.domain.vocabulary import Conduct
from monell.research.qi import Disposition, Prong, QiResult, classify

# (sentence text, result, disposition) — each sentence is verbatim from the sample.
JUDGMENTS = [
    # Reichle v. Howards (scotus-566-u-s-658-opinion-thomas)
    (
        "We, therefore, reverse the judgment of the Court of Appeals denying petitioners "
        "qualified immunity.",
        QiResult.GRANTED,
        Disposition.REVERSED,
    ),
    # Melendez-Garcia v. Sanchez (ca1, cl-opinion-180885)
    (
        "For all these reasons, we affirm the grant of qualified immunity on the due process "
        "claim.",
        QiResult.GRANTED,
        Disposition.AFFIRMED,
    ),
    # Laborde-Garcia v. Puerto Rico Telephone Co. (ca1, cl-opinion-194728)
    (
        "And, the district court's denial of the defendants' claims of qualified immunity was "
        "legally correct.",
        QiResult.DENIED,
        Disposition.AFFIRMED,
    ),
    # Richardson v. McKnight (scotus-521-u-s-399)
    (
        "Held: Prison guards employed by a private firm are not entitled to a qualified immunity "
        "from suit by prisoners charging a § 1983 violation.",
        QiResult.DENIED,
        None,
    ),
    # City of Tahlequah v. Bond (scotus-20-1668)
    ("The officers were thus entitled to qualified immunity.", QiResult.GRANTED, None),
]


@pytest.mark.parametrize(("text", "result", "disposition"), JUDGMENTS)
def test_judgment_sentences(text: str, result: QiResult, disposition: Disposition | None) -> None:
    got = classify(text)
    assert got.decides
    assert got.result is result
    assert got.disposition is disposition
    assert got.evidence[0].sentence == text


# Sentences that mention immunity in someone else's voice or as doctrine: no holding.
NOT_HOLDINGS = [
    # Stanton v. Sims (scotus-571-u-s-3): the court below
    "The court accordingly held that Stanton was not entitled to qualified immunity.",
    # Wesby (scotus-15-1485-opinion-thomas): the court below
    "The United States Court of Appeals for the District of Columbia Circuit held that there "
    "was no probable cause to arrest the partygoers, and that the officers were not entitled to "
    "qualified immunity.",
    # Reichle v. Howards: a statement of doctrine
    "If the answer to either question is “no,” then the agents are entitled to qualified immunity.",
    # Saez v. City of Springfield (cl-opinion-151292): the court declines to reach it
    "Because the complaint was correctly dismissed, there is no reason to consider the "
    "subsidiary issues of qualified immunity and standards for injunctive relief.",
    # Hope v. Pelzer (scotus-536-u-s-730), a dissent
    "For the foregoing reasons, I would affirm the judgment of the Court of Appeals. "
    "I respectfully dissent.",
]


@pytest.mark.parametrize("text", NOT_HOLDINGS)
def test_reported_or_doctrinal_sentences_decide_nothing(text: str) -> None:
    got = classify(text)
    assert not got.decides
    assert got.result is None and got.evidence == ()


def test_prongs_and_evidence_on_a_grant() -> None:
    # City & County of San Francisco v. Sheehan (scotus-13-1412-opinion-alito)
    text = (
        "We decide the second question and hold thatthe officers are entitled to qualified "
        "immunity because they did not violate any clearly established Fourth Amendment rights. "
        "On the second question, we reverse the judgment of the Ninth Circuit."
    )
    got = classify(text)
    assert got.result is QiResult.GRANTED
    assert got.disposition is Disposition.REVERSED
    assert got.prongs == (Prong.NOT_CLEARLY_ESTABLISHED,)
    assert got.outcome == "granted (reversed)"
    rules = {e.rule for e in got.evidence}
    assert {"qi.entitled", "disposition.reverse", "prong.not_clearly_established"} <= rules


def test_rights_need_repeated_mentions() -> None:
    once = "We hold that the officer is entitled to qualified immunity. He used excessive force."
    assert classify(once).rights == ()
    many = once + " The excessive force claim fails. Excessive force is judged objectively."
    assert classify(many).rights == (Conduct.EXCESSIVE_FORCE,)
