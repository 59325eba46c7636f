"""The staff login form: e-mail, password and the authenticator's code in one step."""

from __future__ import annotations

from typing import Any

from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffLoginForm(OTPAuthenticationForm):  # type: ignore[misc]
    """Every staff account has exactly one TOTP device, so the person never picks one: the
    form uses that account's own device (never another account's)."""

    def _chosen_device(self, user: Any) -> Any:
        chosen = super()._chosen_device(user)
        if chosen is not None:
            return chosen
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
