"""Category rules: real headings, the rules file's validation, and P/R on the hand labels."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from monell.cli.main import cli
from monell.domain.vocabulary import Conduct
from monell.payouts.categories import Category, RuleError, categorise, parse_rules
from monell.payouts.evaluate import default_labels_path, evaluate, load_labels
from monell.payouts.parse import clean_text

from .realdata import city_file

# (city file heading, categories): one or two per city vocabulary.
HEADINGS = [
    ("Dispute:General:Police Matters:Excessive Force Serious", {"excessive_force"}),
    (
        "Dispute:General:Police Matters:Extended Detention / Malicious Prosecution",
        {"false_arrest", "malicious_prosecution"},
    ),
    ("Dispute:General:Police Matters:Failure to Provide Medical Care", {"denial_of_medical_care"}),
    ("False Arrest w/out Excessive Force", {"false_arrest"}),  # Miami: the negation matters
    ("False Arrest w/ Battery", {"false_arrest", "excessive_force"}),
    ("Wrongful Death - Officer Involved Shooting", {"deadly_force", "wrongful_death"}),
    ("Retaliation", {"other"}),  # Los Angeles, among employment-type headings
    ("First Amendment w/ Demonstration", {"first_amendment_retaliation"}),
    ("2010: Unlawful Entry (Police)", {"unlawful_search"}),
    ("LAW ENFORCEMENT - FAIL TO RENDER MEDCARE", {"denial_of_medical_care"}),
    ("negligence; motor veh accident", {"other"}),
    ("Sexual Assault", {"other"}),
    ("Property Related", {"property"}),
    ("", {"unknown"}),
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS)
def test_real_headings(text: str, expected: set[str]) -> None:
    assert {c.value for c in categorise(text or None)} == expected


def test_matter_name_supplies_a_death_the_heading_does_not_name() -> None:
    found = categorise("Police Misconduct - Use of Force", "The Estate Of Jeffrey Blair v. BPD")
    assert set(found) == {Category.EXCESSIVE_FORCE, Category.WRONGFUL_DEATH}
    assert found[Category.WRONGFUL_DEATH] == "death.estate"
    # Chicago: a deceased officer's estate on the defendant side is no death claim.
    defendant_side = categorise(
        "Dispute:General:Police Matters:False Arrest",
        "Blake Collins v. Estate of Shaunda Bond, Deceased, Juan Belmontes",
    )
    assert set(defendant_side) == {Category.FALSE_ARREST}


def test_categories_include_every_conduct_code() -> None:
    assert {c.value for c in Conduct} <= {c.value for c in Category}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "x", "category": "brutality", "pattern": "a", "note": "n"}, "unknown category"),
        ({"id": "x", "category": "other", "pattern": "(", "note": "n"}, "bad regular expression"),
        ({"id": "x", "category": "other", "pattern": "a"}, "`note` is required"),
        (
            {"id": "x", "category": "other", "pattern": "a", "note": "n", "field": "court"},
            "field must be",
        ),
    ],
)
def test_rules_file_validation(rule: dict[str, str], message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rules({"rules": [rule]})


def test_shipped_rules_parse_and_every_rule_has_a_note() -> None:
    path = Path(__file__).resolve().parents[2] / "src/monell/payouts/category_rules.yaml"
    rules = parse_rules(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert rules and all(rule.note.strip() for rule in rules)


def test_labels_are_real_rows_from_at_least_eight_cities() -> None:
    rows = load_labels(default_labels_path())
    assert len(rows) >= 300
    assert len({r.source_file for r in rows}) >= 8
    assert {r.split for r in rows} == {"tune", "heldout"}
    sources: dict[str, dict[int, dict[str, str]]] = {}
    for row in rows:
        if row.source_file not in sources:
            with city_file(row.source_file).open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                by_line: dict[int, dict[str, str]] = {}
                previous_end = 1
                for record in reader:
                    by_line[previous_end + 1] = record
                    previous_end = reader.line_num
            sources[row.source_file] = by_line
        source = sources[row.source_file][row.source_line]
        assert row.text == (clean_text(source.get("summary_allegations")) or ""), row
        assert row.matter_name == (clean_text(source.get("matter_name")) or ""), row


def test_precision_and_recall_on_the_held_out_labels() -> None:
    result = evaluate(load_labels(default_labels_path()))
    held = result.scores["heldout"]
    # The two categories with real support in the held-out rows must stay useful; the table
    # in docs/performance.md has the rest.
    for category in (Category.EXCESSIVE_FORCE, Category.FALSE_ARREST):
        assert held[category].support >= 20
        assert held[category].precision is not None and held[category].precision >= 0.9
        assert held[category].recall is not None and held[category].recall >= 0.9
    assert result.rows["heldout"] >= 100
    assert result.exact["heldout"] >= 0.85
    # The score is computed, not stored: a rule that labels everything "other" scores badly.
    everything_other = parse_rules(
        {"rules": [{"id": "all", "category": "other", "pattern": ".", "note": "strawman"}]}
    )
    worse = evaluate(load_labels(default_labels_path()), everything_other)
    assert worse.scores["heldout"][Category.EXCESSIVE_FORCE].recall == 0.0


def test_evaluate_command_prints_the_table() -> None:
    result = CliRunner().invoke(cli, ["payouts", "evaluate-categories"])
    assert result.exit_code == 0, result.output
    assert "| excessive_force |" in result.output
    assert "held-out" in result.output
