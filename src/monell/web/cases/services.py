"""What happens to a lead, for every door it comes in by: the public interview, the API,
and staff editing its facts. Views and API handlers call these; the assessment itself is
`monell.app.assessment`, the same function `monell assess` uses."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from monell.app.assessment import assess_incident, incident_from_data, render
from monell.web.cases.models import Lead, LeadSource, LeadVersion, Upload

log = logging.getLogger("monell.web.cases")


@dataclass(frozen=True)
class NewUpload:
    name: str
    content_type: str
    data: bytes


def assessment_json(answers: Mapping[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """The core assessment of the answers as `monell assess --format json` prints it
    (without the database sections, which the lead page adds when it is opened). Raises
    IncidentError naming every bad field."""
    incident = incident_from_data(dict(answers), today=today)
    return json.loads(render(assess_incident(incident, None, with_sections=False), "json"))  # type: ignore[no-any-return]


def earliest_deadline(assessment: Mapping[str, Any]) -> tuple[dt.date | None, str]:
    """The first date on which some claim may be lost, of every kind of deadline the
    assessment lists (state notice-of-claim rows included as they are added)."""
    best: tuple[dt.date, str] | None = None
    for row in assessment.get("deadlines", []):
        if not row.get("deadline"):
            continue
        due = dt.date.fromisoformat(row["deadline"])
        label = f"{row.get('kind', 'deadline')}: {row.get('claim', '')}"[:120]
        if best is None or due < best[0]:
            best = (due, label)
    return (best[0], best[1]) if best else (None, "")


def _queue_columns(answers: Mapping[str, Any], assessment: Mapping[str, Any]) -> dict[str, Any]:
    due, label = earliest_deadline(assessment)
    return {
        "state": str(answers.get("state", ""))[:2].upper(),
        "conduct": list(answers.get("conduct") or []),
        "earliest_deadline": due,
        "earliest_deadline_label": label,
    }


def create_lead(
    *,
    answers: Mapping[str, Any],
    contact: Mapping[str, Any],
    source: str = LeadSource.INTERVIEW,
    language: str = "en",
    consent: Mapping[str, Any] | None = None,
    uploads: Sequence[NewUpload] = (),
) -> Lead:
    """Validate, assess and store a lead in one transaction: the person sees a reference
    number only after everything is committed, and nothing is half-written. The firm is
    notified after the commit."""
    assessment = assessment_json(answers)
    with transaction.atomic():
        lead = Lead.objects.create(
            source=source,
            language=language,
            contact=dict(contact),
            answers=dict(answers),
            assessment=assessment,
            consent=dict(consent or {}),
            **_queue_columns(answers, assessment),
        )
        LeadVersion.objects.create(
            lead=lead, number=1, answers=dict(answers), assessment=assessment, reason=""
        )
        for upload in uploads:
            Upload.objects.create(
                lead=lead,
                name=upload.name,
                content_type=upload.content_type,
                size=len(upload.data),
                data=upload.data,
            )
        transaction.on_commit(lambda: notify_new_lead(lead))
    return lead


def reassess(lead: Lead, answers: Mapping[str, Any], *, by: Any, reason: str) -> Lead:
    """New facts for a lead: a new version with its own assessment; earlier ones stay."""
    assessment = assessment_json(answers)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        locked.version += 1
        locked.answers = dict(answers)
        locked.assessment = assessment
        for key, value in _queue_columns(answers, assessment).items():
            setattr(locked, key, value)
        locked.save()
        LeadVersion.objects.create(
            lead=locked,
            number=locked.version,
            answers=dict(answers),
            assessment=assessment,
            created_by=by,
            reason=reason,
        )
    return locked


def notify_new_lead(lead: Lead) -> None:
    """Tell the firm a request came in: reference and deadline only, never the person's
    name or story (mail can be forwarded and logged anywhere)."""
    from monell.web.cases.models import FirmSettings

    to = FirmSettings.load().notify_email or settings.MONELL_FIRM_EMAIL
    if not to:
        log.info("new lead %s (no firm e-mail set: MONELL_FIRM_EMAIL)", lead.reference)
        return
    due = lead.earliest_deadline.isoformat() if lead.earliest_deadline else "not computed"
    message = EmailMessage(
        subject=f"New consultation request {lead.reference}",
        body=(
            f"A new request for a free consultation came in: {lead.reference}.\n"
            f"Earliest deadline: {due}.\nOpen the intake queue to read it.\n"
        ),
        to=[to],
        headers={"X-Monell-Kind": "new-lead-notice"},
    )
    try:
        message.send()
    except OSError as exc:  # the lead is saved; a mail failure must not lose it
        log.warning("could not send the new-lead notice for %s: %s", lead.reference, exc)
