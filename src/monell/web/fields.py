"""Model fields whose values are encrypted in the database (see crypto.py).

Use them for everything that identifies or describes a person: names, contact details,
answers, narratives, notes, uploads, assessments (which repeat the answers). They cannot be
searched or ordered in SQL; the few things the queue sorts and filters on (state, conduct
codes, earliest deadline, status) are kept in plain columns and hold no one's identity.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from monell.web.crypto import key_ring


class _Encrypted(models.TextField):  # type: ignore[type-arg]
    def purpose(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def _seal(self, value: Any) -> str:
        raise NotImplementedError

    def _open(self, stored: str) -> Any:
        raise NotImplementedError

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return self._seal(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self._open(value)

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedTextField(_Encrypted):
    def _seal(self, value: Any) -> str:
        return key_ring().encrypt_text(str(value), self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt_text(stored, self.purpose())


class EncryptedJSONField(_Encrypted):
    def _seal(self, value: Any) -> str:
        return key_ring().encrypt_json(value, self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt_json(stored, self.purpose())


class EncryptedBinaryField(_Encrypted):
    """Bytes (uploads), stored as base64 text of the ciphertext."""

    def _seal(self, value: Any) -> str:
        return key_ring().encrypt(bytes(value), self.purpose())

    def _open(self, stored: str) -> Any:
        return key_ring().decrypt(stored, self.purpose())


ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedJSONField, EncryptedBinaryField)
