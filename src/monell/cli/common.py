"""What every command shares: exit codes, error printing, atomic output, --db."""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from monell.domain.incident import Problem
    from monell.domain.models import Incident

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
MAX_PRINTED_PROBLEMS = 20

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    """Print a bad-input message and exit 2 (never a traceback, never a password)."""
    from monell.storage.database import redact_secrets

    click.echo(f"error: {redact_secrets(message)}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def fail_incident(path: str, problems: Sequence[Problem]) -> NoReturn:
    """Every problem of an incident file (the first MAX_PRINTED_PROBLEMS), then exit 2."""
    click.echo(f"error: {path}: {len(problems)} problem(s) in the incident:", err=True)
    for p in problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(f"  - {p}", err=True)
    if len(problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"  … and {len(problems) - MAX_PRINTED_PROBLEMS} more", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


def read_incident_or_exit(path: str, as_of: dt.date | None = None) -> Incident:
    from monell.domain.incident import IncidentError
    from monell.intake import load_incident

    try:
        return load_incident(path, as_of=as_of)
    except IncidentError as exc:
        fail_incident(path, exc.problems)


def describe_write_error(path: Path, exc: OSError) -> str:
    """Why `path` cannot be written, and what to do instead."""
    code = exc.errno
    if isinstance(exc, IsADirectoryError) or (code == errno.EEXIST and path.is_dir()):
        return f"{path} is a folder; give a file name, e.g. {path / 'out'}{path.suffix}"
    if isinstance(exc, NotADirectoryError | FileExistsError) or code == errno.ENOTDIR:
        return f"{path}: a part of the folder path is a file, not a folder; fix the path"
    if code == errno.ENAMETOOLONG:
        return f"{str(path)[:60]}…: the file name is too long; use a shorter name"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full; free some space or write to another disk"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path}: no permission to write there; choose a folder you can write to"
    return f"{path}: cannot write ({exc.strerror or exc}); choose another path"


def require_extra(extra: str, what: str) -> None:
    """Exit 2 with the install line when `what` needs an extra that is not installed."""
    from importlib.util import find_spec

    from monell.extras import EXTRA_MODULES, install_line

    missing = [m for m in EXTRA_MODULES[extra] if find_spec(m) is None]
    if missing:
        fail(
            f"{what} needs the optional `{extra}` extra ({', '.join(missing)} not installed): "
            f"{install_line(extra)}"
        )


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


def emit(text: str, output: str | None, option: str = "-o/--output") -> None:
    if output:
        path = Path(output)
        from monell.storage.files import write_atomically

        try:
            write_atomically(path, text)
        except OSError as exc:
            fail(f"{option}: {describe_write_error(path, exc)}; nothing was written")
    else:
        click.echo(text, nl=False)
