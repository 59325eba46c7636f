"""The firm's side: the intake queue, a lead's page, decisions, matters and exports.

Each view checks a named permission, records what it showed or changed in the audit log,
and calls the services (services.py) or monell.app for anything beyond presentation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from monell.domain.incident import IncidentError
from monell.domain.vocabulary import Conduct
from monell.web.accounts.decorators import staff_required
from monell.web.audit.log import record
from monell.web.cases.calendars import calendar_for
from monell.web.cases.forms import FactsForm, FirmSettingsForm
from monell.web.cases.models import (
    AttorneyCalendar,
    FirmSettings,
    Lead,
    LeadStatus,
    Matter,
    MatterDeadline,
    Upload,
)
from monell.web.cases.pdf import html_to_pdf
from monell.web.cases.services import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    TransitionError,
    accept,
    change_status,
    decline,
    reassess,
    run_conflict_check,
)
from monell.web.crypto import token_hash

SOON_DAYS = 90


def _attorneys() -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(groups__name__in=["attorney", "admin"])
        .distinct()
        .order_by("username")
    )


def _days_left(due: dt.date | None, today: dt.date) -> int | None:
    return None if due is None else (due - today).days


def _next_open(assessment: dict[str, Any] | None, today: dt.date) -> dt.date | None:
    """The first deadline of any kind (or another reading's later date) that has not passed:
    a lead whose earliest deadline lapsed (often a short notice of claim) may still have a
    federal claim open, and staff must see when that one runs out."""
    dates = []
    for row in (assessment or {}).get("deadlines", []):
        for key in ("deadline", "alternative_deadline"):
            try:
                due = dt.date.fromisoformat(str(row.get(key) or ""))
            except ValueError:
                continue
            if due >= today:
                dates.append(due)
    return min(dates, default=None)


def _filtered(request: HttpRequest) -> tuple[QuerySet[Lead], dict[str, str]]:
    params = {
        key: request.GET.get(key, "").strip()
        for key in ("status", "state", "conduct", "attorney", "q")
    }
    leads = Lead.objects.select_related("assigned_to").order_by(
        F("earliest_deadline").asc(nulls_last=True), "created_at"
    )
    status = params["status"] or "open"
    if status == "open":
        leads = leads.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        leads = leads.filter(status=status)
    if params["state"]:
        leads = leads.filter(state=params["state"].upper()[:2])
    if params["attorney"]:
        leads = leads.filter(assigned_to__username=params["attorney"])
    if params["conduct"]:
        # JSON containment differs by database; the list is short, so filter in Python.
        wanted = params["conduct"]
        leads = leads.filter(pk__in=[lead.pk for lead in leads if wanted in lead.conduct])
    if params["q"]:
        q = params["q"].lower()
        leads = leads.filter(
            pk__in=[
                lead.pk
                for lead in leads
                if q == lead.reference.lower()
                or q in str((lead.contact or {}).get("name", "")).lower()
            ]
        )
    params["status"] = status
    return leads, params


@staff_required
@permission_required("cases.view_lead", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    leads, params = _filtered(request)
    today = timezone.localdate()
    rows = []
    for lead in leads[:500]:
        days = _days_left(lead.earliest_deadline, today)
        expired = days is not None and days < 0
        next_open = _next_open(lead.assessment, today) if expired else None
        next_days = _days_left(next_open, today)
        rows.append(
            {
                "lead": lead,
                "name": (lead.contact or {}).get("name", ""),
                "days": days,
                "expired": expired,
                "soon": days is not None and 0 <= days <= SOON_DAYS,
                "next_open": next_open,
                "next_open_days": next_days,
                "next_open_soon": next_days is not None and next_days <= SOON_DAYS,
            }
        )
    record(request, "view", object_type="queue", detail=f"{len(rows)} lead(s) listed")
    return render(
        request,
        "cases/queue.html",
        {
            "rows": rows,
            "params": params,
            "statuses": LeadStatus.choices,
            "conducts": [c.value for c in Conduct],
            "attorneys": _attorneys(),
            "soon_days": SOON_DAYS,
        },
    )


def _csv_cell(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: a hostile name must stay
    text (OWASP CSV injection)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number (days left, -12 when passed) stays a number
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required
@permission_required("cases.export_leads", raise_exception=True)
def queue_csv(request: HttpRequest) -> HttpResponse:
    leads, _ = _filtered(request)
    today = timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["reference", "received", "status", "state", "conduct", "earliest_deadline",
         "days_left", "assigned_to", "name", "phone", "email", "language"]
    )  # fmt: skip
    count = 0
    for lead in leads:
        contact = lead.contact or {}
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    lead.reference,
                    lead.created_at.date().isoformat(),
                    lead.status,
                    lead.state,
                    " ".join(lead.conduct),
                    lead.earliest_deadline.isoformat() if lead.earliest_deadline else "",
                    _days_left(lead.earliest_deadline, today),
                    lead.assigned_to.get_username() if lead.assigned_to else "",
                    contact.get("name", ""),
                    contact.get("phone", ""),
                    contact.get("email", ""),
                    lead.language,
                )
            ]
        )
        count += 1
    record(request, "export", object_type="queue", detail=f"csv, {count} lead(s)")
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{today.isoformat()}.csv"'
    return response


def _lead(request: HttpRequest, lead_id: Any) -> Lead:
    return get_object_or_404(Lead.objects.select_related("assigned_to"), pk=lead_id)


def _memo(lead: Lead) -> tuple[Any, list[str]]:
    """The full memo from the same engine as `monell assess`, with every section the
    database supports (precedents, payers, comparables, pattern evidence)."""
    from monell.app.assessment import assess_with_database, incident_from_data
    from monell.report.html import memo_fragment

    try:
        incident = incident_from_data(lead.answers, today=timezone.localdate())
    except IncidentError as exc:
        return None, [str(p) for p in exc.problems]
    result, note = assess_with_database(incident)
    return memo_fragment(result.assessment, result.sections), [note] if note else []


@staff_required
@permission_required("cases.view_lead", raise_exception=True)
def lead_page(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    memo, memo_problems = _memo(lead)
    record(request, "view", lead)
    today = timezone.localdate()
    return render(
        request,
        "cases/lead.html",
        {
            "lead": lead,
            "contact": lead.contact or {},
            "answers": lead.answers or {},
            "assessment": lead.assessment or {},
            "flags": (lead.assessment or {}).get("flags", []),
            "memo": memo,
            "memo_problems": memo_problems,
            "days": _days_left(lead.earliest_deadline, today),
            "versions": lead.versions.order_by("-number"),
            "notes": lead.notes.select_related("author"),
            "changes": lead.status_changes.select_related("by"),
            "uploads": lead.uploads.all(),
            "statuses": LeadStatus.choices,
            "open_statuses": OPEN_STATUSES,
            "attorneys": _attorneys(),
            "hits": None,
            "matter": getattr(lead, "matter", None),
        },
    )


@staff_required
@require_POST
@permission_required("cases.add_note", raise_exception=True)
def add_note(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    text = request.POST.get("text", "").strip()
    if not text:
        messages.error(request, "note: write something before saving the note.")
    else:
        note = lead.notes.create(author=request.user, text=text[:20000])
        record(request, "change", lead, detail=f"note {note.pk} added")
    return redirect("cases:lead", lead_id=lead.pk)


@staff_required
@require_POST
@permission_required("cases.change_lead_status", raise_exception=True)
def set_status(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    to = request.POST.get("status", "")
    if to in (LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.REFERRED):
        raise PermissionDenied("decisions (accept, decline, refer) have their own form")
    if lead.status in DECIDED_STATUSES and not request.user.has_perm("cases.decide_lead"):
        # Reopening a declined or referred lead undoes a decision: the attorney's call.
        raise PermissionDenied("reopening a decided lead is a decision (attorney or admin)")
    try:
        change_status(lead, to, by=request.user, reason=request.POST.get("reason", ""))
        record(request, "change", lead, detail=f"status {lead.status} -> {to}")
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("cases:lead", lead_id=lead.pk)


@staff_required
@require_POST
@permission_required("cases.assign_lead", raise_exception=True)
def assign(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    username = request.POST.get("attorney", "").replace("\x00", "")  # PostgreSQL refuses NUL
    user = (
        get_user_model()
        .objects.filter(username=username, groups__name__in=["attorney", "admin"])
        .first()
    )
    lead.assigned_to = user
    lead.save(update_fields=["assigned_to", "updated_at"])
    record(request, "change", lead, detail=f"assigned to user {user.pk if user else 'nobody'}")
    return redirect("cases:lead", lead_id=lead.pk)


@staff_required
@permission_required("cases.edit_lead_facts", raise_exception=True)
def edit_facts(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    problems: list[str] = []
    if request.method == "POST":
        form = FactsForm(request.POST)
        if form.is_valid():
            answers = form.apply(lead.answers or {})
            try:
                reassess(lead, answers, by=request.user, reason=form.cleaned_data["reason"])
                record(request, "change", lead, detail=f"facts edited, version {lead.version + 1}")
                return redirect("cases:lead", lead_id=lead.pk)
            except IncidentError as exc:
                problems = [str(p) for p in exc.problems]
    else:
        form = FactsForm.from_answers(lead.answers or {})
        record(request, "view", lead, detail="facts form")
    return render(request, "cases/facts.html", {"lead": lead, "form": form, "problems": problems})


@staff_required
@require_POST
@permission_required("cases.run_conflict_check", raise_exception=True)
def conflict_check(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    hits = run_conflict_check(lead)
    record(request, "conflict_check", lead, detail=f"{len(hits)} hit(s)")
    return render(request, "cases/conflicts.html", {"lead": lead, "hits": hits})


@staff_required
@require_POST
@permission_required("cases.decide_lead", raise_exception=True)
def decide(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    try:
        if decision == "accept":
            matter = accept(lead, by=request.user, reason=reason)
            record(request, "decision", lead, detail=f"accepted as matter {matter.number}")
        elif decision == "decline":
            decline(lead, by=request.user, reason=reason)
            record(request, "decision", lead, detail="declined")
            messages.success(request, "Declined. Download the non-engagement letter below.")
        elif decision == "refer":
            change_status(lead, LeadStatus.REFERRED, by=request.user, reason=reason)
            record(request, "decision", lead, detail="referred")
        else:
            messages.error(request, "decision: choose accept, decline or refer.")
    except (TransitionError, IncidentError) as exc:
        messages.error(request, str(exc))
    return redirect("cases:lead", lead_id=lead.pk)


@staff_required
@require_POST
@permission_required("cases.delete_lead", raise_exception=True)
def delete_lead(request: HttpRequest, lead_id: Any) -> HttpResponse:
    """Erase a lead and everything stored with it (e.g. when the person asks), with a reason
    kept only in the audit log's detail as a category, never the person's words."""
    lead = _lead(request, lead_id)
    if request.POST.get("confirm") != lead.reference:
        messages.error(request, f"confirm: type the reference {lead.reference} to delete the lead.")
        return redirect("cases:lead", lead_id=lead.pk)
    if hasattr(lead, "matter"):
        messages.error(request, "delete: the lead is an open matter; close the matter first.")
        return redirect("cases:lead", lead_id=lead.pk)
    reference = lead.reference
    lead.delete()
    record(request, "delete", object_type="lead", object_id=reference, detail="erased by admin")
    messages.success(request, f"Lead {reference} and everything stored with it were deleted.")
    return redirect("cases:queue")


def letter_html(lead: Lead, by: Any) -> str:
    from monell.web.cases.services import letter_facts

    facts = letter_facts(lead, by=by)
    with translation.override(facts.language):
        return render_to_string(f"cases/letters/non_engagement_{facts.language}.html", {"f": facts})


@staff_required
@permission_required("cases.export_leads", raise_exception=True)
def letter_pdf(request: HttpRequest, lead_id: Any) -> HttpResponse:
    lead = _lead(request, lead_id)
    if lead.status not in (LeadStatus.DECLINED, LeadStatus.REFERRED):
        # A referred person is not the firm's client either, and needs the deadline in writing.
        raise Http404("a non-engagement letter is made for a declined or referred lead")
    pdf = html_to_pdf(letter_html(lead, request.user))
    record(request, "export", lead, detail="non-engagement letter pdf")
    return _attachment(pdf, "application/pdf", f"non-engagement-{lead.reference}.pdf")


@staff_required
@permission_required("cases.export_leads", raise_exception=True)
def memo_pdf(request: HttpRequest, lead_id: Any) -> HttpResponse:
    from monell.app.assessment import assess_with_database, incident_from_data
    from monell.report.html import render_html

    lead = _lead(request, lead_id)
    try:
        incident = incident_from_data(lead.answers, today=timezone.localdate())
    except IncidentError:
        # Facts that validated when they came in but not under today's rules: say so on the
        # lead's page (which lists the problems) instead of a bare 404.
        messages.error(
            request, "memo: the lead's facts no longer validate; correct them under Edit facts."
        )
        return redirect("cases:lead", lead_id=lead.pk)
    result, _ = assess_with_database(incident)
    pdf = html_to_pdf(render_html(result.assessment, result.sections))
    record(request, "export", lead, detail="memo pdf")
    return _attachment(pdf, "application/pdf", f"memo-{lead.reference}.pdf")


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@permission_required("cases.view_lead", raise_exception=True)
def upload(request: HttpRequest, lead_id: Any, upload_id: Any) -> HttpResponse:
    item = get_object_or_404(Upload, pk=upload_id, lead_id=lead_id)
    record(request, "export", item, detail=f"upload of lead {lead_id}")
    # Always an attachment of a neutral type: never rendered inline in the staff's browser.
    response = FileResponse(io.BytesIO(item.data), as_attachment=True, filename=f"upload-{item.pk}")
    response["Content-Type"] = "application/octet-stream"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_required
@permission_required("cases.view_matter", raise_exception=True)
def matters(request: HttpRequest) -> HttpResponse:
    record(request, "view", object_type="matters")
    return _matters_page(request)


def _matters_page(request: HttpRequest, new_feed_token: str | None = None) -> HttpResponse:
    items = Matter.objects.select_related("lead", "attorney").order_by("-opened_at")
    calendar = AttorneyCalendar.objects.filter(attorney=request.user).first()
    response = render(
        request,
        "cases/matters.html",
        {"matters": items, "calendar": calendar, "new_feed_token": new_feed_token},
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@permission_required("cases.view_matter", raise_exception=True)
def matter_ics(request: HttpRequest, number: str) -> HttpResponse:
    matter = get_object_or_404(Matter, number=number)
    data = calendar_for(matter.deadlines.select_related("matter"), f"Matter {matter.number}")
    record(request, "export", matter, detail="ics")
    return _attachment(data, "text/calendar; charset=utf-8", f"matter-{matter.number}.ics")


@staff_required
@require_POST
@permission_required("cases.view_matter", raise_exception=True)
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the attorney's private feed link; the old link stops working. The
    link is shown once, in this response, and stored nowhere (not even in the session)."""
    token = secrets.token_urlsafe(32)
    AttorneyCalendar.objects.update_or_create(
        attorney=request.user, defaults={"token_hash": token_hash(token)}
    )
    record(request, "change", object_type="calendar_feed", object_id=str(request.user.pk))
    return _matters_page(request, new_feed_token=token)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The attorney's deadlines for a calendar app, which cannot log in: the random token in
    the URL is the credential (revocable from the matters page)."""
    feed = (
        AttorneyCalendar.objects.select_related("attorney")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if (
        feed is None
        or not feed.attorney.is_active
        or not feed.attorney.has_perm("cases.view_matter")  # e.g. no longer an attorney
    ):
        raise Http404("no such calendar")
    deadlines = MatterDeadline.objects.filter(matter__attorney=feed.attorney).select_related(
        "matter"
    )
    record(None, "export", object_type="calendar_feed", object_id=str(feed.attorney_id),
           actor_label=f"feed:{feed.attorney.get_username()}")  # fmt: skip
    return HttpResponse(
        calendar_for(deadlines, f"Deadlines: {feed.attorney.get_username()}"),
        content_type="text/calendar; charset=utf-8",
    )


@staff_required
@permission_required("cases.manage_settings", raise_exception=True)
def firm_settings(request: HttpRequest) -> HttpResponse:
    current = FirmSettings.load()
    if request.method == "POST":
        form = FirmSettingsForm(request.POST, instance=current)
        if form.is_valid():
            form.save()
            record(request, "change", current, detail="settings: " + ", ".join(form.changed_data))
            messages.success(request, "Settings saved.")
            return redirect("cases:settings")
    else:
        form = FirmSettingsForm(instance=current)
    return render(request, "cases/settings.html", {"form": form})
