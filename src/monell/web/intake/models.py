"""An interview in progress: the person's answers, saved at every step, encrypted.

The private resume link carries a random token; only its SHA-256 is stored, so the database
alone cannot be used to resume someone else's interview. It expires 30 days after the last
save, and holds no personal data in the URL.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import models
from django.utils import timezone

from monell.web.fields import EncryptedJSONField

RESUME_DAYS = 30


def new_resume_token() -> str:
    return secrets.token_urlsafe(24)


def expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=RESUME_DAYS)


class Interview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(default=expiry)
    language = models.CharField(max_length=5, default="en")
    step = models.CharField(max_length=40, default="")
    answers = EncryptedJSONField(default=dict)
    submitted_lead = models.ForeignKey(
        "cases.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
