"""The top-level error handler: no command ends in a traceback.

Exit codes scripts rely on:
  0  success
  1  the command ran and reports findings (e.g. a citation that does not verify)
  2  bad input: a file, option, value or database the command cannot use; the message
     names it and the fix, and nothing was half-written
  3  an unexpected internal error (a bug): one line on stderr, details in a log file
130  interrupted (Ctrl-C); what was committed stays committed

Failures that are the environment's, not the code's (an unusable or busy database, an
unwritable output path), are turned into exit 2 here once, for every command. Anything
else is a bug: it is logged to the user log folder with its stack of code locations but
without the exception's message or any argument, since those can carry an incident's
personal details, and the user is asked to report it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130
BUG_REPORT_HINT = "please report it to the Monell maintainers (an issue on the project's tracker)"
_PASS_THROUGH = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


def log_path() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("monell", appauthor=False)) / "errors.log"


def _redact(text: str) -> str:
    from monell.storage.database import redact_secrets

    return redact_secrets(text)


def _bad_input(message: str) -> NoReturn:
    click.echo(f"error: {_redact(message)}", err=True)
    raise SystemExit(EXIT_BAD_INPUT)


_DB_MODULES = ("sqlalchemy", "sqlite3", "psycopg", "django.db")
# DB-API error classes that mean "this database cannot be used now" (unreachable, not a
# database, locked, disk full), as opposed to a bug in Monell's SQL (ProgrammingError) or
# a value that broke a constraint (IntegrityError, DataError): those stay exit 3.
_ENVIRONMENT_ERRORS = {"OperationalError", "InterfaceError", "DatabaseError", "DBAPIError"}
_CODE_OR_DATA_ERRORS = {"IntegrityError", "ProgrammingError", "DataError", "NotSupportedError"}


def _database_problem(exc: Exception) -> str | None:
    """The exit-2 message for a database the command cannot use, or None if `exc` is not
    one. Raw driver errors (sqlite3, psycopg) count too: bulk writers use the driver."""
    from monell.storage.database import describe_current_db

    orig = getattr(exc, "orig", None) or exc
    # By class name along the MRO: SQLAlchemy, sqlite3, psycopg (DiskFull is an
    # OperationalError) and Django each have their own classes of the DB-API names.
    kinds = {c.__name__ for error in (exc, orig) for c in type(error).__mro__}
    if kinds & _CODE_OR_DATA_ERRORS or not kinds & _ENVIRONMENT_ERRORS:
        return None
    reason = str(orig).strip().splitlines()
    first = reason[0] if reason else type(orig).__name__
    where = describe_current_db()
    if any(busy in first for busy in ("database is locked", "database is busy", "lock timeout")):
        from monell.storage.writelock import busy_message

        return busy_message(where)  # names the process holding the lock when it is known
    return (
        f"--db: cannot use the database {where} ({first}); give the path of a Monell "
        "SQLite file (a new one is made if missing) or the URL of a reachable PostgreSQL "
        "database, with --db or $MONELL_DB"
    )


def _command_words(group: click.Group, tokens: list[str]) -> str:
    """`corpus load`: the subcommand names only, never an argument (a path or a value)."""
    words: list[str] = []
    command: click.Command | None = group
    for token in tokens:
        if not isinstance(command, click.Group) or token not in command.commands:
            break
        words.append(token)
        command = command.commands[token]
    return " ".join(words)


def _log_bug(exc: BaseException, command: str) -> Path | None:
    """Append the stack (code locations only) to the log; None if that fails too."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{dt.datetime.now(dt.UTC).isoformat()} {type(exc).__module__}.{type(exc).__name__}"]
    lines += [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames if f.filename]
    lines.append(f"  command: monell {command}".rstrip())
    try:
        from importlib.metadata import version

        lines.append(f"  version: {version('monell')}, Python {sys.version.split()[0]}")
    except Exception:  # the log line is a courtesy, never a second failure
        pass
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    except OSError:
        return None
    return path


def handle_unexpected(exc: BaseException, command: str = "") -> NoReturn:
    """Turn any exception that escaped a command into its exit code and one message."""
    if isinstance(exc, KeyboardInterrupt):
        click.echo("interrupted; work already committed is kept (rerun to continue)", err=True)
        raise SystemExit(EXIT_INTERRUPTED)
    if isinstance(exc, BrokenPipeError):
        # `monell … | head`: the reader left; say nothing more into the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1)
    if isinstance(exc, Exception):
        from monell.storage.database import DatabaseUrlError

        if isinstance(exc, DatabaseUrlError):
            _bad_input(str(exc))
        if type(exc).__module__.startswith(_DB_MODULES):
            message = _database_problem(exc)
            if message is not None:
                _bad_input(message)
    logged = _log_bug(exc, command)
    where = f"; details (no personal data) in {logged}" if logged else ""
    click.echo(
        f"error: unexpected internal error ({type(exc).__name__}): this is a bug in Monell, "
        f"not in your input{where}; {BUG_REPORT_HINT}",
        err=True,
    )
    raise SystemExit(EXIT_UNEXPECTED)


class HandledGroup(click.Group):
    """The root group: every subcommand runs inside `handle_unexpected`."""

    def invoke(self, ctx: click.Context) -> Any:
        # Click empties these as it descends; the log names the subcommand it failed in.
        tokens = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except SystemExit:
            raise
        except BaseException as exc:  # the one place that must catch all
            handle_unexpected(exc, _command_words(self, tokens))
