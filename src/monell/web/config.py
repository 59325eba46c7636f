"""Where the web app keeps its secrets and its data, decided before Django starts.

The key file holds Django's SECRET_KEY and the AES-GCM keys that encrypt personal data at
rest. It lives outside the database (a stolen backup of the database alone reveals no
client's name) and is made on first start with permissions 0600. Its first encryption key
encrypts; every key in it decrypts, so `monell keys rotate` can add a key and re-encrypt.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir
from sqlalchemy.engine import make_url

from monell.storage.database import resolve_db_url

KEY_FILE_ENV = "MONELL_KEY_FILE"
KEY_FILE_VERSION = 1


class KeyFileError(ValueError):
    """The key file cannot be used; the message names the file and the fix."""


def default_key_file() -> Path:
    return Path(user_config_dir("monell", appauthor=False)) / "web-keys.json"


def key_file_path(option: str | None = None) -> Path:
    return Path(option or os.environ.get(KEY_FILE_ENV) or default_key_file()).expanduser()


@dataclass(frozen=True)
class EncryptionKey:
    id: str
    key: bytes
    created: str


@dataclass(frozen=True)
class KeyFile:
    path: Path
    secret_key: str
    encryption_keys: tuple[EncryptionKey, ...]  # the first one encrypts; all decrypt

    @property
    def current(self) -> EncryptionKey:
        return self.encryption_keys[0]


def _new_encryption_key() -> EncryptionKey:
    now = dt.datetime.now(dt.UTC)
    return EncryptionKey(
        id=f"k{now:%Y%m%d%H%M%S}{secrets.token_hex(2)}",
        key=secrets.token_bytes(32),
        created=now.isoformat(timespec="seconds"),
    )


def _write(path: Path, data: dict[str, Any]) -> None:
    """Whole file or nothing, 0600 from the first byte (mkstemp creates it 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _serialise(keys: KeyFile) -> dict[str, Any]:
    return {
        "version": KEY_FILE_VERSION,
        "secret_key": keys.secret_key,
        "encryption_keys": [
            {"id": k.id, "key": base64.b64encode(k.key).decode(), "created": k.created}
            for k in keys.encryption_keys
        ],
    }


def load_key_file(path: Path) -> KeyFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("version") != KEY_FILE_VERSION:
            raise ValueError(f"version {raw.get('version')!r}, expected {KEY_FILE_VERSION}")
        keys = tuple(
            EncryptionKey(k["id"], base64.b64decode(k["key"], validate=True), k["created"])
            for k in raw["encryption_keys"]
        )
        if not keys or any(len(k.key) != 32 for k in keys):
            raise ValueError("every encryption key must be 32 bytes (AES-256)")
        secret = str(raw["secret_key"])
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(
            f"key file {path}: unreadable ({type(exc).__name__}: {exc}). Restore it from your "
            "backup; without it the encrypted personal data cannot be read."
        ) from None
    if path.stat().st_mode & 0o077:
        raise KeyFileError(
            f"key file {path}: readable by other users (mode {path.stat().st_mode & 0o777:o}); "
            f"run `chmod 600 {path}`."
        )
    return KeyFile(path, secret, keys)


def ensure_key_file(path: Path) -> tuple[KeyFile, bool]:
    """Load the key file, making it on first start. Returns (keys, created)."""
    try:
        return load_key_file(path), False
    except FileNotFoundError:
        pass
    keys = KeyFile(path, secrets.token_urlsafe(50), (_new_encryption_key(),))
    # Written whole to a temporary file (0600 from the start), then linked into place: link
    # fails if the name exists, so two servers starting at once never each keep a different
    # key, and neither ever reads a half-written file (nor does a restart after a crash).
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(_serialise(keys), f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return load_key_file(path), False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return keys, True


def add_encryption_key(keys: KeyFile) -> KeyFile:
    """A new current key in front; older keys stay until re-encryption has finished."""
    new = KeyFile(keys.path, keys.secret_key, (_new_encryption_key(), *keys.encryption_keys))
    _write(keys.path, _serialise(new))
    return new


def retire_old_keys(keys: KeyFile) -> KeyFile:
    """Keep only the current key (call after every row was re-encrypted with it)."""
    new = KeyFile(keys.path, keys.secret_key, (keys.current,))
    _write(keys.path, _serialise(new))
    return new


def django_database(db_url: str) -> dict[str, Any]:
    """Monell's database URL (the one `--db` / MONELL_DB take) as Django's DATABASES entry,
    so the web app, the corpus and the payouts data share one database."""
    url = make_url(resolve_db_url(db_url))
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # WAL lets readers work while one request writes; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue (busy timeout) instead of failing on lock upgrade.
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            "ATOMIC_REQUESTS": False,
        }
    options: dict[str, Any] = dict(url.query)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.database or "",
        "USER": url.username or "",
        "PASSWORD": url.password or "",
        "HOST": url.host or "",
        "PORT": str(url.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
