"""Hostile corpus inputs: bulk CSV, sample JSONL and texts to verify. Each ends in exit 2
naming file:line and the fix, or in the correct result; what was committed is consistent."""

from __future__ import annotations

import bz2
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monell.corpus import bulkcsv, schema
from monell.corpus.store import CorpusStore
from monell.storage.database import open_database

from .conftest import BULK, assert_bad_input, run

SHARED_OPINIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "opinions"
OPINION_COLUMNS = bulkcsv.read_header(BULK / "opinions-2024-05-01.csv")
CITATIONS = (BULK / "citations-2024-05-01.csv").read_text(encoding="utf-8")
TOO_BIG = str(2**63)


def _opinions(path: Path, n: int, text: str = "Opinion {i}. See 436 U.S. 658.") -> Path:
    rows = [",".join(OPINION_COLUMNS) + "\n"]
    for i in range(n):
        cells = [""] * len(OPINION_COLUMNS)
        cells[OPINION_COLUMNS.index("id")] = str(10_000 + i)
        cells[OPINION_COLUMNS.index("cluster_id")] = "2001"
        cells[OPINION_COLUMNS.index("type")] = "010combined"
        cells[OPINION_COLUMNS.index("plain_text")] = text.format(i=i)
        rows.append(bulkcsv.format_row(cells))
    data = "".join(rows).encode()
    path.write_bytes(bz2.compress(data) if path.name.endswith(".bz2") else data)
    return path


def _records(n: int) -> list[dict[str, object]]:
    with (SHARED_OPINIONS / "scotus.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line, _ in zip(handle, range(n), strict=False)]


def _ingest(url: str) -> list[sa.Row]:
    engine = open_database(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(schema.ingest_files).order_by("id")))
    finally:
        engine.dispose()


def _count(url: str) -> int:
    engine = open_database(url)
    try:
        return CorpusStore(engine).count_opinions()
    finally:
        engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'corpus.sqlite3'}"


def _citations_with(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "citations-2024-05-01.csv"
    assert old in CITATIONS
    path.write_text(CITATIONS.replace(old, new, 1), encoding="utf-8")
    return path


BAD_BULK = [
    # (what, old text in the citations fixture, new text, fragments)
    ("id of 2^63", '"4001"', f'"{TOO_BIG}"', [":3:", "column 'id'", "out of range"]),
    (
        "cluster id below -2^63",
        '"2001"',
        f'"-{2**63 + 1}"',
        [":2:", "'cluster_id'", "out of range"],
    ),
    ("5000-digit id", '"4001"', '"' + "7" * 5000 + '"', [":3:", "is not an integer"]),
    ("non-ASCII digits", '"4001"', '"٤٠٠١"', [":3:", "is not an integer"]),
    ("volume too long", '"436"', '"' + "4" * 40 + '"', [":2:", "'volume'", "longer than 16"]),
    ("NUL in a value", '"U.S."', '"U.S.\x00"', [":2:", "NUL character"]),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "fragments"), BAD_BULK, ids=[b[0] for b in BAD_BULK]
)
def test_bulk_values_the_database_would_refuse_are_row_errors(
    tmp_path: Path, url: str, what: str, old: str, new: str, fragments: list[str]
) -> None:
    path = _citations_with(tmp_path, old, new)
    result = run(["corpus", "load", path, "--db", url, "--no-link"])
    assert_bad_input(result, str(path), *fragments, "nothing from this file was loaded")
    assert _ingest(url) == []
    skipped = run(["corpus", "load", path, "--db", url, "--no-link", "--skip-bad"])
    assert skipped.exit_code == 0, skipped.stderr
    assert "1 bad row(s) skipped" in skipped.stdout


