"""Incidents and a small settlements database loaded through part A's importer."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from monell.domain.incident import parse_incident
from monell.domain.models import Incident
from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore
from monell.storage.database import make_engine, migrate

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_CSV = FIXTURES / "settlements_small.csv"

BASE: dict[str, Any] = {
    "incident_date": "2017-06-01",
    "state": "MO",
    "city": "Kansas City",
    "agency": {"name": "Kansas City Missouri Police Department", "kind": "municipal_police"},
    "person": {"custody": "arrested"},
    "conduct": ["excessive_force"],
    "criminal_case": {"status": "none"},
    "evaluated_on": "2026-01-10",
}


def make_incident(**changes: Any) -> Incident:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return parse_incident(data, today=dt.date(2026, 1, 1))


def incident_file(tmp_path: Path, **changes: Any) -> Path:
    import yaml

    data = copy.deepcopy(BASE)
    data.update(changes)
    path = tmp_path / "incident.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'exposure.sqlite3'}"


@pytest.fixture
def loaded_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    report = import_files(engine, [SMALL_CSV])
    assert report.ok and report.new == 9
    yield engine
    engine.dispose()


@pytest.fixture
def store(loaded_engine: Engine) -> SettlementStore:
    return SettlementStore(loaded_engine)
