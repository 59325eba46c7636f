"""The exposure commands end to end: formats, plots, and exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from monell.cli.main import cli
from tests.exposure.conftest import incident_file


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("MONELL_DB", f"sqlite:///{tmp_path / 'default.sqlite3'}")
    return CliRunner()


def test_payers_formats(runner: CliRunner, tmp_path: Path) -> None:
    path = incident_file(
        tmp_path, city="Springfield", incident_date="2015-01-01",
        agency={"name": "Springfield Police Department", "kind": "municipal_police"},
    )  # fmt: skip
    result = runner.invoke(cli, ["payers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["defendant"] == "City of Springfield" and data["known"] is True
    md = runner.invoke(cli, ["payers", str(path)])
    assert md.exit_code == 0 and "single source" in md.stdout
    letter = runner.invoke(cli, ["payers", str(path), "--format", "request"])
    assert letter.stdout.startswith("To: Custodian of Records, Springfield Police Department")


def test_payers_bad_incident_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = incident_file(tmp_path, state="ZZ")
    result = runner.invoke(cli, ["payers", str(path)])
    assert result.exit_code == 2
    assert "state" in result.output and "Traceback" not in result.output


def test_comparables_json_and_plots(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str
) -> None:
    path = incident_file(tmp_path)
    png, svg = tmp_path / "c.png", tmp_path / "c.svg"
    result = runner.invoke(
        cli,
        ["payouts", "comparables", str(path), "--db", db_url, "--format", "json",
         "--year", "2020", "--limit", "1", "--plot", str(png), "--plot", str(svg)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dollars_year"] == 2020
    assert [t["count"] for t in data["tiers"]] == [4, 0, 1, 2]
    assert data["tiers"][0]["cases_shown"] == 1
    assert png.read_bytes()[:4] == b"\x89PNG" and svg.read_text().lstrip().startswith("<?xml")


def test_comparables_markdown_prints_the_caveat(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str
) -> None:
    result = runner.invoke(cli, ["payouts", "comparables", str(incident_file(tmp_path)),
                                 "--db", db_url])  # fmt: skip
    assert result.exit_code == 0
    assert "NOT comparable across cities" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--year", "1800"], "--year 1800"),
        (["--plot", "chart.pdf"], ".png or .svg"),
    ],
)
def test_comparables_bad_options_exit_2(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str, extra, message
) -> None:
    args = ["payouts", "comparables", str(incident_file(tmp_path)), "--db", db_url, *extra]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output


def test_comparables_on_an_empty_database_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = runner.invoke(cli, ["payouts", "comparables", str(incident_file(tmp_path)),
                                 "--db", url])  # fmt: skip
    assert result.exit_code == 2
    assert "monell payouts import" in result.output


def test_pattern_json(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str
) -> None:
    png = tmp_path / "p.png"
    result = runner.invoke(
        cli,
        ["payouts", "pattern", str(incident_file(tmp_path)), "--db", db_url, "--format", "json",
         "--plot", str(png)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [y["year"] for y in data["by_year"]] == [2015, 2016]
    assert png.exists()


def test_plot_per_year(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str
) -> None:
    out = tmp_path / "kc.svg"
    result = runner.invoke(cli, ["payouts", "plot", "--city", "kansas city", "--state", "MO",
                                 "--category", "excessive_force", "-o", str(out),
                                 "--db", db_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()


def test_plot_unknown_city_exits_2(
    runner: CliRunner, tmp_path: Path, loaded_engine: Engine, db_url: str
) -> None:
    result = runner.invoke(cli, ["payouts", "plot", "--city", "Gotham", "--state", "NY",
                                 "-o", str(tmp_path / "x.png"), "--db", db_url])  # fmt: skip
    assert result.exit_code == 2
    assert "Gotham" in result.output and "Kansas City" in result.output
