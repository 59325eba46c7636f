"""SettlementStore filters, and the tables module agreeing with the migrated schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, inspect

from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore
from monell.payouts.tables import metadata

from .realdata import city_file

HEADER = "calendar_year,city,state,incident_date,closed_date,amount_awarded,summary_allegations\n"


def test_tables_module_matches_the_migration(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        migrated = {c["name"] for c in inspector.get_columns(table.name)}
        assert migrated == {c.name for c in table.columns}, table.name


def test_query_filters(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "small.csv"
    path.write_text(
        HEADER
        + "2015,Springfield,MO,2013-05-01,2015-02-01,1000,Excessive force\n"
        + "2017,Springfield,MO,2016-01-01,2017-03-01,2000,False arrest\n"
        + "2014,Springfield,MO,,,3000,Excessive force; false arrest\n"
        + "2018,Columbia,MO,2017-01-01,2018-01-01,4000,Excessive force\n",
        encoding="utf-8",
    )
    assert import_files(engine, [path, city_file("stlouis_edited.csv")]).ok
    store = SettlementStore(engine)
    assert store.count() == 4 + 14
    springfield = store.query(city="springfield", state="mo")
    assert [r.amount_awarded for r in springfield] == [1000, 2000, 3000]
    force = store.query(state="MO", city="Springfield", categories=["excessive_force"])
    assert [str(r.amount_awarded) for r in force] == ["1000.00", "3000.00"]
    assert force[1].categories == ("excessive_force", "false_arrest")
    # A row with only a calendar year counts as closed before a date in a later year.
    before = store.query(city="Springfield", closed_before=date(2016, 1, 1))
    assert [str(r.amount_awarded) for r in before] == ["1000.00", "3000.00"]
    early = store.query(city="Springfield", incident_before=date(2016, 1, 1))
    assert [r.calendar_year for r in early] == [2015]
    assert store.query(categories=[]) == []
    assert len(store.query(city="Saint Louis", state="MO")) == 14
    assert len(store.query(city="st louis")) == 14
    assert ("Springfield", "MO") in store.cities()
