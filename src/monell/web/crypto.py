"""Personal data encrypted at rest: AES-256-GCM with keys from the key file.

A stored value reads `m1:<key id>:<base64 of nonce + ciphertext + tag>`. The field's name is
the associated data, so a ciphertext copied into another field or table fails to decrypt
instead of showing a client's narrative where a name belongs. Every value gets a fresh
96-bit random nonce. Nothing here is hand-rolled cryptography: AESGCM is `cryptography`'s.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from monell.web.config import KeyFile

PREFIX = "m1"


class DecryptionError(ValueError):
    """A stored value cannot be decrypted: wrong key file, or the data was altered."""


class KeyRing:
    def __init__(self, keys: KeyFile) -> None:
        self.keys = keys
        self._by_id = {k.id: AESGCM(k.key) for k in keys.encryption_keys}

    @property
    def current_id(self) -> str:
        return self.keys.current.id

    def encrypt(self, plaintext: bytes, purpose: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._by_id[self.current_id].encrypt(nonce, plaintext, purpose.encode())
        return f"{PREFIX}:{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, purpose: str) -> bytes:
        try:
            prefix, key_id, body = stored.split(":", 2)
        except ValueError:
            raise DecryptionError("not an encrypted value") from None
        if prefix != PREFIX:
            raise DecryptionError(f"unknown format {prefix!r}")
        aead = self._by_id.get(key_id)
        if aead is None:
            raise DecryptionError(
                f"encrypted with key {key_id!r}, which is not in the key file "
                f"{self.keys.path}; restore the key file that holds it"
            )
        try:
            raw = base64.b64decode(body, validate=True)
        except ValueError:  # binascii.Error: the stored text was cut or altered
            raise DecryptionError("not valid base64: altered or truncated data") from None
        if len(raw) < 12 + 16:
            raise DecryptionError("too short for a nonce and a tag: truncated data")
        try:
            return aead.decrypt(raw[:12], raw[12:], purpose.encode())
        except InvalidTag:
            raise DecryptionError("authentication failed: altered data or wrong key") from None

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    # conveniences for the model fields
    def encrypt_text(self, text: str, purpose: str) -> str:
        return self.encrypt(text.encode("utf-8"), purpose)

    def decrypt_text(self, stored: str, purpose: str) -> str:
        return self.decrypt(stored, purpose).decode("utf-8")

    def encrypt_json(self, value: Any, purpose: str) -> str:
        return self.encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True), purpose)

    def decrypt_json(self, stored: str, purpose: str) -> Any:
        return json.loads(self.decrypt_text(stored, purpose))


_RING: KeyRing | None = None
_STAMP: tuple[int, int, int] | None = None  # the key file's (inode, mtime, size) when read


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _same_lineage(old: KeyFile, new: KeyFile) -> bool:
    """The file a rotation made from this one: same secret, and a key in common (a new key
    added in front of ours, or ours kept alone once the old ones were retired)."""
    old_ids = {k.id for k in old.encryption_keys}
    new_ids = {k.id for k in new.encryption_keys}
    return new.secret_key == old.secret_key and bool(old_ids & new_ids)


def key_ring() -> KeyRing:
    """The process's key ring, from the key file the settings loaded, read again when the
    file changes: while `monell keys rotate` runs beside a running server, the server starts
    encrypting with the new key as soon as it is added, instead of writing rows under an old
    key that the rotation is about to retire (unreadable after the next restart)."""
    global _RING, _STAMP
    from django.conf import settings

    keys: KeyFile = settings.MONELL_KEYS
    stamp = _stamp(keys.path)
    if _RING is not None and _RING.keys is keys and stamp is not None and stamp != _STAMP:
        from monell.web.config import KeyFileError, load_key_file

        try:
            fresh = load_key_file(keys.path)
        except (OSError, KeyFileError):  # mid-replace or damaged: keep what works
            return _RING
        if not _same_lineage(keys, fresh):
            # Another installation's key file copied over this one: never switch to it while
            # running (the next start refuses it with a clear message).
            return _RING
        keys = fresh
        settings.MONELL_KEYS = keys
    if _RING is None or _RING.keys is not keys:
        _RING = KeyRing(keys)
        _STAMP = stamp
    return _RING


def token_hash(token: str) -> str:
    """What the database keeps of a secret link or bearer token (resume links, calendar
    feeds, API tokens): its SHA-256, so a copy of the database opens none of them. The tokens
    are random (>= 192 bits), so a plain hash without salt or stretching is enough."""
    return hashlib.sha256(token.encode()).hexdigest()
