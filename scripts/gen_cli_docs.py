"""Write docs/cli.md from the click commands themselves (a test keeps the two in sync).

Run: .venv/bin/python scripts/gen_cli_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"


def _walk(
    cmd: click.Command, name: str, parent: click.Context | None
) -> list[tuple[click.Context, click.Command]]:
    # Contexts are chained as in a real invocation, so subcommands inherit the group's
    # settings (help option names): the page shows what a user sees, whatever ran before.
    ctx = click.Context(cmd, info_name=name, parent=parent)
    found = [(ctx, cmd)]
    if isinstance(cmd, click.Group):
        for sub in sorted(cmd.commands):
            found += _walk(cmd.commands[sub], sub, ctx)
    return found


def render() -> str:
    from monell.cli.main import cli

    parts = [
        "# `monell` command reference\n",
        "Generated from the code by `scripts/gen_cli_docs.py`; `tests/test_cli_docs.py` fails "
        "when this file and the commands disagree. Exit codes: 0 success, 1 the command ran "
        "and reports findings (e.g. a citation that does not verify), 2 bad input.\n",
    ]
    for ctx, cmd in _walk(cli, "monell", None):
        formatter = ctx.make_formatter()
        formatter.width = 100
        cmd.format_help(ctx, formatter)
        parts.append(f"## `{ctx.command_path}`\n\n```text\n{formatter.getvalue().rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.exists() and OUT.read_text() == text else 1)
    OUT.write_text(text)
    print(f"wrote {OUT}")
