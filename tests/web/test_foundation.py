"""The web app's foundations: encryption at rest with rotation, the hash-chained audit log,
staff login with password + TOTP, lockout and roles."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from monell.web.audit.log import record, verify_chain
from monell.web.audit.models import AuditEvent
from monell.web.cases.models import Lead
from monell.web.config import ensure_key_file, load_key_file
from monell.web.crypto import DecryptionError, KeyRing
from tests.web.conftest import current_code, login

pytestmark = pytest.mark.django_db

CANARY = "Zebulon Canary-Quixote"


def make_lead(**changes: object) -> Lead:
    data: dict[str, object] = {
        "source": "interview",
        "state": "MO",
        "conduct": ["excessive_force"],
        "earliest_deadline": dt.date(2026, 3, 10),
        "contact": {"name": CANARY, "phone": "314-555-0100"},
        "answers": {"incident_date": "2021-03-10", "state": "MO"},
    }
    data.update(changes)
    return Lead.objects.create(**data)


def test_personal_data_is_encrypted_in_the_database() -> None:
    lead = make_lead()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact, answers FROM cases_lead WHERE id = %s", [lead.id.hex])
        row = cursor.fetchone() or ()
    if not row:  # PostgreSQL stores uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT contact, answers FROM cases_lead WHERE id = %s", [lead.id])
            row = cursor.fetchone()
    assert row and all(value.startswith("m1:") for value in row)
    assert CANARY not in "".join(row)
    assert Lead.objects.get(pk=lead.pk).contact["name"] == CANARY


def test_ciphertext_is_bound_to_its_field(tmp_path: Path) -> None:
    keys, _ = ensure_key_file(tmp_path / "k.json")
    ring = KeyRing(keys)
    sealed = ring.encrypt_text(CANARY, "cases.Lead.contact")
    assert ring.decrypt_text(sealed, "cases.Lead.contact") == CANARY
    with pytest.raises(DecryptionError):
        ring.decrypt_text(sealed, "cases.Note.text")
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        ring.decrypt_text(tampered, "cases.Lead.contact")


def test_key_file_is_private_and_made_once(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "keys.json"
    first, created = ensure_key_file(path)
    again, created_again = ensure_key_file(path)
    assert created and not created_again
    assert first.current.key == again.current.key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    os.chmod(path, 0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        load_key_file(path)


def test_key_rotation_re_encrypts_every_row(settings: object) -> None:
    from django.conf import settings as django_settings

    from monell.web.maintenance import rotate_keys

    lead = make_lead()
    old_id = django_settings.MONELL_KEYS.current.id
    result = rotate_keys()
    assert result.rows >= 1 and result.new_key_id != old_id
    assert [k.id for k in load_key_file(django_settings.MONELL_KEYS.path).encryption_keys] == [
        result.new_key_id
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_lead")
        stored = [r[0] for r in cursor.fetchall()]
    assert all(f":{result.new_key_id}:" in s for s in stored)
    assert Lead.objects.get(pk=lead.pk).contact["name"] == CANARY


def test_audit_chain_detects_a_changed_row() -> None:
    for i in range(3):
        record(None, "view", object_type="lead", object_id=str(i))
    assert verify_chain().intact
    events = list(AuditEvent.objects.order_by("id"))
    forged = events[1]
    forged.detail = "nothing to see"
    check = verify_chain(events)
    assert not check.intact and check.first_bad_id == forged.id


def test_audit_rows_cannot_be_updated_or_deleted_even_in_sql() -> None:
    event = record(None, "view", object_type="lead", object_id="1")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    for sql in ("UPDATE audit_auditevent SET detail = 'x'", "DELETE FROM audit_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_login_needs_password_and_totp(staff) -> None:  # type: ignore[no-untyped-def]
    email, password = staff("attorney")
    client = Client()
    assert client.get("/staff/").status_code == 302
    wrong = client.post(
        "/staff/account/login/", {"username": email, "password": password, "otp_token": "000000"}
    )
    assert wrong.status_code == 200  # form shown again with an error
    assert client.get("/staff/").status_code == 302
    # django-otp throttles the device after a wrong code: an immediate retry is refused
    assert login(client, email, password).status_code == 200
    TOTPDevice.objects.get(user__username=email).throttle_reset()
    assert login(client, email, password).status_code == 302
    assert client.get("/staff/").status_code == 200
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "login" in actions and "login_failed" in actions


def test_lockout_after_five_failures(staff) -> None:  # type: ignore[no-untyped-def]
    email, password = staff("intake")
    client = Client()
    for _ in range(5):
        client.post(
            "/staff/account/login/",
            {"username": email, "password": "wrong password", "otp_token": "123456"},
        )
    response = client.post(
        "/staff/account/login/",
        {"username": email, "password": password, "otp_token": current_code(email)},
    )
    assert response.status_code in (403, 429) or b"locked" in response.content.lower()
    assert Client().get("/staff/").status_code == 302


def test_staff_session_has_an_idle_timeout(client_as) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings as django_settings

    client = client_as("intake")
    client.get("/staff/")
    assert client.session.get_expiry_age() == django_settings.STAFF_IDLE_SECONDS
