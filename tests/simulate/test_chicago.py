"""Chicago Law Department payments: the bundled file, its use in calibration and backtests,
and which years a backtest scores."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from monell.cli.main import cli
from monell.exposure.cpi import load_cpi
from monell.simulate.backtest import complete_through
from monell.simulate.calibrate import Payment
from monell.simulate.chicago import (
    BUNDLED_FILE,
    derive,
    is_misconduct_payment,
    law_department_payments,
)
from monell.simulate.population import DATA_PACKAGE
from tests.simulate.conftest import settlements_db

REPO = Path(__file__).resolve().parents[2]
RAW = REPO.parent / "shared" / "data" / "simulation" / "chicago_law_department"


def _bundled() -> list[dict[str, str]]:
    text = resources.files(DATA_PACKAGE).joinpath(BUNDLED_FILE).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.skipif(not RAW.is_dir(), reason="the shared raw Law Department files are absent")
def test_bundled_file_is_derived_from_the_raw_law_department_files() -> None:
    files = sorted(RAW.glob("raw_csv_formatted_*_law_website_data.csv"))
    assert len(files) == 14  # 2008 … 2021
    assert list(derive(files)) == _bundled()


def test_bundled_rows_are_police_misconduct_payments() -> None:
    rows = _bundled()
    assert len(rows) == 2481
    causes = {r["primary_cause"] for r in rows}
    assert "FALSE ARREST" in causes and "REVERSED CONVICTION" in causes
    assert not any("MVA" in c or "FOIA" in c or "PROPERTY" in c for c in causes)
    assert all(float(r["payment_usd"]) > 0 for r in rows)
    years = {r["date_to_comptroller"][:4] for r in rows}
    assert min(years) == "2008" and max(years) == "2021"
    in_2013 = [r for r in rows if r["date_to_comptroller"].startswith("2013")]
    # SOURCES.md: 459 POLICE rows, $68.6M in 2013 of every cause; misconduct is part of it
    assert len(in_2013) == 160
    assert sum(float(r["payment_usd"]) for r in in_2013) == pytest.approx(61.21e6, rel=1e-3)


@pytest.mark.parametrize(
    ("department", "cause", "disposition", "payment", "kept"),
    [
        ("POLICE", "EXCESSIVE FORCE/SERIOUS", "SETTLEMENT", "250000", True),
        ("POLICE 0931", "FALSE ARREST", "VERDICT", "10", True),  # the police fund's number
        ("POLICE", "MVA/CITY VEHICLE", "SETTLEMENT", "5000", False),  # a crash, not misconduct
        ("POLICE", "FALSE ARREST", "CONSULTANT", "5000", False),  # not paid to the claimant
        ("POLICE", "FALSE ARREST", "SETTLEMENT", "0", False),  # fees only
        ("STREETS & SANITATION", "FALSE ARREST", "SETTLEMENT", "5000", False),
        ("POLICE", "CPDSA", "SETTLEMENT", "5000", False),  # unexplained code: left out
    ],
)
def test_selection(department: str, cause: str, disposition: str, payment: str, kept: bool) -> None:
    from decimal import Decimal

    assert is_misconduct_payment(department, cause, disposition, Decimal(payment)) is kept


def test_payments_are_in_constant_dollars_and_dated() -> None:
    payments = law_department_payments(2022)
    assert len(payments) == 2481
    assert {p.city for p in payments} == {"Chicago"}
    assert all(p.date is not None and p.date.year == p.year for p in payments)
    nominal_2008 = sum(
        float(r["payment_usd"]) for r in _bundled() if r["date_to_comptroller"] < "2009"
    )
    constant_2008 = sum(p.amount for p in payments if p.year == 2008)
    assert 1.3 < constant_2008 / nominal_2008 < 1.4  # CPI-U 2008 → 2022


def _p(city: str, year: int, date: dt.date | None) -> Payment:
    return Payment(city, "XX", year, 1000.0, None, "f.csv", date)


def test_a_year_the_data_end_in_is_not_scored() -> None:
    payments = [
        _p("A", 2019, dt.date(2019, 12, 3)),  # runs to December: 2019 complete
        _p("B", 2020, dt.date(2020, 7, 23)),  # stops in July 2020: complete through 2019
        _p("C", 2019, dt.date(2019, 5, 19)),  # stops in May 2019: through 2018
        _p("D", 2020, None),  # no dates: the median of the others (2019)
    ]
    assert complete_through(payments) == {
        "A, XX": 2019,
        "B, XX": 2019,
        "C, XX": 2018,
        "D, XX": 2019,
    }


FILES = [
    "chicago_il/chicago_edited.csv",
    "cleveland_oh/cleveland_edited.csv",
    "indianapolis_in/indianapolis_edited.csv",
    "north_charleston_sc/north_charleston_edited.csv",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return settlements_db(tmp_path_factory, FILES)


def test_calibrate_takes_chicago_from_the_law_department(db: str, tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    args = ["simulate", "calibrate", "--db", db, "-o", str(out), "--chicago-law-department"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    cities = {c["city"]: c for c in data["population"]["cities"]}
    chicago = cities["Chicago"]
    assert chicago["provenance"]["source_files"] == [BUNDLED_FILE]  # never mixed with 538's
    assert chicago["provenance"]["years"] == "2008–2021"
    assert 80 < chicago["paid_claims_per_year"] < 250
    assert "Department of Law" in data["provenance"]["data"]
    assert "chicago_edited.csv" not in data["provenance"]["data"]
    assert cities["Cleveland"]["provenance"]["source_files"] == ["cleveland_edited.csv"]


def test_backtest_scores_chicago_on_the_law_department_series(db: str) -> None:
    args = ["simulate", "backtest", "--db", db, "--runs", "40", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "--chicago-law-department", "--fit-through", "2015"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scored_through"]["Chicago, IL"] == 2020  # the files run to August 2021
    assert data["scored_through"]["Cleveland, OH"] == 2019  # undated: the others' median
    chicago = [r for r in data["rows"] if r["city"] == "Chicago, IL"]
    assert [r["year"] for r in chicago] == [2016, 2017, 2018, 2019, 2020]
    nominal = sum(
        float(r["payment_usd"]) for r in _bundled() if r["date_to_comptroller"][:4] == "2018"
    )
    cpi = load_cpi()
    factor = float(cpi.value(2022) / cpi.value(2018))
    assert chicago[2]["observed"] == pytest.approx(nominal * factor, rel=1e-6)  # 2022 dollars
