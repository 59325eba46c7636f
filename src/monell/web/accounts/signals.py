"""Logins, failed logins and logouts go to the audit log; roles exist after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django_otp.forms import otp_verification_failed


@receiver(post_migrate)
def _roles(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") == "accounts":
        from monell.web.accounts.roles import ensure_roles

        ensure_roles()


@receiver(user_logged_in)
def _login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from monell.web.audit.log import record

    record(request, "login", object_type="user", object_id=str(user.pk))


@receiver(user_logged_out)
def _logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from monell.web.audit.log import record

    if user is not None:
        record(request, "logout", object_type="user", object_id=str(user.pk))


@receiver(user_login_failed)
def _failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    from monell.web.audit.log import record

    name = str((credentials or {}).get("username", ""))[:254]
    record(request, "login_failed", object_type="user", actor_label=f"attempt:{name}")


@receiver(otp_verification_failed)
def _otp_failed(sender: Any, user: Any, **kwargs: Any) -> None:
    """Right password, wrong authenticator code (django-otp sends no request with it)."""
    from monell.web.audit.log import record

    record(
        None,
        "login_failed",
        object_type="user",
        object_id=str(user.pk),
        actor_label=f"attempt:{user.get_username()}",
        detail="wrong authenticator code",
    )
