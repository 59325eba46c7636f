"""API clients (a firm's own website form, its other tools): a name and a token, of which
only the SHA-256 is stored; the token itself is shown once when it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiClient(models.Model):
    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
