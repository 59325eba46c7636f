"""The audit log: who saw or changed client data, when, what and from where.

Append-only twice over: database triggers refuse UPDATE and DELETE on the table, and each
row carries the SHA-256 of the previous row's hash and its own content, so a row edited or
removed behind the triggers' back (by someone with the database file) breaks the chain that
`verify_chain` and the admin page check. Details never hold personal data: object ids and
action names only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(help_text="When it happened (UTC).")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff account, or empty for the public and API clients.",
    )
    actor_label = models.CharField(
        max_length=254, help_text="E-mail of the account, 'public', or 'api:<token name>'."
    )
    action = models.CharField(max_length=40, help_text="view, change, export, login, …")
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=64, blank=True, help_text="Client address.")
    detail = models.CharField(
        max_length=300, blank=True, help_text="What changed, without personal data."
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        permissions = [("view_audit_log", "Can read the audit log")]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")
