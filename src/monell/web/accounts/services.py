"""Creating staff accounts and their TOTP enrolment, for `monell users create` and the
admin's page alike."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from monell.web.accounts.roles import Role, ensure_roles


class AccountError(ValueError):
    """Bad account input; the message names the field and the fix."""


@dataclass(frozen=True)
class Enrolment:
    email: str
    role: Role
    password: str  # shown once; the person changes it after first login
    otpauth_uri: str  # for an authenticator app (shown once)

    def qr_text(self) -> str:
        import qrcode

        qr = qrcode.QRCode(border=1)
        qr.add_data(self.otpauth_uri)
        out = io.StringIO()
        qr.print_ascii(out=out, invert=True)
        return out.getvalue()


def create_staff(email: str, role: str, password: str | None = None) -> Enrolment:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountError(f"EMAIL: {email!r} is not an e-mail address") from None
    try:
        chosen = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise AccountError(f"--role: {role!r} is not a role; use one of {allowed}") from None
    user_model = get_user_model()
    if user_model.objects.filter(username=email).exists():
        raise AccountError(f"EMAIL: an account for {email} already exists")
    password = password or secrets.token_urlsafe(15)
    ensure_roles()
    with transaction.atomic():
        user = user_model.objects.create_user(username=email, email=email, password=password)
        user.groups.add(Group.objects.get(name=chosen.value))
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return Enrolment(email, chosen, password, device.config_url)


def reset_totp(email: str) -> Enrolment:
    user_model = get_user_model()
    try:
        user = user_model.objects.get(username=email.strip().lower())
    except user_model.DoesNotExist:
        raise AccountError(f"EMAIL: no account for {email}") from None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    from monell.web.accounts.roles import role_of

    return Enrolment(user.username, role_of(user) or Role.INTAKE, "", device.config_url)
