"""The person's side: a guided interview, one question per screen, the plain result and the
request for a free consultation. Server-rendered; every page works with JavaScript off.

The interview lives in the database (Interview.answers, encrypted) and is saved at every
step; the browser holds only a session cookie naming it. Views hold no legal logic: the
screens' answers become an incident checked by the incident rules and assessed by
monell.app.assessment through monell.web.cases.services, as `monell assess` does.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from monell.domain.incident import IncidentError
from monell.web.audit.log import client_ip, record
from monell.web.cases.services import assessment_json, create_lead
from monell.web.crypto import token_hash
from monell.web.intake import content, steps
from monell.web.intake.forms import ConsultationForm
from monell.web.intake.models import Interview, expiry, new_resume_token
from monell.web.intake.summary import date_in_words, plain_summary
from monell.web.intake.uploads import UploadError, read_uploads

log = logging.getLogger("monell.web.intake")
SESSION_KEY = "monell_interview"
SUBMIT_KEY = "_submit_key"


def _rate() -> str:
    """Requests a connection may send per period (settings.MONELL_PUBLIC_SUBMIT_RATE)."""
    return str(getattr(settings, "MONELL_PUBLIC_SUBMIT_RATE", "10/h"))


def _client_ip(group: str, request: HttpRequest) -> str:
    """The person's address, the proxy's forwarded one when the app is behind a TLS proxy
    (the same rule as the audit log), so one proxy address does not limit everyone."""
    return client_ip(request)


# ----------------------------------------------------------------------- helpers


def _current(request: HttpRequest) -> Interview | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    interview = Interview.objects.filter(pk=pk).first()
    if interview is None or interview.is_expired():
        return None
    return interview


def _require(request: HttpRequest) -> Interview:
    interview = _current(request)
    if interview is None:
        raise _Restart
    return interview


class _Restart(Exception):
    """No interview in this browser (never started, expired): back to the start page."""


def _save(interview: Interview, request: HttpRequest, **changes: Any) -> None:
    """Every save moves the resume link's expiry to 30 days from now."""
    for key, value in changes.items():
        setattr(interview, key, value)
    interview.language = content.lang(translation.get_language())
    interview.expires_at = expiry()
    interview.save()


def _answers(interview: Interview) -> dict[str, Any]:
    answers = dict(interview.answers or {})
    answers.setdefault("steps", {})
    return answers


def _neighbours(slug: str, answers: dict[str, Any]) -> tuple[str | None, str | None, int, int]:
    shown = [s.slug for s in steps.applicable(answers)]
    if slug not in shown:  # a screen the answers skip: its neighbours in the full order
        order = [s.slug for s in steps.all_steps()]
        before = [s for s in shown if order.index(s) < order.index(slug)]
        after = [s for s in shown if order.index(s) > order.index(slug)]
        return (before[-1] if before else None), (after[0] if after else None), 0, len(shown)
    i = shown.index(slug)
    prev = shown[i - 1] if i > 0 else None
    nxt = shown[i + 1] if i + 1 < len(shown) else None
    return prev, nxt, i + 1, len(shown)


def _step_url(slug: str | None) -> str:
    return reverse("intake:step", args=[slug]) if slug else reverse("intake:review")


def _restartable(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]
        except _Restart:
            return redirect("intake:home")

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ----------------------------------------------------------------------- pages


def home(request: HttpRequest) -> HttpResponse:
    interview = _current(request)
    resume = None
    if interview is not None and interview.submitted_lead_id is None:
        resume = _step_url(interview.step or steps.all_steps()[0].slug)
    return render(request, "intake/home.html", {"resume_url": resume})


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    purge_expired()
    interview = Interview.objects.create(
        token_hash=token_hash(new_resume_token()),
        language=content.lang(translation.get_language()),
        answers={"steps": {}},
    )
    request.session[SESSION_KEY] = str(interview.pk)
    first = steps.all_steps()[0].slug
    return redirect(_step_url(first))


def purge_expired() -> int:
    """Delete interviews whose 30 days since the last save have passed (a sent one keeps
    nothing but its link to the lead, which staff hold)."""
    deleted, _ = Interview.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def _missing_answer(step: steps.Step, values: dict[str, Any]) -> list[steps.FieldError]:
    """A screen the incident rules do not require (who is filling in) but the interview
    does."""
    if step.optional or step.slug != "who" or any(values.values()):
        return []
    field = step.field_names()[0]
    return [
        steps.FieldError(step.slug, field, "missing", steps.plain_message(field, "missing"), field)
    ]


