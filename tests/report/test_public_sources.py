"""Every source a reader sees names something they can check (a statute, a case, courts-db,
the agency's own record) or a file shipped inside the installed package (law/data/courts.csv),
never a path of the team's working data (shared/data/reference/...) or of this machine.

Checked on every output format of the bundled example, with and without a database of
payouts, and on the JSON, markdown and html memo of every scenario in tests/core/scenarios.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import monell
from monell.app.assessment import assess_incident, incident_from_data, render
from monell.payouts.importer import import_files
from monell.storage.database import make_engine, migrate
from tests.core.test_scenarios import IDS, SCENARIOS

PACKAGE = Path(monell.__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "st_louis_excessive_force.yaml"
SETTLEMENTS = [
    ROOT / "data" / "settlements" / "st_louis_mo" / "stlouis_edited.csv",
    ROOT / "tests" / "exposure" / "fixtures" / "settlements_small.csv",
]
# A relative path to a data or code file: it must be a file of the installed package.
FILE_PATH = re.compile(
    r"(?<![\w.:/-])((?:[\w.-]+/)+[\w.-]+\.(?:csv|md|jsonl|json|ya?ml|gz|py|txt|sqlite3|npy))\b"
)
# Never acceptable in an output: the team's data folder, climbing out of a folder, a sample
# record reference, or an absolute path of this machine.
FORBIDDEN = re.compile(
    r"shared/data|\.\./|\bsample:[\w.]+\.jsonl|data/reference|"
    r"(?<![\w:/.])/(?:work|home|root|tmp|usr|var|etc|opt|mnt|srv)/"
)


def outside_the_package(text: str) -> list[str]:
    bad = [m.group(0) for m in FORBIDDEN.finditer(text)]
    bad += [p for p in FILE_PATH.findall(text) if not (PACKAGE / p).is_file()]
    return bad


def test_the_checker_catches_what_the_issue_found() -> None:
    memo = (
        "sources: courts-db 0.10.27; shared/data/reference/courts\\_by\\_state.csv; "
        "found in the bundled opinion sample (shared/data/opinions via law/data/x.csv); "
        "sample:scotus.jsonl#scotus-1 «q»; /work/main/src/monell/law/data/courts.csv"
    )
    assert len(outside_the_package(memo.replace("\\_", "_"))) >= 5
    fine = "law/data/courts.csv row MO; 28 U.S.C. § 105(a); law.justia.com/cases/federal/x/1/"
    assert outside_the_package(fine) == []


def _incident(data: dict[str, Any]) -> Any:
    return incident_from_data(copy.deepcopy(data), today=dt.date(2024, 1, 10))


@pytest.fixture(scope="module")
def payouts_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'payouts.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    import_files(engine, SETTLEMENTS)
    engine.dispose()
    return url


@pytest.mark.parametrize("with_db", [False, True], ids=["no-database", "payouts-loaded"])
@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_the_example_names_no_path_outside_the_package(
    fmt: str, with_db: bool, payouts_db: str
) -> None:
    incident = _incident(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    result = assess_incident(incident, payouts_db if with_db else None)
    if with_db:
        assert {"payers", "comparables"} <= set(result.sections)
    text = render(result, fmt).replace("\\_", "_")  # markdown escapes underscores
    assert outside_the_package(text) == []
    # the sources still say where to look: the public source and, for a court, the data row
    assert "courts-db 0.10.27" in text
    assert "law/data/courts.csv" in text


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_every_scenario_names_no_path_outside_the_package(scenario: dict[str, Any]) -> None:
    result = assess_incident(_incident(scenario["incident"]), None, with_sections=False)
    for fmt in ("json", "md", "html"):
        text = render(result, fmt).replace("\\_", "_")
        assert outside_the_package(text) == [], f"{scenario['id']} ({fmt})"
