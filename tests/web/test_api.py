"""The HTTP API: the same assessment as `monell assess`, leads from a firm's own form, the
same field paths and messages for bad input, an OpenAPI 3.1 document kept in the repo, and
schemathesis finding no server error anywhere in it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from click.testing import CliRunner
from django.test import Client
from hypothesis import HealthCheck, given, settings

from monell.cli.main import cli
from monell.web.api.auth import issue_token
from monell.web.cases.models import Lead
from tests.core.factories import incident_data

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def token(db: None) -> str:
    return issue_token("firm website")[1]


def post(path: str, body: Any, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(path, json.dumps(body), content_type="application/json", **headers)


def test_assessment_is_the_cli_json(token: str, tmp_path: Path) -> None:
    data = incident_data()
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(data))
    args = ["assess", str(path), "--format", "json", "--db", str(tmp_path / "none.sqlite3")]
    cli_json = json.loads(CliRunner().invoke(cli, args).output)
    response = post("/api/v1/assessments", data, token)
    assert response.status_code == 200
    api_json = response.json()
    for key in ("incident", "claims", "defendants", "deadlines", "flags", "monell", "summary"):
        assert api_json[key] == cli_json[key], key


def test_bad_incident_gives_422_with_the_cli_field_paths(token: str) -> None:
    response = post("/api/v1/assessments", incident_data(incident_date="2021-02-30",
                                                         state="XX"), token)  # fmt: skip
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"incident_date", "state"} <= fields
    assert all(p["message"] for p in response.json()["problems"])


def test_no_or_revoked_token_is_refused(token: str) -> None:
    assert post("/api/v1/assessments", incident_data(), None).status_code == 401
    assert post("/api/v1/assessments", incident_data(), "mnl_wrong").status_code == 401
    from django.utils import timezone

    from monell.web.api.models import ApiClient

    ApiClient.objects.update(revoked_at=timezone.now())
    assert post("/api/v1/assessments", incident_data(), token).status_code == 401


def test_lead_from_a_firm_website(token: str) -> None:
    body = {
        "incident": incident_data(),
        "contact": {"name": "Web Person", "email": "w@example.org", "language": "es"},
        "consent": {"privacy": True, "no_relationship": True},
    }
    response = post("/api/v1/leads", body, token)
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(reference=response.json()["reference"])
    assert lead.source == "api" and lead.language == "es"
    assert lead.contact["name"] == "Web Person"


def test_lead_without_contact_or_consent_is_refused_and_not_stored(token: str) -> None:
    body = {
        "incident": incident_data(),
        "contact": {"name": "No Way To Reach"},
        "consent": {"privacy": False, "no_relationship": True},
    }
    response = post("/api/v1/leads", body, token)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert fields == {"contact.phone", "consent.privacy"}
    bad_incident = dict(body, contact={"name": "X", "phone": "1"},
                        consent={"privacy": True, "no_relationship": True},
                        incident=incident_data(incident_date="someday"))  # fmt: skip
    response = post("/api/v1/leads", bad_incident, token)
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "incident.incident_date"
    assert Lead.objects.count() == 0


def test_openapi_document_in_the_repo_is_what_the_app_serves() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_openapi.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    served = Client().get("/api/v1/openapi.json").json()
    assert served["openapi"].startswith("3.1")
    assert (ROOT / "docs" / "openapi.json").read_text() == gen.render(), (
        "docs/openapi.json is stale: run .venv/bin/python scripts/gen_openapi.py"
    )
    assert json.loads(gen.render()) == served


def test_no_server_error_for_any_generated_request(token: str) -> None:
    """Schemathesis generates requests from the OpenAPI document (valid and invalid bodies,
    every operation); none may end in a 5xx."""
    # As Django's test client does: a request must not close the test's connection (its
    # transaction holds the test data; PostgreSQL would lose it).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from schemathesis.checks import not_a_server_error

    from monell.web.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(token, application, not_a_server_error)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(token: str, application: Any, not_a_server_error: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/v1/assessments", "/api/v1/leads"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=[not_a_server_error])

        check()
