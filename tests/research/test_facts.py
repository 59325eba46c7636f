"""The fact vocabulary (research/data/facts.yaml): every example it carries, negation, the
incident fields that imply facts, and sentences of real opinions in the shared sample."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from monell.research.facts import (
    FactDataError,
    fact_in_sentence,
    facts_in_text,
    implied_facts,
    parse_vocabulary,
    vocabulary,
)
from tests.research.conftest import sample_text

VOCAB = vocabulary()


@pytest.mark.parametrize(
    ("fact", "sentence"),
    [(f, s) for f in VOCAB for s in f.positive],
    ids=lambda x: getattr(x, "id", ""),
)
def test_every_positive_example_matches(fact, sentence) -> None:
    assert fact_in_sentence(fact, sentence), (fact.id, sentence)


@pytest.mark.parametrize(
    ("fact", "sentence"),
    [(f, s) for f in VOCAB for s in f.negative],
    ids=lambda x: getattr(x, "id", ""),
)
def test_no_negative_example_matches(fact, sentence) -> None:
    assert not fact_in_sentence(fact, sentence), (fact.id, sentence)


def test_the_facts_the_issue_names_are_in_the_vocabulary() -> None:
    ids = {f.id for f in VOCAB}
    assert {
        "taser",
        "handcuffed",
        "not_resisting",
        "traffic_stop",
        "home_entry",
        "protest",
        "jail",
    } <= ids
    for fact in VOCAB:  # every fact is tested both ways
        assert fact.positive and fact.negative, fact.id


def test_a_narrative_reduced_to_facts() -> None:
    narrative = (
        "During a traffic stop for a broken taillight the officer pulled him out of the car. "
        "He was handcuffed and not resisting when the officer tased him twice. "
        "He was held overnight in the county jail."
    )
    found = facts_in_text(narrative)
    assert {"traffic_stop", "handcuffed", "not_resisting", "taser", "jail"} <= set(found)
    assert "tased him twice" in found["taser"]  # the evidence sentence is kept
    assert "resisting" not in found  # "not resisting" is not resistance


def test_negation_drops_a_fact_only_where_it_is_negated() -> None:
    assert "handcuffed" not in facts_in_text("He was never handcuffed during the stop.")
    assert "handcuffed" in facts_in_text("He was not armed, and he was handcuffed at once.")


def test_incident_fields_imply_facts() -> None:
    facts = implied_facts(
        ["false_arrest", "failure_to_intervene"], "pretrial_detainee", "dismissed"
    )
    assert facts == {
        "jail": "custody: pretrial_detainee",
        "probable_cause_disputed": "conduct: false_arrest",
        "charges_dropped": "criminal_case: dismissed",
        "bystander_officer": "conduct: failure_to_intervene",
    }
    assert implied_facts([], "free", "none") == {}


def test_real_opinion_facts(shared_opinions: Path) -> None:
    """Tennessee v. Garner's own statement of facts: a fleeing, unarmed burglary suspect shot
    dead (471 U.S. 1, 3-4 (1985))."""
    from monell.research.segment import facts_section

    text = sample_text(shared_opinions, "scotus.jsonl", "Tennessee v. Garner")
    found = facts_in_text(facts_section(text).text)
    assert {"shooting", "fleeing", "unarmed", "death"} <= set(found)
    assert "taser" not in found and "handcuffed" not in found


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "facts": {
                    "x": {"label": "x", "patterns": ["("], "positive": ["a"], "negative": ["b"]}
                }
            },
            "facts.x.patterns",
        ),
        (
            {"facts": {"x": {"label": "x", "patterns": ["a"], "positive": ["a"]}}},
            "facts.x.negative",
        ),
        (
            {
                "facts": {
                    "x": {
                        "label": "x",
                        "patterns": ["a"],
                        "positive": ["a"],
                        "negative": ["b"],
                        "implied_by": {"age": [1]},
                    }
                }
            },
            "facts.x.implied_by",
        ),
        ([], "top level"),
    ],
)
def test_malformed_vocabulary_is_named(data, message) -> None:
    with pytest.raises(FactDataError, match=message):
        parse_vocabulary(data)


def test_the_shipped_file_parses_as_yaml_with_unique_ids() -> None:
    raw = (Path(__file__).resolve().parents[2] / "src/monell/research/data/facts.yaml").read_text()
    data = yaml.safe_load(raw)
    assert len(data["facts"]) == len(VOCAB) >= 30


@given(st.text(max_size=400))
def test_any_text_reduces_without_error(text: str) -> None:
    found = facts_in_text(text)
    assert set(found) <= {f.id for f in VOCAB}
    for sentence in found.values():
        assert sentence
