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
from django.db import IntegrityError, transaction
from django.utils import timezone

from monell.app.assessment import assess_incident, incident_from_data, render
from monell.domain.incident import IncidentError
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
    incident = incident_from_data(dict(answers), today=today or timezone.localdate())
    return json.loads(render(assess_incident(incident, None, with_sections=False), "json"))  # type: ignore[no-any-return]


def earliest_deadline(assessment: Mapping[str, Any]) -> tuple[dt.date | None, str]:
    """The first date on which some claim may be lost, of every kind of deadline the
    assessment lists (notices of claim and state-law periods included) that is still open
    on the day it was assessed; when every one has passed, the last of them (the queue then
    marks the lead expired rather than hiding it)."""
    as_of = assessment.get("evaluated_on")
    today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    rows = []
    for row in assessment.get("deadlines", []):
        if row.get("deadline"):
            due = dt.date.fromisoformat(row["deadline"])
            label = f"{row.get('kind', 'deadline')}: {row.get('claim', '')}"
            other = row.get("alternative_deadline")
            if other and due < today <= dt.date.fromisoformat(other):
                # passed on one reading, open on another (e.g. minority tolling): the later
                # date, marked, so the lead is not filed away as expired
                due, label = dt.date.fromisoformat(other), f"{label} (other reading)"
            rows.append((due, label[:120]))
    if not rows:
        return None, ""
    still_open = [r for r in rows if r[0] >= today]
    return min(still_open) if still_open else max(rows)


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
        matter = getattr(locked, "matter", None)
        if matter is not None:
            # An open matter's calendar follows the corrected facts (a new incident date
            # moves every deadline); the old dates would be a missed deadline waiting.
            _matter_deadlines(matter, assessment)
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


# --------------------------------------------------------------------------- decisions


class TransitionError(ValueError):
    """A status change the rules do not allow; the message says which and why."""


OPEN_STATUSES = ("new", "contacted", "consultation_set")
DECIDED_STATUSES = ("accepted", "declined", "referred")


def change_status(lead: Lead, to: str, *, by: Any, reason: str) -> Lead:
    """Move a lead between statuses with a reason; decisions have their own functions."""
    from monell.web.cases.models import LeadStatus, StatusChange

    if to not in LeadStatus.values:
        raise TransitionError(f"status: {to!r} is not a status")
    if not reason.strip():
        raise TransitionError("reason: say why the status changes")
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status == to:
            raise TransitionError(f"status: the lead is already {to}")
        if hasattr(locked, "matter"):
            raise TransitionError("status: the lead is an open matter; it cannot change status")
        if locked.status in DECIDED_STATUSES and to in DECIDED_STATUSES:
            # A declined or referred person was told in writing that the firm does not act
            # for them: a new decision needs the lead reopened first (with its own reason).
            raise TransitionError(
                f"status: the lead was already {locked.status}; reopen it (new, contacted or "
                f"consultation set) before deciding again"
            )
        StatusChange.objects.create(
            lead=locked, by=by, from_status=locked.status, to_status=to, reason=reason
        )
        locked.status = to
        locked.status_changed_at = timezone.now()
        if to != LeadStatus.NEW and locked.contacted_at is None:
            locked.contacted_at = timezone.now()
        locked.save()
    return locked


def current_assessment(lead: Lead, *, today: dt.date | None = None) -> dict[str, Any]:
    """The lead's facts assessed as of today (days left change; the stored one is from the
    day the facts were given)."""
    return assessment_json(lead.answers, today=today)


def run_conflict_check(lead: Lead) -> list[Any]:
    """Check the lead's parties against every earlier lead and note when it was done."""
    from monell.web.cases import conflicts

    hits = conflicts.check(lead)
    Lead.objects.filter(pk=lead.pk).update(conflict_checked_at=timezone.now())
    return hits


