"""Jobs that keep the installation's promises: re-encryption under a new key, and the
retention purge of leads the firm did not take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from monell.web.config import add_encryption_key, load_key_file, retire_old_keys
from monell.web.fields import ENCRYPTED_FIELDS


@dataclass(frozen=True)
class Rotation:
    new_key_id: str
    rows: int
    retired: int


def rotate_keys() -> Rotation:
    """Add a key, re-encrypt every encrypted value with it, then drop the old keys. A crash
    part-way leaves every key in the file, so every row still decrypts and a rerun finishes
    the job."""
    from django.conf import settings

    from monell.web import crypto

    keys = add_encryption_key(load_key_file(settings.MONELL_KEYS.path))
    settings.MONELL_KEYS = keys
    crypto._RING = None  # the ring follows the settings' key file
    rows = 0
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, ENCRYPTED_FIELDS)]
        if not fields:
            continue
        pks = list(model.objects.values_list("pk", flat=True))
        for start in range(0, len(pks), 200):
            with transaction.atomic():
                for obj in model.objects.filter(pk__in=pks[start : start + 200]):
                    # update(), not save(): auto_now fields and signals stay untouched.
                    values = {name: getattr(obj, name) for name in fields}
                    model.objects.filter(pk=obj.pk).update(**values)
                    rows += 1
    retired = len(keys.encryption_keys) - 1
    settings.MONELL_KEYS = retire_old_keys(keys)
    crypto._RING = None
    return Rotation(keys.current.id, rows, retired)


@dataclass(frozen=True)
class Purge:
    declined: int
    uncontacted: int
    interviews: int  # unfinished interviews past their 30 days
    cutoff_declined: dt.datetime
    cutoff_uncontacted: dt.datetime


def purge_expired_leads(dry_run: bool = False) -> Purge:
    """Delete declined/referred leads past the retention period after their decision, leads
    never contacted past theirs, and unfinished interviews 30 days after their last save; each
    purge is an audit event (ids and counts only)."""
    from monell.web.audit.log import record
    from monell.web.cases.models import FirmSettings, Lead, LeadStatus

    firm = FirmSettings.load()
    now = timezone.now()
    cut_declined = now - dt.timedelta(days=firm.retention_declined_days)
    cut_uncontacted = now - dt.timedelta(days=firm.retention_uncontacted_days)
    declined = Lead.objects.filter(
        status__in=[LeadStatus.DECLINED, LeadStatus.REFERRED], status_changed_at__lt=cut_declined
    ).exclude(matter__isnull=False)
    uncontacted = Lead.objects.filter(
        status=LeadStatus.NEW, contacted_at__isnull=True, created_at__lt=cut_uncontacted
    )
    from monell.web.intake.models import Interview

    stale = Interview.objects.filter(expires_at__lt=now)
    result = Purge(
        declined.count(), uncontacted.count(), stale.count(), cut_declined, cut_uncontacted
    )
    if dry_run:
        return result
    if result.interviews:
        stale.delete()
        record(None, "purge", object_type="interview", detail=f"{result.interviews} expired")
    for label, queryset in (("declined", declined), ("uncontacted", uncontacted)):
        for lead in list(queryset.only("id", "reference")):
            with transaction.atomic():
                ref = lead.reference
                lead.delete()
                record(None, "purge", object_type="lead", object_id=ref, detail=label)
    return result
