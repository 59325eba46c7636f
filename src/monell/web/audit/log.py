"""Writing and checking the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from monell.web.audit.models import AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, event: AuditEvent) -> str:
    content = json.dumps(
        [
            event.at.isoformat(),
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.ip,
            event.detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def client_ip(request: Any) -> str:
    """REMOTE_ADDR, or, when the app is behind a TLS proxy, the address that proxy put last in
    X-Forwarded-For. Only the last hop is the proxy's own word: anything before it came from
    the client (a proxy that appends keeps what the client sent), so the first hop would let
    anyone forge the audit log's address and dodge the per-address rate limits."""
    from django.conf import settings

    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def actor_of(request: Any) -> tuple[Any, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, user.get_username()
    api = getattr(request, "monell_api_client", None)
    if api:
        return None, f"api:{api}"
    return None, "public"


def record(
    request: Any,
    action: str,
    obj: Any = None,
    detail: str = "",
    *,
    object_type: str = "",
    object_id: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. The chain's tail is read and extended inside one write transaction
    (SQLite takes the write lock at BEGIN IMMEDIATE; PostgreSQL takes an advisory lock), so
    concurrent requests never fork the chain."""
    user, label = actor_of(request) if request is not None else (None, "system")
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(1983)")
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_label=(actor_label or label)[:254],
            action=action[:40],
            object_type=object_type[:40],
            object_id=object_id[:64],
            ip=client_ip(request) if request is not None else "",
            detail=detail[:300],
            prev_hash=last or GENESIS,
        )
        event.hash = _digest(event.prev_hash, event)
        event.save()
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    intact: bool
    first_bad_id: int | None
    reason: str


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainCheck:
    """Recompute every hash in order; the first row that does not follow is reported."""
    prev = GENESIS
    count = 0
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator()
    for event in rows:
        count += 1
        if event.prev_hash != prev:
            return ChainCheck(count, False, event.id, "a row before it was removed or changed")
        if _digest(prev, event) != event.hash:
            return ChainCheck(count, False, event.id, "its content was changed")
        prev = event.hash
    return ChainCheck(count, True, None, "intact")
