"""Model fields whose values are encrypted in the database (see crypto.py).

Use them for everything that identifies or describes a person: names, contact details,
answers, narratives, notes, uploads, assessments (which repeat the answers). They cannot be
searched or ordered in SQL; the few things the queue sorts and filters on (state, conduct
codes, earliest deadline, status) are kept in plain columns and hold no one's identity.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

from monell.web.crypto import DecryptionError, key_ring

log = logging.getLogger("monell.web.crypto")


class Undecryptable:
    """Marks a value read from a row that cannot be decrypted (a damaged or foreign
    ciphertext). Pages show it as blank instead of failing whole, and it can never be written
    back: saving it raises, so the stored ciphertext survives for a key that can read it."""


class UndecryptableText(str, Undecryptable):
    pass


class UndecryptableJSON(dict, Undecryptable):  # type: ignore[type-arg]
    pass


class UndecryptableBytes(bytes, Undecryptable):
    pass


class _Encrypted(models.TextField):  # type: ignore[type-arg]
    def purpose(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def _seal(self, value: Any) -> str:
        raise NotImplementedError

    def _open(self, stored: str) -> Any:
        raise NotImplementedError

    unreadable: Any = UndecryptableText("")

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Undecryptable):
            raise DecryptionError(
                f"{self.purpose()}: refusing to overwrite a value that could not be decrypted"
            )
        return self._seal(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return self._open(value)
        except DecryptionError as exc:
            # Named by field only: the row's content is exactly what cannot be read.
            log.error("cannot decrypt a stored %s: %s", self.purpose(), exc)
            return type(self.unreadable)()  # a fresh blank each time

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedTextField(_Encrypted):
    def _seal(self, value: Any) -> str:
        return key_ring().encrypt_text(str(value), self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt_text(stored, self.purpose())


class EncryptedJSONField(_Encrypted):
    unreadable = UndecryptableJSON()

    def _seal(self, value: Any) -> str:
        return key_ring().encrypt_json(value, self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt_json(stored, self.purpose())


class EncryptedBinaryField(_Encrypted):
    """Bytes (uploads), stored as base64 text of the ciphertext."""

    unreadable = UndecryptableBytes(b"")

    def _seal(self, value: Any) -> str:
        return key_ring().encrypt(bytes(value), self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt(stored, self.purpose())


ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedJSONField, EncryptedBinaryField)
