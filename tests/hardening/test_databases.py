"""Every command that takes --db, with every kind of database it cannot use: exit 2 naming
--db and the fix, and never the password of a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SETTLEMENTS_CSV, assert_bad_input, monell_process, run

PASSWORD = "hunter2-s3cret"
SHARED_OPINIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "opinions"


def _commands(tmp_path: Path, incident: Path) -> list[list[str]]:
    csv = tmp_path / "settlements.csv"
    csv.write_text(SETTLEMENTS_CSV, encoding="utf-8")
    brief = tmp_path / "brief.txt"
    brief.write_text("See Monell v. Department of Social Services, 436 U.S. 658 (1978).")
    return [
        ["assess", incident],
        ["payouts", "import", csv],
        ["payouts", "summary", "--city", "St. Louis", "--state", "MO"],
        ["payouts", "comparables", incident],
        ["payouts", "pattern", incident],
        ["payouts", "plot", "--city", "St. Louis", "--state", "MO", "-o", tmp_path / "p.png"],
        ["corpus", "load", SHARED_OPINIONS / "scotus.jsonl"],
        ["corpus", "link"],
        ["corpus", "status"],
        ["cite", "verify", brief],
        ["precedents", incident, "--bm25-only"],
        ["precedents", "search", "taser on a handcuffed arrestee", "--bm25-only"],
        ["precedents", "index", "--bm25-only"],
    ]


def _databases(tmp_path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    folder = tmp_path / "a_folder"
    folder.mkdir(exist_ok=True)
    text = tmp_path / "notes.txt"
    text.write_text("these are notes, not a database\n" * 200)
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    return [
        ("a folder", str(folder), ("--db", "is a folder", "give a file path")),
        ("not a database", str(text), ("--db", "not a database")),
        ("parent is a file", str(a_file / "db.sqlite3"), ("--db",)),
        (
            "unreachable PostgreSQL",
            f"postgresql://monell:{PASSWORD}@127.0.0.1:1/monell",
            ("--db", "127.0.0.1", "***"),
        ),
        (
            "unsupported backend",
            f"mysql://monell:{PASSWORD}@localhost/x",
            ("--db", "not supported"),
        ),
        ("not a URL", "postgresql://[::1", ("--db",)),
    ]


@pytest.mark.parametrize("db_case", range(6))
def test_every_command_refuses_an_unusable_database(
    tmp_path: Path, incident: Path, db_case: int
) -> None:
    label, url, fragments = _databases(tmp_path)[db_case]
    for command in _commands(tmp_path, incident):
        result = run([*command, "--db", url])
        if command[0] == "assess" and label == "parent is a file":
            # No such file, so no database to read: assess never creates one, and answers
            # without the database's sections.
            assert result.exit_code == 0, result.stderr
            continue
        assert_bad_input(result, *fragments)
        assert PASSWORD not in result.output + result.stderr, (label, command)


def test_the_environment_variable_is_checked_the_same_way(
    tmp_path: Path, incident: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONELL_DB", f"postgresql+psycopg://u:{PASSWORD}@127.0.0.1:1/db")
    for command in _commands(tmp_path, incident)[:3]:
        result = run(command)
        assert_bad_input(result, "--db")
        assert PASSWORD not in result.stderr


def test_an_empty_database_is_not_an_error_but_says_what_to_load(
    tmp_path: Path, incident: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert_bad_input(run(["payouts", "comparables", incident, "--db", url]), "payouts import")
    assert_bad_input(run(["precedents", incident, "--db", url]), "corpus load")
    assert run(["assess", incident, "--db", url]).exit_code == 0
    assert run(["corpus", "status", "--db", url]).exit_code == 0


@pytest.mark.parametrize(
    ("command", "db_case"),
    [(["keys", "rotate"], 0), (["retention", "purge"], 1), (["keys", "rotate"], 3)],
)
def test_the_web_app_commands_refuse_an_unusable_database(
    tmp_path: Path, command: list[str], db_case: int
) -> None:
    """In real processes: pytest-django forbids database access to in-process commands."""
    pytest.importorskip("django")
    label, url, _fragments = _databases(tmp_path)[db_case]
    proc = monell_process([*command, "--db", url])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert err.startswith("error: --db") and "Traceback" not in err
    assert PASSWORD not in out + err, label
