"""One damaged ciphertext must not take the queue down, and must never be overwritten: the
row reads as blank, the pages still open, and saving the blank over it is refused."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from monell.web.cases.models import Lead
from monell.web.crypto import DecryptionError
from monell.web.fields import Undecryptable
from tests.web.leads import lead_with

pytestmark = pytest.mark.django_db


def _damage(lead: Lead) -> str:
    stored = Lead.objects.filter(pk=lead.pk).values_list("reference", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_lead WHERE reference = %s", [stored])
        sealed = cursor.fetchone()[0]
        damaged = sealed[:-8] + ("A" * 8 if not sealed.endswith("A" * 8) else "B" * 8)
        cursor.execute("UPDATE cases_lead SET contact = %s WHERE reference = %s", [damaged, stored])
    return damaged


def test_a_damaged_row_reads_blank_and_the_pages_still_open(client_as, caplog) -> None:  # type: ignore[no-untyped-def]
    lead = lead_with(name="Damaged Person")
    damaged = _damage(lead)
    read = Lead.objects.get(pk=lead.pk)
    assert isinstance(read.contact, Undecryptable) and read.contact == {}
    client = client_as("attorney")
    assert client.get("/staff/").status_code == 200
    assert client.get(f"/staff/leads/{lead.pk}/").status_code == 200
    assert any("cannot decrypt" in r.getMessage() for r in caplog.records)
    with pytest.raises(DecryptionError), transaction.atomic():
        read.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_lead WHERE reference = %s", [lead.reference])
        assert cursor.fetchone()[0] == damaged  # the ciphertext survives for a key that reads it


def test_key_rotation_leaves_a_damaged_value_alone_and_keeps_the_old_keys() -> None:
    from monell.web.maintenance import rotate_keys

    lead = lead_with(name="Damaged Person")
    lead_with(name="Fine Person")
    damaged = _damage(lead)
    result = rotate_keys()
    assert result.left >= 1 and result.retired == 0  # the old keys stay for that value
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_lead WHERE contact = %s", [damaged])
        assert cursor.fetchone() is not None
    names = {lead.contact.get("name") for lead in Lead.objects.all()}
    assert "Fine Person" in names
