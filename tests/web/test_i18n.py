"""English and Spanish are both complete: the catalogue, the data files, the dates, and a
whole interview in Spanish down to its error messages and the acknowledgement e-mail."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

from monell.web.cases.models import Lead
from monell.web.intake import content, steps
from monell.web.intake.summary import date_in_words
from tests.web.interview_flow import SCREENS, answer, finish, start, walk

WEB = Path(content.__file__).resolve().parent.parent
PO = WEB / "locale/es/LC_MESSAGES/django.po"
MO = WEB / "locale/es/LC_MESSAGES/django.mo"
PUBLIC_TEMPLATES = [*sorted((WEB / "templates/intake").rglob("*.*")), WEB / "templates/base.html"]


def test_catalogue_is_complete_and_compiled() -> None:
    po = polib.pofile(str(PO))
    assert len(po) > 80
    assert not [e.msgid for e in po if not e.msgstr or "fuzzy" in e.flags]
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(MO))}
    assert {e.msgid: e.msgstr for e in po} == {k: v for k, v in mo.items() if k}


def _template_strings(text: str) -> set[str]:
    found = set(re.findall(r'{% translate "([^"]+)" %}', text))
    for body in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text, re.S):
        found.add(re.sub(r"{{ (\w+) }}", r"%(\1)s", body))
    return found


def test_every_public_template_string_is_translated() -> None:
    msgids = {e.msgid for e in polib.pofile(str(PO))}
    for path in PUBLIC_TEMPLATES:
        missing = _template_strings(path.read_text(encoding="utf-8")) - msgids
        assert not missing, (path.name, missing)


def _texts(node: object, where: str = "") -> list[tuple[str, dict]]:
    """Every {en, es} pair in a data file."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= {"en", "es"}:
            return [(where, node)]
        return [t for k, v in node.items() for t in _texts(v, f"{where}/{k}")]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _texts(v, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("name", ["interview", "errors", "summary", "states"])
def test_data_files_say_everything_in_both_languages(name: str) -> None:
    pairs = _texts(content.load(name))
    assert pairs
    for where, texts in pairs:
        assert texts.get("en") and texts.get("es"), (name, where)


def test_glossary_has_both_languages_and_every_linked_term() -> None:
    terms = content.load("glossary")["terms"]
    for key, entry in terms.items():
        for lang in ("en", "es"):
            assert entry[lang]["term"] and entry[lang]["definition"], (key, lang)
    for step in steps.all_steps():
        assert set(step.spec.get("glossary", [])) <= set(terms), step.slug


def test_dates_in_words() -> None:
    assert date_in_words(dt.date(2030, 6, 1), "en") == "June 1, 2030"
    assert date_in_words(dt.date(2030, 6, 1), "es") == "1 de junio de 2030"


@pytest.mark.django_db
def test_a_whole_interview_in_spanish(django_capture_on_commit_callbacks) -> None:
    call_command("createcachetable", verbosity=0)
    client = Client()
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    home = client.get("/").content.decode()
    assert '<html lang="es">' in home and "¿La policía le hizo daño?" in home
    start(client)
    page = client.get("/q/who/").content.decode()
    assert "¿Quién llena este formulario?" in page and "Siguiente" in page
    answer(client, "who", {"who": "self"})
    bad = answer(
        client,
        "date",
        {"incident_date_day": "30", "incident_date_month": "2", "incident_date_year": "2021"},
    )
    body = bad.content.decode()
    assert "Esa no es una fecha real." in body and "Por favor corrija esto" in body
    # Spanish order of the date boxes: day, month, year; the summary links to the day box.
    assert body.index('id="id_incident_date_day"') < body.index('id="id_incident_date_month"')
    assert 'href="#id_incident_date_day"' in body
    for slug, data in SCREENS[1:]:
        assert answer(client, slug, data).status_code == 302, slug
    review = client.get("/q/review/").content.decode()
    assert "Revise sus respuestas" in review and "Policía de la ciudad o del pueblo" in review
    client.post("/q/review/")
    result = client.get("/result/").content.decode()
    assert "1 de junio de 2030" in result and "Pida una consulta gratis" in result
    assert "Esto no es un consejo legal." in result
    with django_capture_on_commit_callbacks(execute=True):
        response = finish(client, {"language": "es"})
    assert response["Location"] == "/thanks/"
    thanks = client.get("/thanks/").content.decode()
    lead = Lead.objects.get()
    assert "Recibimos su pedido" in thanks and lead.reference in thanks
    assert lead.language == "es"


@pytest.mark.django_db
def test_the_english_interview_stays_english() -> None:
    call_command("createcachetable", verbosity=0)
    client = Client()
    walk(client)
    review = client.get("/q/review/").content.decode()
    assert '<html lang="en">' in review and "Check your answers" in review
    assert "Revise" not in review