def test_jsonl_ids_beyond_64_bits_name_the_line(tmp_path: Path, url: str) -> None:
    records = _records(3)
    records[1]["courtlistener_opinion_id"] = 2**63
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run(["corpus", "load", path, "--db", url, "--no-link"])
    assert_bad_input(result, f"{path}:2:", "'id'", "out of range")
    assert _count(url) == 0
    path.write_text(path.read_text().replace(str(2**63), "9" * 5000), encoding="utf-8")
    assert_bad_input(run(["corpus", "load", path, "--db", url]), f"{path}:2:", "4,300 digits")


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_damaged_bz2_is_an_input_error(tmp_path: Path, url: str, damage: str) -> None:
    path = _opinions(tmp_path / "opinions-2024-06-01.csv.bz2", 400)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        middle = len(data) // 2
        path.write_bytes(
            data[:middle]
            + bytes(b ^ 0xFF for b in data[middle : middle + 64])
            + data[middle + 64 :]
        )
    result = run(["corpus", "load", path, "--db", url, "--no-link"])
    assert_bad_input(result, str(path), "corrupt or truncated", "download it again")
    assert "Aborted" not in result.stderr
    assert _count(url) == 0


def test_a_bulk_file_fixed_in_the_middle_at_the_same_length_reloads(
    tmp_path: Path, url: str
) -> None:
    """The old fingerprint read only the size and the first and last MiB."""
    path = _opinions(tmp_path / "opinions-2024-06-01.csv", 900, text="Opinion {i}. " + "x" * 3000)
    assert path.stat().st_size > 2 << 20
    assert run(["corpus", "load", path, "--db", url, "--no-link"]).exit_code == 0
    data = path.read_bytes()
    middle = data.index(b"Opinion 450.")
    path.write_bytes(data[:middle] + b"Corrected45." + data[middle + 12 :])
    assert len(path.read_bytes()) == len(data)
    again = run(["corpus", "load", path, "--db", url, "--no-link"])
    assert "loaded" in again.stdout and "already loaded" not in again.stdout
    engine = open_database(url)
    with engine.connect() as conn:
        text = conn.execute(
            sa.select(schema.opinions.c.text).where(schema.opinions.c.id == 10_450)
        ).scalar_one()
    engine.dispose()
    assert text.startswith("Corrected45.")


def _refuse(url: str, opinion_id: int) -> sa.Engine:
    """A check in the database (a trigger) that refuses one opinion row on insert."""
    engine = open_database(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TRIGGER refuse BEFORE INSERT ON corpus_opinions WHEN NEW.id = {opinion_id} "
            f"BEGIN SELECT RAISE(ABORT, 'opinion {opinion_id} refused by a check'); END"
        )
    return engine


def test_a_row_the_database_refuses_mid_load_is_named_and_resumable(
    tmp_path: Path, url: str
) -> None:
    """A value that passes validation but fails on insert (here: a check the database
    enforces) must not leave the file 80% loaded and failing the same way forever."""
    path = _opinions(tmp_path / "opinions-2024-06-01.csv", 50)
    _refuse(url, 10040).dispose()
    args = ["corpus", "load", path, "--db", url, "--no-link", "--batch-size", "15"]
    result = run(args)
    assert_bad_input(
        result, f"{path}:42:", "refused this row", "opinion 10040 refused", "--skip-bad"
    )
    [state] = _ingest(url)
    assert (state.status, state.rows_loaded) == ("loading", 40)  # every row before it
    assert _count(url) == 40
    assert_bad_input(run(args), f"{path}:42:")  # the same, clearly, until fixed or skipped
    resumed = run([*args, "--skip-bad"])
    assert resumed.exit_code == 0, resumed.stderr
    assert f"{path}:42: refused by the database" in resumed.stderr
    [state] = _ingest(url)
    assert (state.status, state.rows_loaded, state.rows_skipped) == ("done", 49, 1)
    assert _count(url) == 49


def test_a_fixed_file_replaces_its_unfinished_load(tmp_path: Path, url: str) -> None:
    path = _opinions(tmp_path / "opinions-2024-06-01.csv", 20)
    engine = _refuse(url, 10010)
    args = ["corpus", "load", path, "--db", url, "--no-link", "--batch-size", "5"]
    assert run(args).exit_code == 2
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER refuse")
    engine.dispose()
    _opinions(path, 21)  # the file is corrected (one more row): a new fingerprint
    assert run(args).exit_code == 0
    assert [(r.status, r.rows_loaded) for r in _ingest(url)] == [("replaced", 10), ("done", 21)]
    status = run(["corpus", "status", "--db", url])
    assert "unfinished" not in status.stdout


