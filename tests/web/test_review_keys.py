"""Review findings on the key file: a crash while the first key file is written must not
leave a half-written file that every later start refuses; a start with a missing or another
installation's key file must stop with a clear message (exit 2, no traceback) instead of
making a new key and serving pages that cannot read the data; a rotation beside a running
server must not retire a key that some row still needs, and the server picks up the new key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monell.web import config
from monell.web.config import KeyFileError, ensure_key_file, load_key_file

ROOT = Path(__file__).resolve().parents[2]


def test_a_crash_while_writing_the_first_key_file_leaves_no_broken_file(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keys" / "web-keys.json"

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(config.json, "dump", crash)
    with pytest.raises(OSError):
        ensure_key_file(path)
    monkeypatch.undo()
    assert not path.exists()
    assert list(path.parent.iterdir()) == []  # no temporary file left behind either
    keys, created = ensure_key_file(path)
    assert created and load_key_file(path).current.id == keys.current.id
    assert path.stat().st_mode & 0o777 == 0o600


def test_two_starts_at_once_keep_one_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "web-keys.json"
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: ensure_key_file(path), range(16)))
    assert len({keys.current.id for keys, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    monell = str(Path(sys.executable).with_name("monell"))
    return subprocess.run(
        [monell, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def installation(tmp_path):  # type: ignore[no-untyped-def]
    """A database holding one lead, made with key file A (in its own process)."""
    db = f"sqlite:///{tmp_path / 'firm.sqlite3'}"
    key_a = tmp_path / "a.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONELL_", "DJANGO_"))}
    made = _run(
        "from monell.web.bootstrap import start\n"
        f"start({db!r}, {str(key_a)!r})\n"
        "from tests.web.leads import lead_with\n"
        "print(lead_with(name='Rosa Roe').reference)\n",
        env,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    return db, key_a, env


@pytest.mark.parametrize("which", ["missing", "other"])
def test_a_start_with_the_wrong_key_file_stops_with_a_clear_message(
    installation, tmp_path, which
) -> None:  # type: ignore[no-untyped-def]
    db, key_a, env = installation
    key_b = tmp_path / "b.json"
    if which == "other":
        ensure_key_file(key_b)  # another installation's key file
    before = key_b.read_bytes() if key_b.exists() else None
    result = _cli(["retention", "purge", "--dry-run", "--db", db, "--key-file", str(key_b)], env)
    assert result.returncode == 2, (result.stdout, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert "cannot read the personal data already in this database" in result.stderr
    assert str(key_b) in result.stderr
    if which == "missing":
        assert not key_b.exists()  # the key made by the failed start is not left to be used
    else:
        assert key_b.read_bytes() == before
    # The right key file still opens everything.
    ok = _cli(["retention", "purge", "--dry-run", "--db", db, "--key-file", str(key_a)], env)
    assert ok.returncode == 0, ok.stderr[-2000:]


@pytest.mark.django_db
def test_a_running_server_switches_to_a_key_added_by_rotation() -> None:
    from django.conf import settings

    from monell.web.cases.models import Note
    from monell.web.config import add_encryption_key
    from monell.web.crypto import key_ring
    from tests.web.leads import lead_with

    lead = lead_with(name="Rosa Roe")
    key_ring()  # the server's ring, from the key file it started with
    # `monell keys rotate` in another process adds a key to the file.
    added = add_encryption_key(load_key_file(settings.MONELL_KEYS.path))
    note = Note.objects.create(lead=lead, text="called back")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_note WHERE id = %s", [note.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith(f"m1:{added.current.id}:")
    assert Note.objects.get(pk=note.pk).text == "called back"


@pytest.mark.django_db
def test_rotation_keeps_old_keys_while_a_row_still_needs_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A server that has not yet seen the new key writes a note under the old one while the
    rotation re-encrypts: the rotation re-encrypts it too before retiring the old key, so
    after a restart (key file read afresh) every row still decrypts."""
    from django.conf import settings
    from django.db import connection

    from monell.web import maintenance
    from monell.web.cases.models import Note
    from monell.web.crypto import KeyRing
    from tests.web.leads import lead_with

    lead = lead_with(name="Rosa Roe")
    old_keys = settings.MONELL_KEYS
    real = maintenance._reencrypt
    state = {"done": False}

    def reencrypt_while_a_server_writes(model, fields, pks):  # type: ignore[no-untyped-def]
        count = real(model, fields, pks)
        if not state["done"]:
            state["done"] = True
            note = Note.objects.create(lead=lead, text="placeholder")
            sealed = KeyRing(old_keys).encrypt_text("written by the old server", "cases.Note.text")
            with connection.cursor() as cursor:
                cursor.execute("UPDATE cases_note SET text = %s WHERE id = %s", [sealed, note.pk])
        return count

    monkeypatch.setattr(maintenance, "_reencrypt", reencrypt_while_a_server_writes)
    result = maintenance.rotate_keys()
    assert result.left == 0
    restarted = KeyRing(load_key_file(settings.MONELL_KEYS.path))
    assert len(restarted.keys.encryption_keys) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_note")
        texts = [restarted.decrypt_text(row[0], "cases.Note.text") for row in cursor.fetchall()]
    assert "written by the old server" in texts


def test_key_file_json_is_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "web-keys.json"
    ensure_key_file(path)
    data = json.loads(path.read_text())
    assert data["version"] == 1 and len(data["encryption_keys"]) == 1
    path.write_text("")
    with pytest.raises(KeyFileError):
        load_key_file(path)


@pytest.mark.django_db
def test_a_running_server_ignores_another_installations_key_file_copied_over_its_own() -> None:
    import shutil

    from django.conf import settings

    from monell.web.cases.models import Note
    from monell.web.crypto import key_ring
    from tests.web.leads import lead_with

    lead = lead_with(name="Rosa Roe")
    ours = key_ring().current_id
    path = settings.MONELL_KEYS.path
    backup = path.read_bytes()
    foreign, _ = ensure_key_file(path.with_name("foreign.json"))
    try:
        shutil.copyfile(foreign.path, path)
        note = Note.objects.create(lead=lead, text="called back")
        assert key_ring().current_id == ours
        assert Note.objects.get(pk=note.pk).text == "called back"
    finally:
        path.write_bytes(backup)
        os.chmod(path, 0o600)


@pytest.mark.parametrize("body", ["!!!not base64!!!", "QUJD", ""])
def test_a_cut_or_altered_stored_value_is_a_decryption_error(tmp_path, body) -> None:  # type: ignore[no-untyped-def]
    from monell.web.crypto import DecryptionError, KeyRing

    keys, _ = ensure_key_file(tmp_path / "k.json")
    ring = KeyRing(keys)
    with pytest.raises(DecryptionError):
        ring.decrypt(f"m1:{keys.current.id}:{body}", "cases.Lead.contact")
