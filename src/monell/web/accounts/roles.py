"""Staff roles as groups with named permissions (never checks on a role's name in views).

admin     users, settings, retention, the audit log, and everything an attorney may do
attorney  all leads, decisions (accept, decline, refer), assignment, exports, letters
intake    read leads, add notes, change status short of a decision; no export, no delete
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ADMIN = "admin"
    ATTORNEY = "attorney"
    INTAKE = "intake"


# (app_label, codename) pairs; the cases and audit models declare them in their Meta.
_READ = [
    ("cases", "view_lead"),
    ("cases", "add_note"),
    ("cases", "change_lead_status"),
    ("cases", "run_conflict_check"),
]
_DECIDE = [
    ("cases", "decide_lead"),
    ("cases", "assign_lead"),
    ("cases", "edit_lead_facts"),
    ("cases", "export_leads"),
    ("cases", "view_matter"),
]
_ADMIN = [
    ("cases", "delete_lead"),
    ("cases", "manage_settings"),
    ("audit", "view_audit_log"),
    ("accounts", "manage_users"),
]

ROLE_PERMISSIONS: dict[Role, list[tuple[str, str]]] = {
    Role.INTAKE: _READ,
    Role.ATTORNEY: _READ + _DECIDE,
    Role.ADMIN: _READ + _DECIDE + _ADMIN,
}


def ensure_roles() -> None:
    """Create or repair the three groups and their permissions (idempotent)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # post_migrate reaches apps one by one; make sure every app's permissions exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in perms
        ]
        group.permissions.set(wanted)


def role_of(user: Any) -> Role | None:
    names = set(user.groups.values_list("name", flat=True))
    for role in (Role.ADMIN, Role.ATTORNEY, Role.INTAKE):
        if role.value in names:
            return role
    return None
