"""CourtListener bulk CSV loading: dialect, kinds, bad rows, idempotence, resume after a kill."""

from __future__ import annotations

import bz2
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from monell.cli.main import cli
from monell.corpus import bulkcsv, schema
from monell.corpus.errors import IngestError
from monell.corpus.ingest_bulk import load_file, order_files
from monell.corpus.store import CorpusStore
from monell.storage.database import open_database

from .conftest import FIXTURES
from .test_jsonl_store import _snapshot

BULK = FIXTURES / "bulk"
OPINION_COLUMNS = bulkcsv.read_header(BULK / "opinions-2024-05-01.csv")


def _load_all(engine, folder: Path, **kwargs):
    return [load_file(engine, p, **kwargs) for p, _ in order_files(sorted(folder.iterdir()))]


def _ingest_rows(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(schema.ingest_files)).all()


def test_fixture_export_loads_with_courts_citations_and_graph(engine):
    reports = _load_all(engine, BULK)
    assert [(r.kind, r.rows_loaded) for r in reports] == [
        ("courts", 2),
        ("dockets", 4),
        ("clusters", 4),
        ("opinions", 4),
        ("citations", 5),
        ("citation-map", 3),
    ]
    store = CorpusStore(engine)
    monell = store.get_opinion(3001)
    assert monell.case_name == "Monell v. Department of Social Services of City of New York"
    assert (monell.court_id, monell.date_filed) == ("scotus", date(1978, 6, 6))
    assert monell.citations == ("436 U.S. 658", "98 S. Ct. 2018")
    assert store.cited_by(3001) == [3002, 3004]
    assert store.cites(3003) == [3002]
    graham = store.get_opinion(3003)  # html_lawbox only: tags stripped, entities decoded
    assert "<" not in graham.text and '"excessive force" \\ test' in graham.text
    with engine.connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.opinions)
            .where(schema.opinions.c.needs_extraction)
        ).scalar_one()
    assert pending == 0  # the citation map is the graph for bulk opinions


def test_bz2_files_load_the_same_as_plain(engine, tmp_path, db_url):
    folder = tmp_path / "bz2"
    folder.mkdir()
    for p in BULK.iterdir():
        (folder / (p.name + ".bz2")).write_bytes(bz2.compress(p.read_bytes()))
    _load_all(engine, folder)
    plain = open_database(db_url.replace("corpus.sqlite3", "plain.sqlite3"))
    _load_all(plain, BULK)
    assert _snapshot(engine) == _snapshot(plain)


def test_loading_twice_changes_nothing_even_under_another_name(engine, tmp_path):
    _load_all(engine, BULK)
    before = _snapshot(engine)
    again = _load_all(engine, BULK)
    assert {r.status for r in again} == {"already loaded"}
    renamed = tmp_path / "opinions-2099-01-01.csv"
    shutil.copy(BULK / "opinions-2024-05-01.csv", renamed)
    assert load_file(engine, renamed).status == "already loaded"
    assert _snapshot(engine) == before


def _corrupt(tmp_path: Path, line_no: int, column: str, value: str) -> Path:
    lines = (BULK / "opinions-2024-05-01.csv").read_text().splitlines(keepends=True)
    # Find the physical line where the row starting at `line_no` begins and rewrite it.
    text = "".join(lines)
    rows = list(bulkcsv.iter_rows(io.BytesIO(text.encode()), len(OPINION_COLUMNS), line=0))
    header, body = rows[0], rows[1:]
    assert header.cells == OPINION_COLUMNS
    out = [bulkcsv.format_row(header.cells).replace('"', "")]
    for row in body:
        cells = list(row.cells)
        if row.line == line_no:
            cells[OPINION_COLUMNS.index(column)] = value
        out.append(bulkcsv.format_row(cells))
    path = tmp_path / "opinions-2024-05-01.csv"
    path.write_text("".join(out))
    return path


def _line_of_opinion(opinion_id: str) -> int:
    text = (BULK / "opinions-2024-05-01.csv").read_bytes()
    for row in bulkcsv.iter_rows(io.BytesIO(text), len(OPINION_COLUMNS), line=0):
        if row.cells and row.cells[0] == opinion_id:
            return row.line
    raise AssertionError(opinion_id)


def test_malformed_row_names_file_and_line_and_leaves_db_unchanged(engine, tmp_path):
    line = _line_of_opinion("3003")
    assert line > 2  # multi-line texts before it: the reported line is the physical line
    bad = _corrupt(tmp_path, line, "cluster_id", "two thousand three")
    before = _snapshot(engine)
    with pytest.raises(IngestError) as err:
        load_file(engine, bad)
    [problem] = err.value.problems
    assert (problem.path, problem.line) == (str(bad), line)
    assert "cluster_id" in problem.reason and "not an integer" in problem.reason
    assert _snapshot(engine) == before and _ingest_rows(engine) == []

    result = CliRunner().invoke(cli, ["corpus", "load", str(bad), "--db", str(engine.url)])
    assert result.exit_code == 2
    assert f"{bad}:{line}: column 'cluster_id'" in result.output
    assert _snapshot(engine) == before

    report = load_file(engine, bad, skip_bad=True)
    assert (report.rows_loaded, [p.line for p in report.problems]) == (3, [line])
    assert CorpusStore(engine).get_opinion(3003) is None


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ('"1","2"\n', "expected 22 columns, found 2"),
        ('"1",' * 21 + '"unterminated\n', "malformed CSV"),
        (b'"\xff\xfe",'.decode("latin-1") + '""' + ',""' * 20 + "\n", "not valid UTF-8"),
    ],
)
def test_structural_problems_are_reported(tmp_path, engine, row, reason):
    path = tmp_path / "opinions-2024-05-01.csv"
    path.write_bytes(((",".join(OPINION_COLUMNS) + "\n") + row).encode("latin-1"))
    with pytest.raises(IngestError) as err:
        load_file(engine, path)
    assert err.value.problems[0].line == 2 and reason in err.value.problems[0].reason


