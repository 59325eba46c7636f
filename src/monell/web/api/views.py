"""The HTTP API: `monell assess` over HTTP, and a door for a firm's own website form.

POST /api/v1/assessments  incident JSON → the assessment JSON of `monell assess`
POST /api/v1/leads        incident + contact + consent → a lead in the intake queue
Bad input → 422 with the same field paths and messages as the CLI. OpenAPI 3.1 document at
/api/v1/openapi.json (kept in the repo as docs/openapi.json).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited
from ninja import Body, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from monell.domain.incident import IncidentError
from monell.web.api.auth import ClientToken
from monell.web.audit.log import record

api = NinjaAPI(
    title="Monell API",
    version="1",
    description=(
        "Sourced 42 U.S.C. § 1983 assessments of police-misconduct incidents, and requests "
        "for a free consultation. Not legal advice. Token authentication: "
        "`Authorization: Bearer <token>` (tokens from `monell api-token create NAME`)."
    ),
    auth=ClientToken(),
    urls_namespace="api",
    docs_url=None,
)


class Problem(Schema):
    field: str = Field(description="Path of the bad field, e.g. `person.birth_date`.")
    value: Any = Field(None, description="The value that was given.")
    message: str = Field(description="What is wrong and how to fix it.")


class InvalidInput(Schema):
    detail: str
    problems: list[Problem]


class Contact(Schema):
    name: str = Field(min_length=1, max_length=300)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    language: str = Field("en", pattern="^(en|es)$")
    contact_time: str = Field("", max_length=200)


class Consent(Schema):
    privacy: bool = Field(description="The person accepted the privacy notice.")
    no_relationship: bool = Field(
        description="The person understood that no lawyer-client relationship exists yet."
    )


class LeadIn(Schema):
    incident: dict[str, Any] = Field(description="The incident, as `monell assess` reads it.")
    contact: Contact
    consent: Consent


class LeadOut(Schema):
    reference: str
    earliest_deadline: str | None
    earliest_deadline_label: str


INCIDENT_EXAMPLE = {
    "incident_date": "2021-03-10",
    "state": "MO",
    "city": "St. Louis",
    "agency": {"name": "St. Louis Metropolitan Police Department", "kind": "municipal_police"},
    "person": {"custody": "arrested"},
    "conduct": ["excessive_force"],
    "criminal_case": {"status": "none"},
}


def _invalid(problems: list[Problem]) -> HttpResponse:
    body = {"detail": "the incident has problems", "problems": [p.dict() for p in problems]}
    return HttpResponse(json.dumps(body, default=str), status=422,
                        content_type="application/json")  # fmt: skip


def _problems(exc: IncidentError) -> list[Problem]:
    return [Problem(field=p.field, value=_jsonable(p.value), message=p.message)
            for p in exc.problems]  # fmt: skip


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


@api.post(
    "/assessments",
    response={200: dict[str, Any], 422: InvalidInput},
    summary="Assess an incident (the JSON of `monell assess`)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "additionalProperties": True},
                    "example": INCIDENT_EXAMPLE,
                }
            },
            "required": True,
        }
    },
)
def assessments(request: HttpRequest, incident: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    from monell.app.assessment import assess_with_database, incident_from_data, render

    try:
        parsed = incident_from_data(incident)
    except IncidentError as exc:
        return _invalid(_problems(exc))
    result, _ = assess_with_database(parsed)
    return HttpResponse(render(result, "json"), content_type="application/json")


@api.post(
    "/leads",
    response={201: LeadOut, 422: InvalidInput, 429: dict[str, str]},
    summary="Ask for a free consultation (for a firm's own website form)",
)
def leads(request: HttpRequest, body: LeadIn) -> Any:
    from monell.web.cases.models import LeadSource
    from monell.web.cases.services import create_lead

    rate = settings.MONELL_API_LEADS_RATE
    if is_ratelimited(request, group="api-leads", key="header:authorization", rate=rate,
                      increment=True):  # fmt: skip
        raise HttpError(429, f"too many requests: at most {rate} leads per token")
    problems: list[Problem] = []
    if not (body.contact.phone or body.contact.email):
        problems.append(Problem(field="contact.phone", value="",
                                message="give a phone number or an e-mail address"))  # fmt: skip
    if not body.consent.privacy:
        problems.append(Problem(field="consent.privacy", value=False,
                                message="the person must accept the privacy notice"))  # fmt: skip
    if not body.consent.no_relationship:
        problems.append(
            Problem(
                field="consent.no_relationship",
                value=False,
                message="the person must confirm that no lawyer-client relationship exists yet",
            )
        )
    if problems:
        return _invalid(problems)
    try:
        lead = create_lead(
            answers=body.incident,
            contact=body.contact.dict(),
            source=LeadSource.API,
            language=body.contact.language,
            consent={"privacy": True, "no_relationship": True, "via": "api"},
        )
    except IncidentError as exc:
        return _invalid([Problem(field=f"incident.{p.field}", value=p.value, message=p.message)
                         for p in _problems(exc)])  # fmt: skip
    record(request, "create", lead, detail="lead via API")
    return Status(
        201,
        LeadOut(
            reference=lead.reference,
            earliest_deadline=lead.earliest_deadline.isoformat()
            if lead.earliest_deadline
            else None,
            earliest_deadline_label=lead.earliest_deadline_label,
        ),
    )