@_restartable
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, slug: str) -> HttpResponse:
    interview = _require(request)
    if interview.submitted_lead_id is not None:
        return redirect("intake:confirmation")
    current = steps.step_by_slug(slug)
    if current is None:
        raise Http404
    answers = _answers(interview)
    back_to_review = request.GET.get("return") == "review" or request.POST.get("return") == "review"
    errors: list[steps.FieldError] = []
    if request.method == "POST":
        values = steps.clean_post(current, request.POST)
        answers["steps"][slug] = values
        _save(interview, request, answers=answers, step=slug)
        action = request.POST.get("action", "next")
        prev, nxt, _, _ = _neighbours(slug, answers)
        if action == "back":
            return redirect(_step_url(prev) if prev else reverse("intake:home"))
        if action == "save":
            return redirect("intake:save")
        errors = steps.step_errors(current, answers) + _missing_answer(current, values)
        if not errors:
            if back_to_review:
                return redirect("intake:review")
            return redirect(_step_url(nxt))
    elif not current.applies(answers):
        return redirect(_step_url(_neighbours(slug, answers)[0]))
    else:
        interview.step = slug
        Interview.objects.filter(pk=interview.pk).update(step=slug)
    prev, _, number, total = _neighbours(slug, answers)
    return render(
        request,
        "intake/step.html",
        _step_context(current, answers, errors, prev, number, total, back_to_review),
        status=200,
    )


def _step_context(
    current: steps.Step,
    answers: dict[str, Any],
    errors: list[steps.FieldError],
    prev: str | None,
    number: int,
    total: int,
    back_to_review: bool,
) -> dict[str, Any]:
    values = answers["steps"].get(current.slug) or {}
    by_field = {e.field: e for e in errors}
    language = content.lang()
    order = ("day", "month", "year") if language == "es" else ("month", "day", "year")
    parts = content.load("interview")["date_parts"]
    date_fields = []
    if current.kind == "date":
        base = current.spec["field"]
        date_fields = [
            {
                "name": f"{base}_{p}",
                "label": content.pick(parts[p]),
                "value": values.get(f"{base}_{p}", ""),
                "width": "year" if p == "year" else "short",
            }
            for p in order
        ]
    labels = {k: content.pick(v) for k, v in (current.spec.get("labels") or {}).items()}
    officer_rows = []
    if current.kind == "officers":
        for i in range(steps.OFFICER_ROWS):
            officer_rows.append(
                {
                    "n": i + 1,
                    "name_field": f"name_{i}",
                    "badge_field": f"badge_{i}",
                    "name_label": labels["name"].format(n=i + 1),
                    "badge_label": labels["badge"].format(n=i + 1),
                    "name": values.get(f"name_{i}", ""),
                    "badge": values.get(f"badge_{i}", ""),
                    "name_error": by_field.get(f"name_{i}"),
                    "badge_error": by_field.get(f"badge_{i}"),
                }
            )
    field = current.spec.get("field", "")
    selected = values.get(field)
    glossary = {t["id"]: t for t in content.glossary()}
    return {
        "step": current,
        "question": current.question(),
        "help": current.help(),
        "choices": current.choices(),
        "field": field,
        "value": selected if selected is not None else "",
        "selected": selected if isinstance(selected, list) else [selected],
        "values": values,
        "errors": errors,
        "error": by_field.get(field) if field else None,
        "by_field": by_field,
        "date_fields": date_fields,
        "labels": labels,
        "states": content.state_choices(),
        "officer_rows": officer_rows,
        "prev": prev,
        "number": number,
        "total": total,
        "return_review": back_to_review,
        "glossary": [glossary[g] for g in current.spec.get("glossary", []) if g in glossary],
        "error_links": [{"message": e.message, "href": f"#{_field_id(e)}"} for e in errors],
    }


def _field_id(error: steps.FieldError) -> str:
    step = steps.step_by_slug(error.step)
    if step is not None and step.kind == "date":
        first = "day" if content.lang() == "es" else "month"
        return f"id_{error.field}_{first}"
    if step is not None and step.kind in ("radio", "checkboxes"):
        return f"id_{error.field}_0"
    return f"id_{error.field}"


