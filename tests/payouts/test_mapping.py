"""A CSV that is not in the FiveThirtyEight layout, read through a mapping file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from monell.cli.main import cli
from monell.payouts.columns import LayoutError, load_mapping
from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore

from .realdata import FIXTURES

EXPORT = FIXTURES / "county_export.csv"
MAPPING = FIXTURES / "county_export.mapping.yaml"


def test_mapping_file_import(engine: Engine, db_url: str) -> None:
    runner = CliRunner()
    args = ["payouts", "import", "--db", db_url, "--mapping", str(MAPPING), str(EXPORT)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 new, 0 already present" in result.output
    records = SettlementStore(engine).query(city="Jackson County", state="MO")
    assert [r.docket_number for r in records] == ["17-CV-0101", "17-CV-0102", "18-CV-0007"]
    doe, poe, moe = records
    assert (doe.amount_awarded, doe.other_expenses) == (Decimal("12500.00"), Decimal("980.25"))
    assert (doe.incident_date, doe.closed_date, doe.calendar_year) == (
        date(2016, 3, 14),
        date(2018, 7, 1),
        2018,  # from the closing date: the data dictionary's definition of calendar_year
    )
    assert doe.agency == "Sheriff's Office"
    assert doe.categories == ("excessive_force",)
    assert poe.other_expenses is None
    assert poe.categories == ("false_arrest", "malicious_prosecution")
    assert moe.categories == ("denial_of_medical_care", "wrongful_death")
    assert runner.invoke(cli, args).output.count("0 new, 3 already present") == 2


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("columns:\n  Paid: amount\n", "maps to unknown field 'amount'"),
        ("columns: {}\nconstants:\n  state: Missouri\n", "not a US state code"),
        ("colums: {}\n", "unknown key(s) colums"),
        ("- just\n- a list\n", "expected a mapping"),
        ("columns:\n  Paid: amount_awarded\nconstants:\n  amount_awarded: 5\n", "not a text"),
        ("columns: {}\nencoding: klingon\n", "not a known text encoding"),
        ("columns: {}\ndelimiter: ';;'\n", "delimiter must be one character"),
    ],
)
def test_bad_mapping_files_are_explained(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LayoutError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_mapping(path)


def test_mapping_with_encoding_and_delimiter(tmp_path: Path, engine: Engine) -> None:
    export = tmp_path / "latin1.csv"
    export.write_bytes("Caso;Importe;Alegación\n12-1;1.500,00;Fuerza excesiva\n".encode("cp1252"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns:\n  Caso: docket_number\n  Alegación: summary_allegations\n"
        "  Importe: amount_awarded\nconstants: {city: Ponce, state: NY}\n"
        "encoding: cp1252\ndelimiter: ';'\n",
        encoding="utf-8",
    )
    report = import_files(engine, [export], load_mapping(mapping))
    # "1.500,00" is a European amount: rejected with the line, not misread as 1.5.
    assert not report.ok
    assert "'1.500,00' is not an amount" in str(report.files[0].problems[0])
    export.write_bytes("Caso;Importe;Alegación\n12-1;1500.00;Fuerza excesiva\n".encode("cp1252"))
    assert import_files(engine, [export], load_mapping(mapping)).ok
    (record,) = SettlementStore(engine).query(city="Ponce")
    assert (record.docket_number, record.amount_awarded) == ("12-1", Decimal("1500.00"))
    assert record.raw["Alegación"] == "Fuerza excesiva"


def test_mapping_naming_a_missing_column(tmp_path: Path, db_url: str) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns:\n  Amount Paid: amount_awarded\nconstants: {city: X, state: MO}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["payouts", "import", "--db", db_url, "--mapping", str(mapping), str(EXPORT)]
    )
    assert result.exit_code == 2
    assert "names column(s) not in the header: amount_paid" in result.output
