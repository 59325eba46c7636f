"""The bulk-load paths of the importer (issue 17): the write lock taken up front, the file name
written into the statement, ids worked out without a query, categories per distinct pair.
Each gives the same database as the plain path."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, event, select

from monell.payouts.importer import import_files
from monell.payouts.tables import settlement_categories, settlements
from monell.storage.database import make_engine

from .realdata import city_file
from .test_readers import TODAY, dump, migrated_database


def fresh(tmp_path: Path, name: str) -> Engine:
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(migrated_database(), path)
    return make_engine(f"sqlite:///{path}")


def test_the_import_holds_the_write_lock_from_its_first_statement(tmp_path: Path) -> None:
    """Its rows go in through the driver, which the lock hooks do not see: the transaction is
    opened with BEGIN IMMEDIATE, so a failed import leaves nothing, whatever ran first."""
    engine = fresh(tmp_path, "rejected")
    bad = tmp_path / "bad.csv"
    bad.write_text("city,state,amount_awarded\nTulsa,OK,5\nTulsa,OK,lots\n", encoding="utf-8")
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    report = import_files(engine, [city_file("chicago_edited.csv"), bad], today=TODAY)
    assert not report.ok and report.new == 0
    # the import's settings (PRAGMA) come before its transaction
    assert next(s for s in statements if not s.startswith("PRAGMA")) == "BEGIN IMMEDIATE"
    assert dump(engine)["settlements"] == []


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
