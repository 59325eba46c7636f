"""Shared pieces of the hostile-input tables: an isolated user environment, a runner that
fails on any traceback, and small real files (the bundled example incident, settlements,
a CourtListener bulk export)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monell.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "st_louis_excessive_force.yaml"
BULK = REPO / "tests" / "corpus" / "fixtures" / "bulk"
SETTLEMENTS_CSV = (
    "calendar_year,city,state,closed_date,amount_awarded,summary_allegations,docket_number\n"
    "2016,St. Louis,MO,2016-06-21,5000,Excessive force,1622-CC01\n"
    "2017,St. Louis,MO,2017-03-02,25000,Excessive force; false arrest,1722-CC02\n"
    "2019,St. Louis,MO,2019-10-11,120000,Excessive force,1922-CC03\n"
)
EXIT_CODES = {0, 1, 2}


@pytest.fixture(autouse=True)
def isolated_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data, config or log folders, or $MONELL_DB.
    The cache folder is shared: it holds only derived data (compiled citation patterns take
    half a minute to build), never anything a test asserts on."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("MONELL_DB", raising=False)
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    return home


def run(args: Sequence[str], input: str | bytes | None = None) -> Result:
    """Run `monell ARGS` in-process; any exception that is not a clean exit fails the test."""
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from monell {' '.join(map(str, args))}") from (
            result.exception
        )
    assert "Traceback" not in result.output + result.stderr
    return result


def assert_bad_input(result: Result, *fragments: str) -> None:
    """Exit 2 with one short message naming what is wrong (every fragment present)."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    message = result.stderr
    assert len(message) < 10_000, f"message of {len(message)} characters"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def monell_process(
    args: Sequence[str], env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.Popen[str]:
    """`monell ARGS` as a real process (for kills, races and signals)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from monell.cli.main import main; main()", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "incident.yaml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.fixture
def settlements_db(tmp_path: Path) -> Iterator[str]:
    """A database with three St. Louis settlements imported through the CLI."""
    csv = tmp_path / "stl_settlements.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'payouts.sqlite3'}"
    result = run(["payouts", "import", csv, "--db", url])
    assert result.exit_code == 0, result.output + result.stderr
    yield url
