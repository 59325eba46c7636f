"""What every command shares: exit codes, error printing, atomic output, --db."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    """Print a bad-input message and exit 2 (never a traceback)."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        metavar="URL",
        default=None,
        help="Database URL (sqlite:///PATH or postgresql+psycopg://USER:PW@HOST/DB). "
        "Default: $MONELL_DB, else an SQLite file in your user data directory.",
    )(func)


def format_option(choices: tuple[str, ...], help: str) -> Callable[[F], F]:
    """`--format` (stored as `fmt`), defaulting to md: one spelling for every command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="md",
        show_default=True,
        help=help,
    )


def parse_date_option(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: {value!r} is not a date; use YYYY-MM-DD")
    return None


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a crash mid-write never leaves half a memo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide the memo from its reader
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit(text: str, output: str | None) -> None:
    if output:
        write_atomically(Path(output), text)
    else:
        click.echo(text, nl=False)
