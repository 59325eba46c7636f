"""`monell cite verify`: found / mismatch / not_in_corpus / invalid on real citations."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monell.cli.main import cli
from monell.corpus.ingest_bulk import load_file, order_files
from monell.law.verify import ChainedIndex, authority_index, bundled_index, names_agree
from monell.law.verify_text import find_citations, verify_text

from .conftest import FIXTURES

# (text, status, case_name reported, date_filed reported, expected_citation)
CASES = [
    # Monell, from scotus.jsonl: the case the tool is named after.
    (
        "Monell v. Department of Social Services, 436 U.S. 658 (1978)",
        "found",
        "Monell v. Department of Soc. Svcs.",
        "1978-06-06",
        None,
    ),
    (
        "See Kentucky v. Graham, 473 U.S. 159, 165 (1985).",
        "found",
        "Kentucky v. Graham",
        "1985-06-28",
        None,
    ),
    # The example: Graham is 490 U.S. 386, so 491 is wrong though nothing is there.
    (
        "Graham v. Connor, 491 U.S. 386 (1989)",
        "mismatch",
        "Graham v. Connor",
        "1989-05-15",
        "490 U.S. 386",
    ),
    # Right cite, wrong name: 490 U.S. 386 is Graham, not Garner (471 U.S. 1).
    (
        "Tennessee v. Garner, 490 U.S. 386 (1989)",
        "mismatch",
        "Graham v. Connor",
        "1989-05-15",
        "471 U.S. 1",
    ),
    # A real case the sample does not hold.
    ("Brown v. Board of Education, 347 U.S. 483 (1954)", "not_in_corpus", None, None, None),
    ("Smith v. Jones, 123 Fake Rptr. 456 (1999)", "invalid", None, None, None),
    # U.S. Reports began in 1875 (reporters-db): an 1800 decision cannot be in it.
    ("Doe v. Roe, 999 U.S. 1 (1800)", "invalid", None, None, None),
]


@pytest.mark.parametrize(("text", "status", "case_name", "date_filed", "expected"), CASES)
def test_each_status_on_real_citations(text, status, case_name, date_filed, expected):
    [result] = verify_text(text, bundled_index(), (authority_index(),))
    got = (
        str(result.check.status),
        result.check.case_name,
        result.check.date_filed,
        result.expected_citation,
    )
    assert got == (status, case_name, date_filed, expected), result.check.note


def test_names_and_years_are_read_from_the_text():
    text = (
        "Monell v. Department of Social Services, 436 U.S. 658 (1978). Graham v. Connor, "
        "491 U.S. 386, 395 (1989); see also Tennessee v. Garner, 471 U.S. 1 (1985)."
    )
    found = [(c.text, c.case_name, c.year) for c in find_citations(text)]
    assert found == [
        ("436 U.S. 658", "Monell v. Department of Social Services", 1978),
        ("491 U.S. 386", "Graham v. Connor", 1989),
        ("471 U.S. 1", "Tennessee v. Garner", 1985),
    ]


def test_statutes_and_law_reviews_are_not_case_citations():
    text = (
        "Under 42 U.S.C. 1983 (2018) and 42 U.S.C. § 1983; see 89 N.Y.U. L. Rev. 885 "
        "(2014); Monell v. Department of Social Services, 436 U.S. 658, 690 (1978); "
        "id. at 694."
    )
    assert [c.text for c in find_citations(text)] == ["436 U.S. 658"]


def test_names_agree_needs_both_sides():
    assert names_agree("Graham v. Connor", "Graham v. Connor, et al.")
    assert not names_agree("Graham v. Connor", "Kentucky v. Graham")


def _run(args, text=None):
    return CliRunner().invoke(cli, ["cite", "verify", *args], input=text)


def test_cli_json_keys_and_exit_codes(sample_db):
    all_good = _run(["-", "--format", "json", "--db", sample_db], CASES[0][0])
    assert all_good.exit_code == 0, all_good.output
    [row] = json.loads(all_good.output)
    assert {k: row[k] for k in ("citation", "status", "case_name", "date_filed")} == {
        "citation": "436 U.S. 658",
        "status": "found",
        "case_name": "Monell v. Department of Soc. Svcs.",
        "date_filed": "1978-06-06",
    }
    mixed = _run(["-", "--format", "json", "--db", sample_db], " ".join(c[0] + "." for c in CASES))
    assert mixed.exit_code == 1
    statuses = [r["status"] for r in json.loads(mixed.stdout)]
    # The CLI also checks the Supreme Court citation table (law/data/scotus_citations.csv.gz),
    # which holds Brown v. Board of Education at 347 U.S. 483 though the sample does not.
    assert statuses == ["found" if "Brown" in c[0] else c[1] for c in CASES]


def test_cli_markdown_and_bad_input(sample_db, tmp_path):
    md = _run(["-", "--db", sample_db], CASES[2][0])
    assert md.exit_code == 1
    assert "| 491 U.S. 386 | Graham v. Connor | mismatch |" in md.output
    assert "Graham v. Connor is 490 U.S. 386" in md.output
    assert _run([str(tmp_path / "missing.txt"), "--db", sample_db]).exit_code == 2
    latin1 = tmp_path / "brief.txt"
    latin1.write_bytes("Monell, 436 U.S. 658 (1978) \u00a7 1983".encode("latin-1"))
    bad = _run([str(latin1), "--db", sample_db])
    assert bad.exit_code == 2 and "not UTF-8" in bad.output


def test_the_database_store_is_searched_too(engine):
    # 98 S. Ct. 2018 (Monell's parallel cite) is only in the bulk fixture, not the bundle.
    text = "Monell v. Department of Social Services, 98 S. Ct. 2018 (1978)"
    [before] = verify_text(text, bundled_index())
    assert str(before.check.status) == "not_in_corpus"
    for path, _ in order_files(sorted((FIXTURES / "bulk").iterdir())):
        load_file(engine, path)
    result = _run(["-", "--format", "json", "--db", str(engine.url)], text)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["status"], row["case_name"]) == (
        "found",
        "Monell v. Department of Social Services of City of New York",
    )


def test_chained_index_prefers_found_over_not_in_corpus():
    chained = ChainedIndex([bundled_index()])
    assert str(chained.check("436 U.S. 658", "Monell").status) == "found"