def accept(lead: Lead, *, by: Any, reason: str) -> Any:
    """The lead becomes a matter with the assessment's deadlines (every kind). A conflict
    check must have been run on the lead's latest facts first."""
    from monell.web.cases.models import LeadStatus, Matter

    lead.refresh_from_db()
    latest = lead.versions.order_by("-number").values_list("created_at", flat=True).first()
    if lead.conflict_checked_at is None or (latest and lead.conflict_checked_at < latest):
        raise TransitionError(
            "decision: run the conflict check on the lead's latest facts before accepting"
        )
    assessment = current_assessment(lead)
    with transaction.atomic():
        locked = change_status(lead, LeadStatus.ACCEPTED, by=by, reason=reason)
        year = timezone.now().year
        count = Matter.objects.filter(number__startswith=f"{year}-").count()
        matter = None
        # Two acceptances at once (PostgreSQL) count the same matters: the number one of
        # them wanted is taken, so it takes the next free one instead of failing.
        for n in range(count + 1, count + 1000):
            try:
                with transaction.atomic():
                    matter = Matter.objects.create(
                        lead=locked, number=f"{year}-{n:04d}", attorney=locked.assigned_to or by
                    )
                break
            except IntegrityError:
                if Matter.objects.filter(lead=locked).exists():
                    raise
        if matter is None:
            raise TransitionError("decision: no free matter number; try again")
        _matter_deadlines(matter, assessment)
    return matter


def _matter_deadlines(matter: Any, assessment: Mapping[str, Any]) -> None:
    """The matter's deadlines (every kind) from an assessment, replacing any earlier ones."""
    from monell.web.cases.models import MatterDeadline

    matter.deadlines.all().delete()
    for row in assessment.get("deadlines", []):
        if not row.get("deadline"):
            continue
        MatterDeadline.objects.create(
            matter=matter,
            kind=str(row.get("kind", "deadline"))[:40],
            claim=str(row.get("claim", ""))[:60],
            due_on=dt.date.fromisoformat(row["deadline"]),
            statute=str(row.get("statute", ""))[:200],
            confidence=str(row.get("confidence", ""))[:20],
            description=(
                f"{row.get('limitations_period', '')} from {row.get('accrues_on') or 'accrual'}"
            )[:300],
        )


@dataclass(frozen=True)
class LetterFacts:
    """What a non-engagement letter states, all from the lead and a fresh assessment."""

    firm: str
    person: str
    language: str
    today: dt.date
    incident_date: str
    agency: str
    deadline: dt.date | None
    deadline_claim: str
    deadline_statute: str
    deadline_passed: bool
    attorney: str
    # When the earliest deadline has passed, the first one that may still be open (None when
    # every deadline found has passed or the earliest is still open).
    open_deadline: dt.date | None = None
    open_deadline_claim: str = ""
    open_deadline_statute: str = ""


def letter_facts(lead: Lead, *, by: Any, today: dt.date | None = None) -> LetterFacts:
    from monell.web.cases.models import FirmSettings

    today = today or timezone.localdate()  # the firm's day, as the queue counts days left
    try:
        assessment = current_assessment(lead, today=today)
    except IncidentError:
        # Facts that validated when they came in but not under today's rules: the letter
        # still goes out, with the deadlines assessed then (the lead page shows the problem).
        assessment = lead.assessment or {}
    rows = sorted(
        (r for r in assessment.get("deadlines", []) if r.get("deadline")),
        key=lambda r: str(r["deadline"]),
    )
    first = rows[0] if rows else None
    due = dt.date.fromisoformat(first["deadline"]) if first else None
    still_open = next((r for r in rows if dt.date.fromisoformat(r["deadline"]) >= today), None)
    firm = FirmSettings.load().firm_name or settings.MONELL_FIRM_NAME
    agency = (lead.answers.get("agency") or {}).get("name", "") if lead.answers else ""
    return LetterFacts(
        firm=firm,
        person=str((lead.contact or {}).get("name", "")),
        language="es" if lead.language.startswith("es") else "en",
        today=today,
        incident_date=str(lead.answers.get("incident_date", "")),
        agency=str(agency),
        deadline=due,
        deadline_claim=str(first.get("claim", "")).replace("_", " ") if first else "",
        deadline_statute=str(first.get("statute", "")) if first else "",
        deadline_passed=bool(due and due < today),
        attorney=by.get_username() if by is not None else "",
        open_deadline=(
            dt.date.fromisoformat(still_open["deadline"])
            if still_open is not None and still_open is not first
            else None
        ),
        open_deadline_claim=(
            str(still_open.get("claim", "")).replace("_", " ")
            if still_open is not None and still_open is not first
            else ""
        ),
        open_deadline_statute=(
            str(still_open.get("statute", ""))
            if still_open is not None and still_open is not first
            else ""
        ),
    )


def decline(lead: Lead, *, by: Any, reason: str) -> LetterFacts:
    """Decline and return what the non-engagement letter must say (the view renders it)."""
    from monell.web.cases.models import LeadStatus

    facts = letter_facts(lead, by=by)
    change_status(lead, LeadStatus.DECLINED, by=by, reason=reason)
    return facts
