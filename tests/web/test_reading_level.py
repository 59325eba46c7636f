"""Reading level of everything the person reads while answering: every interview screen
(question, help and choices), every error message, and the plain summary of several
assessments, in both languages. Flesch-Kincaid grade <= 7 (English) and Fernández-Huerta
>= 70 (Spanish), with textstat."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from monell.web.cases.services import assessment_json
from monell.web.intake import content, steps
from monell.web.intake.summary import plain_summary
from monell.web.intake.uploads import UploadError
from monell.web.intake.views import _upload_message
from tests.web.reading import as_sentences, fernandez_huerta, fk_grade

MAX_GRADE_EN = 7.0
MIN_FH_ES = 70.0

BASE = {
    "incident_date": "2021-03-10",
    "state": "MO",
    "city": "St. Louis",
    "agency": {"name": "St. Louis Metropolitan Police Department", "kind": "municipal_police"},
    "officers": [{"name": "Officer A. Doe", "badge": "1234"}],
    "person": {"custody": "arrested", "birth_date": "2004-06-01"},
    "conduct": ["excessive_force", "false_arrest", "first_amendment_retaliation"],
    "criminal_case": {"status": "dismissed", "resolved_on": "2021-09-15"},
}
# Incidents a lawyer would recognise, each giving the summary a different shape.
INCIDENTS = {
    "st_louis_open": BASE,
    "texas_expired": {
        **BASE,
        "incident_date": "2015-05-01",
        "state": "TX",
        "city": "Houston",
        "agency": {"name": "Houston Police Department", "kind": "municipal_police"},
        "person": {"custody": "free"},
    },
    "convicted_jail": {
        **BASE,
        "state": "IL",
        "city": "Chicago",
        "agency": {"name": "Cook County Jail", "kind": "jail_or_prison", "level": "county"},
        "person": {"custody": "pretrial_detainee"},
        "conduct": ["excessive_force", "malicious_prosecution", "denial_of_medical_care"],
        "criminal_case": {"status": "convicted", "resolved_on": "2021-09-15"},
    },
    "federal_agents": {
        **BASE,
        "state": "CA",
        "agency": {"name": "ICE", "kind": "federal"},
        "person": {"custody": "arrested"},
    },
    "private_guards": {
        **BASE,
        "state": "NY",
        "agency": {"name": "Mall security", "kind": "private_security"},
        "officers": [],
    },
    "unnamed_officers_no_city": {
        **BASE,
        "city": None,
        "officers": [],
        "agency": {"name": "Fulton County Sheriff", "kind": "county_sheriff"},
    },
    # N.Y. Gen. Mun. Law §§ 50-e (notice within 90 days) and 50-i (suit within a year and 90
    # days) before the § 1983 period: a notice line, a state-suit line, then the federal one.
    "new_york_notice": {
        **BASE,
        "incident_date": "2026-10-01",
        "state": "NY",
        "city": "New York",
        "county": "Kings County",
        "agency": {"name": "New York City Police Department", "kind": "municipal_police"},
        "criminal_case": {"status": "dismissed", "resolved_on": "2026-11-01"},
        "evaluated_on": "2026-12-04",
    },
    "pending_case": {
        **BASE,
        "state": "GA",
        "agency": {"name": "Fulton County Sheriff", "kind": "county_sheriff"},
        "conduct": ["unlawful_search", "fabrication_of_evidence", "failure_to_intervene"],
        "criminal_case": {"status": "pending"},
    },
}


def screens(language: str) -> dict[str, str]:
    out = {}
    for step in steps.all_steps():
        parts = [step.question(language), step.help(language)]
        parts += [label for _, label in step.choices(language)]
        parts += [content.pick(v, language) for v in (step.spec.get("labels") or {}).values()]
        out[f"screen {step.slug}"] = as_sentences(parts).replace("{n}", "1")
    return out


def error_messages(language: str) -> dict[str, str]:
    errors = content.load("errors")
    out = {f"error {k}": content.pick(v, language) for k, v in errors["general"].items()}
    for field, kinds in errors["by_field"].items():
        for kind, texts in kinds.items():
            out[f"error {field}/{kind}"] = content.pick(texts, language)
    from monell.web.intake.forms import ConsultationForm

    with translation.override(language):
        form = ConsultationForm({"email": "x", "phone": "1"})
        form.is_valid()
        for name, errs in form.errors.items():
            for i, e in enumerate(errs):
                out[f"form error {name}/{i}"] = str(e)
        for kind in ("too_many", "too_big", "bad_type"):
            out[f"upload error {kind}"] = _upload_message(UploadError(kind, "photo.jpg"))
    return out


def acknowledgement(language: str) -> dict[str, str]:
    from django.template.loader import render_to_string

    context = {"reference": "MN-ABCD-2345", "firm": "Example Law"}
    with translation.override(language):
        return {
            "e-mail": as_sentences(
                [
                    render_to_string("intake/email/ack_subject.txt", context),
                    *render_to_string("intake/email/ack_body.txt", context).split("\n"),
                ]
            )
        }


@pytest.fixture(scope="module")
def assessments() -> dict[str, dict]:
    return {name: assessment_json(data) for name, data in INCIDENTS.items()}


def summaries(assessments: dict[str, dict], language: str) -> dict[str, str]:
    return {
        f"summary {name}": as_sentences(plain_summary(a, language).texts())
        for name, a in assessments.items()
    }


def scores(texts: dict[str, str], language: str) -> dict[str, float]:
    score = fk_grade if language == "en" else fernandez_huerta
    return {name: round(score(text), 1) for name, text in texts.items()}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_screen_error_and_summary_reads_plainly(assessments, language) -> None:
    texts = {
        **screens(language),
        **error_messages(language),
        **summaries(assessments, language),
        **acknowledgement(language),
    }
    assert len(texts) > 40
    got = scores(texts, language)
    if language == "en":
        bad = {k: v for k, v in got.items() if v > MAX_GRADE_EN}
        figure = f"max Flesch-Kincaid grade {max(got.values())}"
    else:
        bad = {k: v for k, v in got.items() if v < MIN_FH_ES}
        figure = f"min Fernández-Huerta {min(got.values())}"
    print(f"\nreading level {language}: {len(got)} texts, {figure}")
    assert not bad, json.dumps(
        {k: (v, texts[k]) for k, v in bad.items()}, ensure_ascii=False, indent=1
    )


def test_the_summaries_cover_their_shapes(assessments) -> None:
    """The incidents above really exercise open, passed and obstacle lines."""
    en = {name: plain_summary(a, "en") for name, a in assessments.items()}
    assert en["st_louis_open"].deadline
    # the state-law counts: lost untolled, open if the minority tolling reaches them
    assert all("under age" in line for line in en["st_louis_open"].passed)
    assert en["texas_expired"].passed and not en["texas_expired"].deadline
    assert en["convicted_jail"].obstacles
    assert any("federal" in d for d in en["federal_agents"].defendants)


def test_the_scorer_tells_hard_text_from_plain() -> None:
    """The check can fail: legal English and Spanish score past the limits."""
    legal_en = (
        "Notwithstanding the aforementioned limitations, municipal liability necessitates "
        "demonstrating an unconstitutional policy constituting the moving force."
    )
    legal_es = (
        "No obstante las limitaciones anteriormente mencionadas, la responsabilidad municipal "
        "necesariamente requiere demostrar una política inconstitucional determinante."
    )
    assert fk_grade(legal_en) > MAX_GRADE_EN
    assert fernandez_huerta(legal_es) < MIN_FH_ES


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_public_page_reads_plainly_as_a_whole(language: str) -> None:
    """Beyond the pieces above: each page as the person sees it (home, review, result with
    the consultation form, private-link page, confirmation, privacy notice, glossary)."""
    from django.core.management import call_command
    from django.test import Client

    from tests.web.interview_flow import finish, walk
    from tests.web.reading import page_text

    call_command("createcachetable", verbosity=0)
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    pages = {p: client.get(p) for p in ("/", "/privacy/", "/glossary/", "/r/" + "x" * 32)}
    walk(client)
    pages["/q/review/"] = client.get("/q/review/")
    client.post("/q/review/")
    pages["/result/"] = client.get("/result/")
    pages["/save/"] = client.post("/save/")
    finish(client, {"language": language})
    pages["/thanks/"] = client.get("/thanks/")
    texts = {path: page_text(r.content.decode()) for path, r in pages.items()}
    got = scores(texts, language)
    print(f"\npages {language}: {got}")
    if language == "en":
        assert max(got.values()) <= MAX_GRADE_EN, got
    else:
        assert min(got.values()) >= MIN_FH_ES, got
