"""Bearer tokens for API clients: a random token shown once, its SHA-256 kept."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone
from ninja.security import HttpBearer

from monell.web.api.models import ApiClient
from monell.web.crypto import token_hash


def issue_token(name: str, by: Any = None) -> tuple[ApiClient, str]:
    token = "mnl_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, token_hash=token_hash(token), created_by=by)
    return client, token


class ClientToken(HttpBearer):
    def authenticate(self, request: Any, token: str) -> ApiClient | None:
        client = ApiClient.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True
        ).first()
        if client is None:
            return None
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        request.monell_api_client = client.name
        return client
