"""The bulk-load paths of the importer (issue 17): secondary indexes built after a big load,
the file name written into the statement, ids worked out without a query, categories per
distinct pair. Each gives the same database as the plain path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from monell.payouts import importer
from monell.payouts.importer import import_files
from monell.payouts.tables import settlement_categories, settlements
from monell.storage.database import make_engine
from monell.storage.writelock import begin_write

from .realdata import EXPECTED_ROWS, city_file
from .test_readers import TODAY, dump, migrated_database


def indexes(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        return [tuple(row) for row in found]


def fresh(tmp_path: Path, name: str) -> Engine:
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(migrated_database(), path)
    return make_engine(f"sqlite:///{path}")


FILES = ["chicago_edited.csv", "boston_edited.csv", "new_orleans_police_edited.csv"]


def test_indexes_built_after_the_load_give_the_same_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [city_file(name) for name in FILES]
    plain = fresh(tmp_path, "plain")
    schema = indexes(plain)
    assert any(name == "ix_settlements_city_state" for name, _ in schema)
    assert import_files(plain, paths, today=TODAY).ok
    monkeypatch.setattr(importer, "DEFER_INDEXES_ROWS", 0)
    deferred = fresh(tmp_path, "deferred")
    with deferred.connect() as conn:
        begin_write(conn)
        assert importer._defer_indexes(conn, paths)  # this import does defer them
        conn.rollback()
    assert indexes(deferred) == schema
    report = import_files(deferred, paths, today=TODAY)
    assert report.ok and report.new == sum(EXPECTED_ROWS[name] for name in FILES)
    assert indexes(deferred) == schema
    assert dump(deferred) == dump(plain)


def test_a_rejected_load_keeps_the_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "DEFER_INDEXES_ROWS", 0)
    engine = fresh(tmp_path, "rejected")
    schema = indexes(engine)
    bad = tmp_path / "bad.csv"
    bad.write_text("city,state,amount_awarded\nTulsa,OK,5\nTulsa,OK,lots\n", encoding="utf-8")
    report = import_files(engine, [city_file("chicago_edited.csv"), bad], today=TODAY)
    assert not report.ok and report.new == 0
    assert indexes(engine) == schema
    assert dump(engine)["settlements"] == []


def test_a_big_table_keeps_its_indexes_for_a_small_file(tmp_path: Path) -> None:
    engine = fresh(tmp_path, "small")
    with engine.connect() as conn:
        assert importer._defer_indexes(conn, [city_file("chicago_edited.csv")]) == []


def test_a_file_name_with_a_quote_is_stored_as_written(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "o'brien's settlements; DROP TABLE x.csv"
    shutil.copyfile(city_file("stlouis_edited.csv"), path)
    assert import_files(engine, [path], today=TODAY).new == 14
    with engine.connect() as conn:
        names = set(conn.execute(select(settlements.c.source_file)).scalars())
    assert names == {path.name}


def test_the_same_file_twice_in_one_command_counts_once(tmp_path: Path) -> None:
    """The second copy's rows conflict inside the transaction, so ids are looked up; the
    categories go to the rows that were added, as for one copy."""
    path = city_file("milwaukee_edited.csv")
    once = fresh(tmp_path, "once")
    twice = fresh(tmp_path, "twice")
    assert import_files(once, [path], today=TODAY).new == 56
    report = import_files(twice, [path, path], today=TODAY)
    assert (report.new, report.present) == (56, 56)
    assert [(f.new, f.present) for f in report.files] == [(56, 0), (0, 56)]
    with once.connect() as a, twice.connect() as b:
        query = select(settlement_categories).order_by(
            settlement_categories.c.settlement_id, settlement_categories.c.category
        )
        assert a.execute(query).all() == b.execute(query).all()
    assert dump(once)["settlements"] == dump(twice)["settlements"]


def test_a_batch_with_rows_already_present_gets_the_right_ids(tmp_path: Path) -> None:
    """Half the rows present, small batches: the new rows' categories land on their ids."""
    path = city_file("los_angeles_edited.csv")
    half = tmp_path / "half.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    half.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    engine = fresh(tmp_path, "mixed")
    first = import_files(engine, [half], today=TODAY)
    assert first.ok and first.new > 0
    second = import_files(engine, [path], today=TODAY, batch_size=97)
    assert second.ok and second.present == first.new
    reference = fresh(tmp_path, "reference")
    assert import_files(reference, [path], today=TODAY).ok
    with engine.connect() as a, reference.connect() as b:
        query = (
            select(settlements.c.row_hash, settlement_categories.c.category)
            .join(settlement_categories)
            .order_by(settlements.c.row_hash, settlement_categories.c.category)
        )
        assert a.execute(query).all() == b.execute(query).all()