def test_kind_from_header_when_the_name_does_not_say(tmp_path, engine):
    odd = tmp_path / "export.csv"
    shutil.copy(BULK / "citations-2024-05-01.csv", odd)
    assert load_file(engine, odd).kind == "citations"
    named = tmp_path / "dockets-2024-05-01.csv"
    shutil.copy(BULK / "citations-2024-05-01.csv", named)
    with pytest.raises(IngestError, match="needs column"):
        load_file(engine, named)


def _big_opinions(tmp_path: Path, n: int, compress: bool) -> Path:
    rows = [",".join(OPINION_COLUMNS) + "\n"]
    for i in range(n):
        cells = [""] * len(OPINION_COLUMNS)
        cells[OPINION_COLUMNS.index("id")] = str(10_000 + i)
        cells[OPINION_COLUMNS.index("cluster_id")] = str(2001 + i % 4)
        cells[OPINION_COLUMNS.index("type")] = "010combined"
        cells[OPINION_COLUMNS.index("plain_text")] = f'Opinion {i}.\nSee "Monell", 436 U.S. 658.'
        rows.append(bulkcsv.format_row(cells))
    data = "".join(rows).encode()
    path = tmp_path / ("opinions-2024-06-01.csv" + (".bz2" if compress else ""))
    path.write_bytes(bz2.compress(data) if compress else data)
    return path


class Killed(BaseException):
    """Stands in for SIGKILL: escapes every `except Exception`."""


@pytest.mark.parametrize("compress", [False, True])
def test_resume_after_a_kill_skips_committed_batches(engine, tmp_path, compress, db_url):
    path = _big_opinions(tmp_path, 95, compress)

    def kill_after_three(rows_so_far: int) -> None:
        if rows_so_far >= 30:
            raise Killed

    with pytest.raises(Killed):
        load_file(engine, path, batch_rows=10, after_batch=kill_after_three)
    [state] = _ingest_rows(engine)
    assert (state.status, state.rows_loaded) == ("loading", 30)
    assert CorpusStore(engine).count_opinions() == 30

    report = load_file(engine, path, batch_rows=10)
    assert (report.status, report.rows_loaded) == ("resumed", 65)
    [state] = _ingest_rows(engine)
    assert (state.status, state.rows_loaded) == ("done", 95)

    clean = open_database(db_url.replace("corpus.sqlite3", "clean.sqlite3"))
    load_file(clean, path, batch_rows=7)
    assert _snapshot(engine) == _snapshot(clean)


_cell = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    # The characters the dialect is about, densely: quotes before delimiters, backslash runs.
    st.text(alphabet=st.sampled_from(['"', ",", "\\", "\n", "\r", "a", "é", " "]), max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=5),
    st.sampled_from([1, 2, 3, 7, 64, 4 << 20]),
)
def test_pg_csv_round_trip(rows, chunk):
    data = "".join(bulkcsv.format_row(r) for r in rows)
    saved, bulkcsv.CHUNK = bulkcsv.CHUNK, chunk  # small buffers: rows straddle refills
    try:
        parsed = list(bulkcsv.iter_rows(io.BytesIO(data.encode()), 3, line=0))
    finally:
        bulkcsv.CHUNK = saved
    # NULL and "" both read as missing, as CourtListener's consumers treat them.
    assert [p.cells for p in parsed] == [[c or "" for c in r] for r in rows]
    assert parsed[-1].end_line == data.count("\n")
    assert parsed[-1].end_offset == len(data.encode())


def test_sigkill_mid_load_then_rerun_finishes_the_same(tmp_path, db_url):
    """A real `kill -9` of `monell corpus load`, then the same command again."""
    path = _big_opinions(tmp_path, 3000, compress=False)
    args = ["corpus", "load", str(path), "--db", db_url, "--batch-size", "5", "--no-link"]
    engine = open_database(db_url)
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from monell.cli.main import main; main()", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            rows = _ingest_rows(engine)
            if rows and rows[0].rows_loaded > 0:
                break
            time.sleep(0.05)
        if proc.poll() is not None:
            pytest.skip("the load finished before it could be killed")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    [state] = _ingest_rows(engine)
    assert state.status == "loading" and 0 < state.rows_loaded < 3000
    result = CliRunner().invoke(cli, ["corpus", "load", str(path), "--db", db_url, "--no-link"])
    assert result.exit_code == 0, result.output
    assert "resumed" in result.output
    [state] = _ingest_rows(engine)
    assert (state.status, state.rows_loaded) == ("done", 3000)
    assert CorpusStore(engine).count_opinions() == 3000
