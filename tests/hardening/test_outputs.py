"""Every -o / --plot failure: exit 2 naming the option and the fix, an old file kept whole,
no temporary file left behind; charts and memos written atomically."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from .conftest import assert_bad_input, run


def _targets(tmp_path: Path) -> list[tuple[str, Path, tuple[str, ...]]]:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    return [
        ("a folder", tmp_path, ("is a folder", "give a file name")),
        ("parent is a file", a_file / "memo.md", ("is a file, not a folder", "fix the path")),
        ("name too long", tmp_path / ("m" * 300 + ".md"), ("too long", "shorter name")),
    ]


@pytest.mark.parametrize("case", range(3))
def test_output_paths_that_cannot_be_written(tmp_path: Path, incident: Path, case: int) -> None:
    _label, target, fragments = _targets(tmp_path)[case]
    assert_bad_input(run(["assess", incident, "-o", target]), "-o/--output", *fragments)
    assert_bad_input(run(["payers", incident, "-o", target]), "-o/--output", *fragments)


@pytest.mark.parametrize("case", range(3))
def test_plot_paths_that_cannot_be_written(
    tmp_path: Path, incident: Path, settlements_db: str, case: int
) -> None:
    _label, target, fragments = _targets(tmp_path)[case]
    target = target.with_suffix(".png") if target.suffix else target
    for args, option in (
        (["payouts", "comparables", incident, "--plot"], "--plot"),
        (["payouts", "pattern", incident, "--plot"], "--plot"),
        (["payouts", "plot", "--city", "St. Louis", "--state", "MO", "-o"], "-o/--output"),
    ):
        if target == tmp_path:
            dir_target = tmp_path / "charts.png"
            dir_target.mkdir(exist_ok=True)
            result = run([*args, dir_target, "--db", settlements_db])
        else:
            result = run([*args, target, "--db", settlements_db])
        assert_bad_input(result, option, *fragments)


@pytest.mark.parametrize(
    ("code", "fragments"),
    [
        (errno.ENOSPC, ("disk is full", "free some space")),
        (errno.EACCES, ("no permission", "a folder you can write to")),
        (errno.EROFS, ("no permission", "a folder you can write to")),
    ],
)
def test_full_or_read_only_disk_keeps_the_old_file(
    tmp_path: Path,
    incident: Path,
    settlements_db: str,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    fragments: tuple[str, ...],
) -> None:
    """Tests run as root here, so a read-only folder would not refuse: the failure is
    injected where the bytes are written (the same place a full disk fails)."""
    memo, chart = tmp_path / "memo.md", tmp_path / "chart.svg"
    memo.write_text("old memo")
    chart.write_text("old chart")
    import monell.storage.files as files

    real_fdopen = os.fdopen

    class Failing:
        def __init__(self, fd: int, mode: str) -> None:
            self.handle = real_fdopen(fd, mode)

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, "fdopen", Failing)
    assert_bad_input(run(["assess", incident, "-o", memo]), "-o/--output", *fragments)
    result = run(["payouts", "comparables", incident, "--plot", chart, "--db", settlements_db])
    assert_bad_input(result, "--plot", *fragments)
    assert memo.read_text() == "old memo"
    assert chart.read_text() == "old chart"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_charts_replace_the_old_file_whole(tmp_path: Path, incident: Path, settlements_db: str):
    chart = tmp_path / "deep" / "new" / "where.svg"
    result = run(["payouts", "comparables", incident, "--plot", chart, "--db", settlements_db])
    assert result.exit_code == 0, result.stderr
    first = chart.read_bytes()
    assert first.startswith(b"<?xml")
    result = run(["payouts", "comparables", incident, "--plot", chart, "--db", settlements_db])
    assert chart.read_bytes() == first  # reproducible, and replaced rather than appended
    assert [p.name for p in chart.parent.iterdir()] == ["where.svg"]  # no temporary left


def test_a_plot_with_an_unknown_suffix_names_the_fix(
    tmp_path: Path, incident: Path, settlements_db: str
) -> None:
    result = run(
        ["payouts", "pattern", incident, "--plot", tmp_path / "x.gif", "--db", settlements_db]
    )
    assert_bad_input(result, "--plot", ".png or .svg")
