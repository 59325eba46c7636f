"""The same import, idempotency, rollback and queries on PostgreSQL (MONELL_TEST_POSTGRES_URL)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete

from monell.payouts.columns import load_mapping
from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore
from monell.payouts.summary import summarise_city
from monell.payouts.tables import (
    settlement_categories,
    settlement_imports,
    settlement_officers,
    settlements,
)

from .realdata import FIXTURES, city_file

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres: Callable[[Callable[[Engine], None]], Engine]) -> Engine:
    return postgres(_clear)


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (settlement_categories, settlements, settlement_officers, settlement_imports):
            conn.execute(delete(table))


def test_import_query_and_summary_on_postgres(pg_engine: Engine, tmp_path: Path) -> None:
    files = [
        city_file("stlouis_edited.csv"),
        city_file("milwaukee_edited.csv"),  # multi-line quoted cells
        city_file("baton_rouge_police_edited.csv"),
    ]
    first = import_files(pg_engine, files)
    assert first.ok and first.new == 14 + 56 + 69
    again = import_files(pg_engine, files)
    assert (again.new, again.present) == (0, 14 + 56 + 69)

    mapped = import_files(
        pg_engine,
        [FIXTURES / "county_export.csv"],
        load_mapping(FIXTURES / "county_export.mapping.yaml"),
    )
    assert mapped.ok and mapped.new == 3

    bad = tmp_path / "bad.csv"
    bad.write_text("city,state,amount_awarded\nSt. Louis,MO,5\nSt. Louis,MO,lots\n", "utf-8")
    rejected = import_files(pg_engine, [city_file("cincinnati_edited.csv"), bad])
    assert not rejected.ok

    store = SettlementStore(pg_engine)
    assert store.count() == 14 + 56 + 3
    assert ("Cincinnati", "OH") not in store.cities()
    force = store.query(state="WI", categories=["excessive_force"])
    assert force and all("excessive_force" in r.categories for r in force)
    assert all(
        r.closed_date < date(2015, 1, 1)
        for r in store.query(city="Milwaukee", closed_before=date(2015, 1, 1))
    )
    summary = summarise_city(store, "St. Louis", "MO")
    assert summary.records == 14
    with city_file("stlouis_edited.csv").open(newline="", encoding="utf-8") as handle:
        expected = sum(Decimal(row["amount_awarded"]) for row in csv.DictReader(handle))
    assert summary.total_amount_awarded == expected


def test_both_readers_store_the_same_rows_on_postgres(pg_engine: Engine) -> None:
    """Dates go to PostgreSQL as dates from either reader; ids aside (the sequence moves on),
    every stored value is the same."""
    from .test_readers import dump, shared_files

    paths = [p for p in shared_files() if p.name.startswith(("boston", "chicago", "new_orleans"))]
    stored = []
    for reader in ("arrow", "csv"):
        _clear(pg_engine)
        report = import_files(pg_engine, paths, reader=reader)
        assert report.ok and report.new > 1500
        tables = dump(pg_engine)
        first = tables["settlements"][0][0]  # ids relative to the first (the sequence goes on)
        stored.append(
            {
                "settlements": [(row[0] - first, *row[1:]) for row in tables["settlements"]],
                "categories": [(row[0] - first, *row[1:]) for row in tables["categories"]],
                "officers": [row[1:] for row in tables["officers"]],
                "imports": [row[1:] for row in tables["imports"]],
            }
        )
    assert stored[0]["settlements"] and stored[0] == stored[1]
