"""Jobs that keep the installation's promises: re-encryption under a new key, and the
retention purge of leads the firm did not take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from monell.web.config import add_encryption_key, load_key_file, retire_old_keys
from monell.web.fields import ENCRYPTED_FIELDS, Undecryptable


def key_file_problem() -> str | None:
    """Why the loaded key file cannot read the data already in the database, or None.

    The newest and the oldest value of every encrypted column are opened with the key file:
    a missing or wrong key file (a new one made on a start without --key-file, another
    installation's) is found before the app serves a page or writes a row under a key that
    the rest of the data does not share."""
    from monell.web.crypto import DecryptionError

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, ENCRYPTED_FIELDS):
                continue
            rows = model.objects.exclude(**{f"{field.name}__isnull": True})
            for order in ("pk", "-pk"):
                try:
                    value = rows.order_by(order).values_list(field.name, flat=True).first()
                except (DecryptionError, ValueError) as exc:
                    return f"{model._meta.label}.{field.name}: {exc}"
                if isinstance(value, Undecryptable):  # read as blank by the field
                    return f"{model._meta.label}.{field.name}: cannot be decrypted with it"
    return None


@dataclass(frozen=True)
class Rotation:
    new_key_id: str
    rows: int
    retired: int
    left: int = 0  # values still under an old key (old keys kept; rerun with the server off)


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
    for model, fields in _encrypted_models():
        rows += _reencrypt(model, fields, list(model.objects.values_list("pk", flat=True)))
    # Rows written meanwhile by a server that had not yet seen the new key: once more, then
    # the old keys go only when no stored value still needs one of them.
    left = 0
    for _ in range(3):
        stale = [(m, f, _under_other_keys(m, f, keys.current.id)) for m, f in _encrypted_models()]
        left = sum(len(pks) for _, _, pks in stale)
        if not left:
            break
        for model, fields, pks in stale:
            rows += _reencrypt(model, fields, pks)
    if left:
        return Rotation(keys.current.id, rows, 0, left)
    retired = len(keys.encryption_keys) - 1
    settings.MONELL_KEYS = retire_old_keys(keys)
    crypto._RING = None
    return Rotation(keys.current.id, rows, retired)


def _encrypted_models() -> list[tuple[type[Model], list[str]]]:
    out = []
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, ENCRYPTED_FIELDS)]
        if fields:
            out.append((model, fields))
    return out


def _reencrypt(model: type[Model], fields: list[str], pks: list[object]) -> int:
    rows = 0
    for start in range(0, len(pks), 200):
        with transaction.atomic():
            for obj in model.objects.filter(pk__in=pks[start : start + 200]):  # type: ignore[attr-defined]
                # update(), not save(): auto_now fields and signals stay untouched. A value
                # no key can read is left as it is (the old keys then stay: see `left`).
                values = {
                    name: value
                    for name in fields
                    if not isinstance(value := getattr(obj, name), Undecryptable)
                }
                if values:
                    model.objects.filter(pk=obj.pk).update(**values)  # type: ignore[attr-defined]
                rows += 1
    return rows


def _under_other_keys(model: type[Model], fields: list[str], key_id: str) -> list[object]:
    """Primary keys of rows with a stored value not sealed with key_id (read raw: the
    column's text, never decrypted)."""
    from django.db import connection

    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)  # type: ignore[union-attr]
    prefix = f"m1:{key_id}:%"
    found: list[object] = []
    with connection.cursor() as cursor:
        for name in fields:
            column = connection.ops.quote_name(meta.get_field(name).column)  # type: ignore[union-attr]
            cursor.execute(
                f"SELECT {pk} FROM {table} WHERE {column} IS NOT NULL AND {column} NOT LIKE %s",
                [prefix],
            )
            found.extend(row[0] for row in cursor.fetchall())
    return sorted(set(found), key=str)


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
    from monell.web.cases.forms import MAX_RETENTION_DAYS
    from monell.web.cases.models import FirmSettings, Lead, LeadStatus

    firm = FirmSettings.load()
    now = timezone.now()
    # A period stored before the form capped it must not crash the daily purge forever.
    declined_days = min(firm.retention_declined_days, MAX_RETENTION_DAYS)
    uncontacted_days = min(firm.retention_uncontacted_days, MAX_RETENTION_DAYS)
    cut_declined = now - dt.timedelta(days=declined_days)
    cut_uncontacted = now - dt.timedelta(days=uncontacted_days)
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