def _answer_words(current: steps.Step, values: dict[str, Any]) -> list[str]:
    """One screen's answer as the person would say it (for the review page)."""
    choices = dict(current.choices())
    if current.kind == "radio":
        return [choices.get(values.get(current.spec["field"], ""), "")]
    if current.kind == "checkboxes":
        return [choices.get(v, v) for v in values.get(current.spec["field"], [])]
    if current.kind == "date":
        text = steps.date_text(values, current.spec["field"]) or ""
        try:
            return [date_in_words(dt.date.fromisoformat(text), content.lang())]
        except ValueError:
            return [text]  # as typed; the review shows the problem beside it
    if current.kind == "place":
        states = dict(content.state_choices())
        return [
            ", ".join(
                v
                for v in (
                    values.get("city"),
                    values.get("county"),
                    states.get(values.get("state", ""), ""),
                )
                if v
            )
        ]
    if current.kind == "officers":
        rows = []
        for i in range(steps.OFFICER_ROWS):
            name, badge = values.get(f"name_{i}", ""), values.get(f"badge_{i}", "")
            if name or badge:
                rows.append(" — ".join(x for x in (name, badge) if x))
        return rows
    return [values.get(current.spec["field"], "")]


@_restartable
def review(request: HttpRequest) -> HttpResponse:
    interview = _require(request)
    if interview.submitted_lead_id is not None:
        return redirect("intake:confirmation")
    answers = _answers(interview)
    who = steps.all_steps()[0]
    errors = steps.field_errors(steps.check(answers)) + _missing_answer(
        who, answers["steps"].get(who.slug) or {}
    )
    rows = []
    for s in steps.applicable(answers):
        rows.append(
            {
                "slug": s.slug,
                "question": s.question(),
                "answer": [a for a in _answer_words(s, answers["steps"].get(s.slug) or {}) if a],
                "errors": [e for e in errors if e.step == s.slug],
            }
        )
    if request.method == "POST" and not errors:
        return redirect("intake:result")
    links = [  # a problem no screen owns (none today) is still listed, never hidden
        {
            "message": e.message,
            "href": "#main" if e.step == "review" else f"{_step_url(e.step)}?return=review",
        }
        for e in errors
    ]
    return render(request, "intake/review.html", {"rows": rows, "errors": links})


def _assessed(
    request: HttpRequest,
) -> tuple[Interview, dict[str, Any], dict[str, Any]] | HttpResponse:
    """The interview, its answers and their assessment, or the page to go to instead (the
    confirmation once it was sent; the review while an answer is wrong or missing)."""
    interview = _require(request)
    if interview.submitted_lead_id is not None:
        return redirect("intake:confirmation")
    answers = _answers(interview)
    try:
        return interview, answers, assessment_json(steps.incident_data(answers))
    except IncidentError:
        return redirect("intake:review")


@_restartable
def result(request: HttpRequest) -> HttpResponse:
    got = _assessed(request)
    if isinstance(got, HttpResponse):
        return got
    interview, answers, assessment = got
    if not answers.get(SUBMIT_KEY):
        answers[SUBMIT_KEY] = secrets.token_urlsafe(24)
        _save(interview, request, answers=answers)
    form = ConsultationForm(
        initial={
            "idempotency_key": answers[SUBMIT_KEY],
            "language": content.lang(),
            "contact_time": "any",
        }
    )
    return _result_page(request, assessment, form)


def _result_page(
    request: HttpRequest,
    assessment: dict[str, Any],
    form: ConsultationForm,
    upload_error: str = "",
    status: int = 200,
) -> HttpResponse:
    glossary = {t["id"]: t for t in content.glossary()}
    return render(
        request,
        "intake/result.html",
        {
            "summary": plain_summary(assessment, content.lang()),
            "form": form,
            "upload_error": upload_error,
            "errors": bool(form.errors or upload_error),  # the page title says "Error:"
            "max_files": settings.MONELL_UPLOAD_MAX_FILES,
            "max_mb": settings.MONELL_UPLOAD_MAX_BYTES // (1024 * 1024),
            "glossary": [
                glossary[k]
                for k in (
                    "deadline",
                    "civil_rights_claim",
                    "qualified_immunity",
                    "city_liability",
                    "consultation",
                    "lawyer_client",
                )
                if k in glossary
            ],
        },
        status=status,
    )


def _upload_message(error: UploadError) -> str:
    from django.utils.translation import gettext as _

    if error.kind == "too_many":
        return _("You can send at most %(n)d files.") % {"n": settings.MONELL_UPLOAD_MAX_FILES}
    if error.kind == "too_big":
        return _("The file “%(name)s” is too big. Each file can be up to %(mb)d MB.") % {
            "name": error.name,
            "mb": settings.MONELL_UPLOAD_MAX_BYTES // (1024 * 1024),
        }
    return _("The file “%(name)s” is not a photo or a PDF. You can send photos and PDF files.") % {
        "name": error.name
    }