def test_a_jsonl_record_that_gains_a_courtlistener_id_moves(tmp_path: Path, url: str) -> None:
    records = _records(5)
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert run(["corpus", "load", path, "--db", url, "--no-link"]).exit_code == 0
    before = _count(url)
    records[2]["courtlistener_opinion_id"] = 4_242_424
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = run(["corpus", "load", path, "--db", url, "--no-link"])
    assert result.exit_code == 0, result.stderr
    assert _count(url) == before
    engine = open_database(url)
    with engine.connect() as conn:
        o = schema.opinions
        moved = conn.execute(
            sa.select(o.c.id).where(o.c.source_record_id == records[2]["id"])
        ).scalar_one()
    engine.dispose()
    assert moved == 4_242_424
    del records[2]["courtlistener_opinion_id"]  # and back again
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert run(["corpus", "load", path, "--db", url, "--no-link"]).exit_code == 0
    assert _count(url) == before


@pytest.mark.parametrize(
    ("content", "exit_code", "fragment"),
    [
        (b"", 0, "No case citations found"),
        (b"\n\n   \n", 0, "No case citations found"),
        (b"\xff\xfe\x00", 2, "not UTF-8"),
        (b"Monell, 436 U.S. 658 (1978).\x00\x00", 0, "436 U.S. 658"),
    ],
)
def test_cite_verify_odd_texts(
    tmp_path: Path, url: str, content: bytes, exit_code: int, fragment: str
):
    path = tmp_path / "brief.txt"
    path.write_bytes(content)
    for args, stdin in (([path], None), (["-"], content)):
        result = run(["cite", "verify", *args, "--db", url], input=stdin)
        assert result.exit_code == exit_code, result.stderr
        assert fragment in result.stdout + result.stderr


def test_cite_verify_refuses_unbounded_input(tmp_path: Path, url: str) -> None:
    assert_bad_input(run(["cite", "verify", "/dev/zero", "--db", url]), "larger than 64 MiB")
    assert_bad_input(run(["cite", "verify", tmp_path, "--db", url]), "cannot read")


def test_corpus_load_odd_paths(tmp_path: Path, url: str) -> None:
    binary = tmp_path / "opinions-2024-06-01.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    assert_bad_input(run(["corpus", "load", binary, "--db", url]), str(binary))
    empty = tmp_path / "courts-2024-06-01.csv.bz2"
    empty.write_bytes(b"")
    assert_bad_input(run(["corpus", "load", empty, "--db", url]), str(empty))
    not_bz2 = tmp_path / "dockets-2024-06-01.csv.bz2"
    shutil.copy(BULK / "dockets-2024-05-01.csv", not_bz2)
    assert_bad_input(run(["corpus", "load", not_bz2, "--db", url]), str(not_bz2), "bz2")
    assert_bad_input(run(["corpus", "load", tmp_path / "missing.jsonl", "--db", url]), "no such")
    endless = tmp_path / "endless.jsonl"
    endless.symlink_to("/dev/zero")  # one line that never ends
    assert_bad_input(run(["corpus", "load", endless, "--db", url]), "not a regular file")


_cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "4001", "U.S.", "436", "658", "2001", "\x00", "9" * 30]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_cell, min_size=8, max_size=8), min_size=1, max_size=4))
def test_random_bulk_rows_never_give_a_traceback(tmp_path: Path, url: str, rows) -> None:
    header = CITATIONS.splitlines()[0].split(",")
    assert len(header) == 8
    path = tmp_path / "citations-2024-05-01.csv"
    data = ",".join(header) + "\n" + "".join(bulkcsv.format_row(r) for r in rows)
    path.write_text(data, encoding="utf-8", errors="surrogatepass")
    result = run(["corpus", "load", path, "--db", url, "--no-link", "--skip-bad"])
    assert result.exit_code in (0, 2), result.stderr
