"""Write docs/cli.md from the click commands themselves (a test keeps the two in sync).

Run: .venv/bin/python scripts/gen_cli_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"


def _paths(cmd: click.Command, path: list[str]) -> list[list[str]]:
    found = [path]
    if isinstance(cmd, click.Group):
        for sub in sorted(cmd.commands):
            found += _paths(cmd.commands[sub], [*path, sub])
    return found


def render() -> str:
    """Each page is the output of a real `monell … --help` run, so it is exactly what a user
    sees (and does not depend on state left by whatever ran before in the process)."""
    from click.testing import CliRunner

    from monell.cli.main import cli

    runner = CliRunner()
    parts = [
        "# `monell` command reference\n",
        "Generated from the code by `scripts/gen_cli_docs.py`; `tests/test_cli_docs.py` fails "
        "when this file and the commands disagree. Exit codes: 0 success, 1 the command ran "
        "and reports findings (e.g. a citation that does not verify), 2 bad input (named, with "
        "the fix) or an unusable or busy database, 3 an unexpected internal error (a bug; "
        "logged without personal data), 130 interrupted. See docs/errors.md.\n",
    ]
    for path in _paths(cli, []):
        result = runner.invoke(
            cli, [*path, "--help"], prog_name="monell", terminal_width=100, env={"COLUMNS": "100"}
        )
        if result.exit_code != 0:
            raise RuntimeError(f"monell {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["monell", *path])
        parts.append(f"## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.exists() and OUT.read_text() == text else 1)
    OUT.write_text(text)
    print(f"wrote {OUT}")
