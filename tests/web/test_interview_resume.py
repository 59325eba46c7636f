"""Save and resume: a private link whose token is stored only as a hash, that expires 30
days after the last save, and that carries no personal data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from monell.web.crypto import token_hash
from monell.web.intake.models import Interview
from tests.web.interview_flow import SCREENS, answer, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_table(db: None) -> None:
    call_command("createcachetable", verbosity=0)


def _begin(client: Client) -> Interview:
    start(client)
    for slug, data in SCREENS[:4]:
        answer(client, slug, data)
    return Interview.objects.get(pk=client.session["monell_interview"])


def _link(client: Client) -> str:
    page = client.post("/save/").content.decode()
    match = re.search(r'id="resume-link">(http://testserver(/r/[^<]+))</code>', page)
    assert match, page
    return match.group(2)


def test_the_private_link_brings_the_answers_back_in_another_browser() -> None:
    first = Client()
    interview = _begin(first)
    path = _link(first)
    token = path.removeprefix("/r/")
    assert len(token) >= 32 and "Rosa" not in path and "Louis" not in path
    stored = Interview.objects.get(pk=interview.pk)
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    other = Client()
    response = other.get(path)
    assert response.status_code == 302 and response["Location"] == "/q/agency_name/"
    page = other.get("/q/agency_name/").content.decode()
    assert 'value="St. Louis Metropolitan Police Department"' in page


def test_a_new_link_replaces_the_old_one() -> None:
    client = Client()
    _begin(client)
    old = _link(client)
    new = _link(client)
    assert old != new
    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 302


def test_every_save_gives_30_more_days_and_then_the_link_expires() -> None:
    client = Client()
    interview = _begin(client)
    path = _link(client)
    expires = Interview.objects.get(pk=interview.pk).expires_at
    assert dt.timedelta(days=29, hours=23) < expires - timezone.now() <= dt.timedelta(days=30)
    Interview.objects.filter(pk=interview.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Client().get(path)
    assert response.status_code == 410
    assert "This link does not work" in response.content.decode()
    # The browser that started it is sent back to the start too, and the next start purges it.
    assert client.get("/q/agency_name/")["Location"] == "/"
    Client().post("/start/")
    assert not Interview.objects.filter(pk=interview.pk).exists()


def test_an_unknown_token_tells_nothing() -> None:
    response = Client().get("/r/" + "A" * 32)
    assert response.status_code == 410


def test_the_language_switch_keeps_the_answers() -> None:
    client = Client()
    _begin(client)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/q/agency_name/"})
    assert response.status_code == 302 and response["Location"] == "/q/agency_name/"
    page = client.get("/q/agency_name/").content.decode()
    assert '<html lang="es">' in page and "¿Para qué policía u oficina" in page
    assert 'value="St. Louis Metropolitan Police Department"' in page
    # Back in English, the earlier screens still hold their answers.
    client.post("/i18n/setlang/", {"language": "en", "next": "/q/place/"})
    page = client.get("/q/place/").content.decode()
    assert '<option value="MO" selected>Missouri</option>' in page


def test_the_switch_is_a_form_on_every_public_page() -> None:
    client = Client()
    _begin(client)
    for path in ("/", "/q/who/", "/q/review/", "/privacy/", "/glossary/", "/save/"):
        page = client.get(path).content.decode()
        assert 'action="/i18n/setlang/"' in page and 'name="next"' in page, path
        assert 'value="es" lang="es">Español</button>' in page, path
