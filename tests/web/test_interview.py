"""The public interview with the test client: one screen at a time, answers saved at every
step and checked by the incident rules, the plain result, and the consultation request."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from monell.web.audit.models import AuditEvent
from monell.web.cases.models import Lead
from tests.web.interview_flow import CONTACT, finish, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_table(db: None) -> None:
    call_command("createcachetable", verbosity=0)


def test_complete_interview_makes_one_lead_with_the_cli_deadline() -> None:
    client = Client()
    walk(client)
    response = finish(client)
    assert response.status_code == 302 and response["Location"] == "/thanks/"
    lead = Lead.objects.get()
    # The same date `monell assess` prints for the bundled example (Mo. Rev. Stat.
    # § 516.120(4), tolled to 21 under § 516.170).
    assert str(lead.earliest_deadline) == "2030-06-01"
    assert lead.contact["name"] == CONTACT["name"] and lead.state == "MO"
    assert lead.answers["officers"] == [{"name": "Officer A. Doe", "badge": "1234"}]
    assert lead.answers["criminal_case"] == {"status": "dismissed", "resolved_on": "2021-09-15"}
    assert lead.answers["person"] == {
        "custody": "arrested",
        "birth_date": "2004-06-01",
        "deceased": False,
    }
    page = client.get("/thanks/")
    assert lead.reference in page.content.decode()
    assert AuditEvent.objects.filter(action="public_submission", object_id=str(lead.pk)).exists()