@_restartable
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    if is_ratelimited(request, group="intake.submit", key=_client_ip, rate=_rate(), increment=True):
        return render(request, "intake/limited.html", status=429)
    got = _assessed(request)
    if isinstance(got, HttpResponse):
        return got
    interview, answers, assessment = got
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        return _result_page(request, assessment, form, status=400)
    try:
        uploads = read_uploads(request.FILES.getlist("files"))
    except UploadError as exc:
        return _result_page(request, assessment, form, _upload_message(exc), status=400)
    data = form.cleaned_data
    with transaction.atomic():
        locked = Interview.objects.select_for_update().get(pk=interview.pk)
        if locked.submitted_lead_id is not None:  # the same form sent twice
            return redirect("intake:confirmation")
        if data["idempotency_key"] != (locked.answers or {}).get(SUBMIT_KEY):
            return redirect("intake:result")
        now = timezone.now().isoformat(timespec="seconds")
        lead = create_lead(
            answers=steps.incident_data(answers),
            contact={
                "name": data["name"],
                "phone": data["phone"],
                "email": data["email"],
                "language": data["language"],
                "contact_time": data["contact_time"],
            },
            language=data["language"],
            consent={"privacy_notice": now, "no_lawyer_client_relationship": now},
            uploads=uploads,
        )
        # The lead now holds the answers; the interview keeps only what the confirmation
        # and a repeated submit need (no second copy of the person's story).
        locked.submitted_lead = lead
        locked.answers = {"steps": {}, SUBMIT_KEY: data["idempotency_key"]}
        locked.save(update_fields=["submitted_lead", "answers", "updated_at"])
        record(request, "public_submission", lead, f"interview {locked.pk}")
        if data["email"]:
            email, language, reference = data["email"], data["language"], lead.reference
            transaction.on_commit(lambda: send_acknowledgement(email, language, reference))
    log.info("consultation request stored: %s", lead.reference)
    return redirect("intake:confirmation")


def send_acknowledgement(email: str, language: str, reference: str) -> None:
    """Tell the person their request arrived: the reference and what happens next, in their
    language, and nothing about the case (mail is read on shared phones and forwarded)."""
    with translation.override(language):
        context = {"reference": reference, "firm": firm_name()}
        subject = render_to_string("intake/email/ack_subject.txt", context).strip()
        body = render_to_string("intake/email/ack_body.txt", context)
    message = EmailMessage(
        subject=subject, body=body, to=[email], headers={"X-Monell-Kind": "acknowledgement"}
    )
    try:
        message.send()
    except OSError as exc:  # the request is saved; a mail failure must not lose it
        log.warning("could not send the acknowledgement for %s: %s", reference, type(exc).__name__)


@_restartable
def confirmation(request: HttpRequest) -> HttpResponse:
    interview = _require(request)
    lead = interview.submitted_lead
    if lead is None:
        return redirect("intake:result")
    return render(
        request,
        "intake/confirmation.html",
        {"reference": lead.reference, "gave_email": bool((lead.contact or {}).get("email"))},
    )


@_restartable
@require_http_methods(["GET", "POST"])
def save(request: HttpRequest) -> HttpResponse:
    """A new private link to come back later (only its hash is stored, so it is shown
    once; asking again makes a new one and the old one stops working)."""
    interview = _require(request)
    if request.method == "GET":
        return render(
            request,
            "intake/save.html",
            {"link": None, "step_url": _step_url(interview.step or None)},
        )
    token = new_resume_token()
    _save(interview, request, token_hash=token_hash(token))
    link = request.build_absolute_uri(reverse("intake:resume", args=[token]))
    return render(
        request,
        "intake/save.html",
        {
            "link": link,
            "expires": interview.expires_at,
            "step_url": _step_url(interview.step or None),
        },
    )


def resume(request: HttpRequest, token: str) -> HttpResponse:
    interview = Interview.objects.filter(token_hash=token_hash(token)).first()
    if interview is None or interview.is_expired():
        return render(request, "intake/expired.html", status=410)
    request.session.cycle_key()
    request.session[SESSION_KEY] = str(interview.pk)
    if interview.submitted_lead_id is not None:
        return redirect("intake:confirmation")
    language = interview.language if interview.language in ("en", "es") else "en"
    response: HttpResponseRedirect = redirect(
        _step_url(interview.step or steps.all_steps()[0].slug)
    )
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", httponly=False)
    return response


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/privacy.html", {"firm": firm_name()})


def firm_name() -> str:
    """The name the admin set on the settings page, else MONELL_FIRM_NAME: the privacy notice
    and the acknowledgement name the same firm as the letters do."""
    from monell.web.cases.models import FirmSettings

    return FirmSettings.load().firm_name or settings.MONELL_FIRM_NAME


def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/glossary.html", {"terms": content.glossary()})
