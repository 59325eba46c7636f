"""`monell serve`, `monell users create`, `monell keys rotate`, `monell retention purge`:
the web app and its housekeeping. Needs the `web` extra."""

from __future__ import annotations

import threading
import time

import click

from monell.cli.common import EXIT_BAD_INPUT, db_option, fail, require_extra

KEY_FILE_HELP = (
    "The key file holding the app's secret and the encryption keys (default: "
    "$MONELL_KEY_FILE, else web-keys.json in your user config folder; made on first start)."
)


def key_file_option(func):  # type: ignore[no-untyped-def]
    return click.option("--key-file", "key_file", metavar="PATH", default=None, help=KEY_FILE_HELP)(
        func
    )


def _start(db: str | None, key_file: str | None):  # type: ignore[no-untyped-def]
    require_extra("web", "the web app")
    from monell.storage.database import DatabaseUrlError
    from monell.web.bootstrap import start
    from monell.web.config import KeyFileError

    try:
        started = start(db, key_file)
    except (DatabaseUrlError, KeyFileError) as exc:
        fail(str(exc))
    if started.key_file_created:
        click.echo(
            f"Made a new key file at {started.key_file} (permissions 0600). Back it up apart "
            "from the database: without it the encrypted client data cannot be read.",
            err=True,
        )
    else:
        click.echo(f"Key file: {started.key_file}", err=True)
    return started


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")  # fmt: skip
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker threads of the server.",
)
@click.option("--connections", default=1000, show_default=True, type=click.IntRange(1, 100000),
              help="Open connections the server keeps at once (each browser keeps one "
              "alive; waitress's own default of 100 makes the 101st person wait).")  # fmt: skip
@key_file_option
def serve_command(
    db: str | None, host: str, port: int, threads: int, connections: int, key_file: str | None
) -> None:
    """Start the web app: the public interview, the firm's queue and workspace, the API."""
    started = _start(db, key_file)
    import waitress

    from monell.web.maintenance import purge_expired_leads
    from monell.web.wsgi import application

    def purge_daily() -> None:
        while True:
            try:
                purge_expired_leads()
            except Exception as exc:  # a purge failure must not stop the server
                click.echo(f"retention purge failed: {type(exc).__name__}", err=True)
            time.sleep(24 * 3600)

    threading.Thread(target=purge_daily, name="retention-purge", daemon=True).start()
    click.echo(f"Database: {_safe(started.db_url)}", err=True)
    click.echo(f"Serving on http://{host}:{port}/ (staff: /staff/)", err=True)
    waitress.serve(application, host=host, port=port, threads=threads, ident="monell",
                   connection_limit=connections)  # fmt: skip


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group("users")
def users_group() -> None:
    """Staff accounts of the web app."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "attorney", "intake"]),
              help="admin: users, settings, audit log; attorney: leads, decisions, exports; "
              "intake: read leads, notes, status.")  # fmt: skip
@db_option
@key_file_option
def users_create(email: str, role: str, db: str | None, key_file: str | None) -> None:
    """Make a staff account; prints its one-time password and TOTP enrolment (URI and QR)."""
    _start(db, key_file)
    from monell.web.accounts.services import AccountError, create_staff
    from monell.web.audit.log import record

    try:
        enrolment = create_staff(email, role)
    except AccountError as exc:
        fail(str(exc))
    record(None, "create", object_type="user", detail=f"role {enrolment.role} (command line)")
    click.echo(f"Account: {enrolment.email} ({enrolment.role})")
    click.echo(f"One-time password (change it after the first login): {enrolment.password}")
    click.echo("Add this to an authenticator app (shown once):")
    click.echo(enrolment.otpauth_uri)
    click.echo(enrolment.qr_text())


@click.group("keys")
def keys_group() -> None:
    """Encryption keys of the web app's personal data."""


@keys_group.command("rotate")
@db_option
@key_file_option
def keys_rotate(db: str | None, key_file: str | None) -> None:
    """Add a new encryption key, re-encrypt every stored personal datum with it, then retire
    the old keys (safe to rerun after a crash)."""
    _start(db, key_file)
    from monell.web.audit.log import record
    from monell.web.maintenance import rotate_keys

    result = rotate_keys()
    record(None, "rotate_keys", detail=f"{result.rows} rows, key {result.new_key_id}")
    if result.left:
        fail(
            f"{result.left} row(s) are still sealed with an old key (a server was writing while "
            "the keys were rotated); every key was kept, so all data still reads. Stop the "
            "server and run `monell keys rotate` again."
        )
    click.echo(
        f"Re-encrypted {result.rows} row(s) with key {result.new_key_id}; retired "
        f"{result.retired} old key(s). Back up the key file now."
    )


@click.group("retention")
def retention_group() -> None:
    """The web app's retention of leads the firm did not take."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be purged; delete nothing.")
@db_option
@key_file_option
def retention_purge(dry_run: bool, db: str | None, key_file: str | None) -> None:
    """Delete declined/referred and never-contacted leads past the retention periods set
    in the app's settings (the server also does this daily)."""
    _start(db, key_file)
    from monell.web.maintenance import purge_expired_leads

    result = purge_expired_leads(dry_run=dry_run)
    verb = "Would purge" if dry_run else "Purged"
    click.echo(
        f"{verb} {result.declined} declined/referred lead(s) decided before "
        f"{result.cutoff_declined:%Y-%m-%d} and {result.uncontacted} never-contacted lead(s) "
        f"from before {result.cutoff_uncontacted:%Y-%m-%d}, and {result.interviews} unfinished "
        "interview(s) 30 days after their last save."
    )


@click.group("api-token")
def api_token_group() -> None:
    """Tokens for the HTTP API (a firm's website form, its other tools)."""


@api_token_group.command("create")
@click.argument("name")
@db_option
@key_file_option
def api_token_create(name: str, db: str | None, key_file: str | None) -> None:
    """Make a token for client NAME; it is printed once (only its hash is kept)."""
    _start(db, key_file)
    from django.db import IntegrityError

    from monell.web.api.auth import issue_token
    from monell.web.audit.log import record

    try:
        client, token = issue_token(name.strip()[:100])
    except IntegrityError:
        fail(f"NAME: a client called {name!r} already exists; pick another name or revoke it")
    record(None, "create", object_type="api_client", object_id=str(client.pk))
    click.echo(f"Token for {client.name} (shown once; send it as 'Authorization: Bearer …'):")
    click.echo(token)


@api_token_group.command("revoke")
@click.argument("name")
@db_option
@key_file_option
def api_token_revoke(name: str, db: str | None, key_file: str | None) -> None:
    """Revoke client NAME's token: its requests are refused from now on."""
    _start(db, key_file)
    from django.utils import timezone

    from monell.web.api.models import ApiClient
    from monell.web.audit.log import record

    count = ApiClient.objects.filter(name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not count:
        fail(f"NAME: no active client called {name!r}")
    record(None, "revoke", object_type="api_client", detail=name[:100])
    click.echo(f"Revoked the token of {name}.")


def register(group: click.Group) -> None:
    group.add_command(serve_command)
    group.add_command(users_group)
    group.add_command(keys_group)
    group.add_command(retention_group)
    group.add_command(api_token_group)


__all__ = ["EXIT_BAD_INPUT", "register"]
