"""Staff accounts are Django's users (e-mail as user name) in one role group each; this
model only carries the account-management permission."""

from __future__ import annotations

from django.db import models


class StaffDirectory(models.Model):
    """Holds no rows; declares the permission to manage staff accounts."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("manage_users", "Can create, disable and reset staff accounts")]
