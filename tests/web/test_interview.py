"""The public interview with the test client: one screen at a time, answers saved at every
step and checked by the incident rules, the plain result, and the consultation request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client

from monell.web.audit.models import AuditEvent
from monell.web.cases.models import Lead
from monell.web.intake.models import Interview
from tests.web.interview_flow import CONTACT, SCREENS, answer, finish, start, walk

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
    # The same assessment `monell assess` prints for the bundled example: § 1983 until
    # 2030-06-01 (Mo. Rev. Stat. § 516.120(4), tolled to 21 under § 516.170); the state-law
    # counts' earlier open reading (§ 516.140 with the same tolling) keys the queue.
    assert str(lead.earliest_deadline) == "2027-06-01"
    assert lead.assessment["deadlines"][0]["deadline"] == "2030-06-01"
    assert lead.contact["name"] == CONTACT["name"] and lead.state == "MO"
    assert lead.answers["officers"] == [{"name": "Officer A. Doe", "badge": "1234"}]
    assert lead.answers["criminal_case"] == {
        "status": "dismissed",
        "charges": ["resisting arrest"],
        "resolved_on": "2021-09-15",
    }
    assert lead.answers["person"] == {
        "custody": "arrested",
        "birth_date": "2004-06-01",
        "deceased": False,
    }
    page = client.get("/thanks/")
    assert lead.reference in page.content.decode()
    assert AuditEvent.objects.filter(action="public_submission", object_id=str(lead.pk)).exists()
    # The lead holds the answers now; the interview keeps no second copy of the story.
    interview = Interview.objects.get(submitted_lead=lead)
    assert interview.answers["steps"] == {} and "narrative" not in str(interview.answers)


def _interview(client: Client) -> Interview:
    return Interview.objects.get(pk=client.session["monell_interview"])


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_answers_are_saved_encrypted_at_every_step() -> None:
    client = Client()
    start(client)
    answer(client, "who", {"who": "self"})
    answer(client, "date", SCREENS[1][1])
    interview = _interview(client)
    assert interview.step == "date"
    assert interview.answers["steps"]["date"]["incident_date_year"] == "2021"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM intake_interview WHERE id = %s", [interview.pk.hex])
        raw = cursor.fetchone()[0]
    assert raw.startswith("m1:") and "2021" not in raw and "self" not in raw


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        (
            {"incident_date_month": "2", "incident_date_day": "30", "incident_date_year": "2021"},
            "not a real date",
        ),
        (
            {"incident_date_month": "x", "incident_date_day": "3", "incident_date_year": "2021"},
            "not a real date",
        ),
        (
            {"incident_date_month": "1", "incident_date_day": "3", "incident_date_year": "2999"},
            "has not come yet",
        ),
        (
            {"incident_date_month": "1", "incident_date_day": "3", "incident_date_year": "1850"},
            "too far back",
        ),
        ({}, "Please give the day it happened."),
    ],
)
def test_a_bad_date_is_shown_next_to_its_field_and_announced(parts, words) -> None:
    client = Client()
    start(client)
    answer(client, "who", {"who": "self"})
    response = answer(client, "date", parts)
    assert response.status_code == 200  # the same screen again, not the next one
    main = _main(response)
    assert words in main
    # The error summary is an alert that takes focus and links to the first box; the
    # message sits in the fieldset, named by aria-describedby, and the boxes are invalid.
    assert (
        'role="alert"' in main and "autofocus" in main and 'href="#id_incident_date_month"' in main
    )
    assert 'aria-describedby="help-incident_date err-incident_date"' in main
    assert 'id="err-incident_date"' in main and main.count('aria-invalid="true"') == 3
    assert "<title>Error:" in response.content.decode()
    # Nothing typed is lost, and no developer words or codes reach the person.
    for value in parts.values():
        assert f'value="{value}"' in main
    for raw in ("incident_date:", "ISO", "evaluated_on", "YYYY", "1983 existed"):
        assert raw not in main


def test_dates_that_contradict_each_other_are_caught_on_the_right_screen() -> None:
    client = Client()
    walk(client)
    birth = {"birth_date_month": "1", "birth_date_day": "1", "birth_date_year": "2022"}
    response = answer(client, "birth_date", birth)
    assert "The birth date is after the day it happened." in _main(response)
    ended = {"resolved_on_month": "1", "resolved_on_day": "1", "resolved_on_year": "2020"}
    response = answer(client, "case_ended", ended)
    assert "This date is before the day it happened." in _main(response)


def test_required_choices_say_what_is_missing() -> None:
    client = Client()
    start(client)
    assert "Please answer this question." in _main(answer(client, "who", {}))
    answer(client, "who", {"who": "family"})
    walk_to = {"conduct": {"conduct": []}}
    response = answer(client, "conduct", walk_to["conduct"])
    assert "Please pick at least one thing the officers did." in _main(response)


def test_screens_follow_the_answers() -> None:
    """ "Who runs it?" only for a jail or campus force; case dates only with charges; Back
    keeps the answer and goes to the screen before."""
    client = Client()
    start(client)
    answer(client, "who", {"who": "self"})
    answer(client, "date", SCREENS[1][1])
    answer(client, "place", SCREENS[2][1])
    answer(client, "agency_name", {"agency_name": "County Jail"})
    assert (
        answer(client, "agency_kind", {"agency_kind": "jail_or_prison"})["Location"]
        == "/q/agency_level/"
    )
    response = answer(client, "agency_level", {})
    assert "Please pick who runs it." in _main(response)
    assert answer(client, "agency_level", {"agency_level": "county"})["Location"] == "/q/conduct/"
    assert (
        answer(client, "agency_kind", {"agency_kind": "municipal_police"})["Location"]
        == "/q/conduct/"
    )
    assert client.get("/q/agency_level/")["Location"] == "/q/agency_kind/"
    back = client.post("/q/conduct/", {"conduct": ["false_arrest"], "action": "back"})
    assert back["Location"] == "/q/agency_kind/"
    assert _interview(client).answers["steps"]["conduct"] == {"conduct": ["false_arrest"]}
    answer(client, "conduct", {"conduct": ["false_arrest"]})
    answer(client, "officers", {})
    answer(client, "custody", {"custody": "free"})
    assert (
        answer(client, "criminal_case", {"criminal_status": "none"})["Location"] == "/q/birth_date/"
    )


def test_a_case_end_date_left_from_an_old_answer_is_dropped() -> None:
    client = Client()
    walk(client)
    answer(client, "criminal_case", {"criminal_status": "none"})
    assert client.post("/q/review/")["Location"] == "/result/"
    finish(client)
    assert Lead.objects.get().answers["criminal_case"] == {"status": "none"}


def test_review_lists_answers_in_words_with_change_links() -> None:
    client = Client()
    walk(client)
    main = _main(client.get("/q/review/"))
    assert "City or town police" in main and "municipal_police" not in main
    assert "St. Louis, Missouri" in main and 'href="/q/officers/?return=review"' in main
    assert "March 10, 2021" in main and "June 1, 2004" in main and "2021-03-10" not in main
    # Changing an answer from the review comes back to the review.
    response = client.post(
        "/q/officers/", {"name_0": "Officer B. Roe", "action": "next", "return": "review"}
    )
    assert response["Location"] == "/q/review/"


def test_the_result_page_is_the_plain_summary_of_the_assessment() -> None:
    client = Client()
    walk(client)
    client.post("/q/review/")
    main = _main(client.get("/result/"))
    assert "June 1, 2030" in main and "days) from today" in main  # a span, then the count
    assert "too much force" in main and "City of St. Louis" in main
    assert "This is not legal advice." in main
    assert "excessive_force" not in main and "2030-06-01" not in main


def test_double_submit_makes_one_lead() -> None:
    client = Client()
    walk(client)
    client.post("/q/review/")
    key = client.get("/result/").context["form"].initial["idempotency_key"]
    data = {**CONTACT, "idempotency_key": key}
    first = client.post("/result/send/", data)
    second = client.post("/result/send/", data)
    assert first["Location"] == second["Location"] == "/thanks/"
    assert Lead.objects.count() == 1
    # A form from before (an old key) makes nothing either.
    assert (
        client.post("/result/send/", {**data, "idempotency_key": "stale"})["Location"] == "/thanks/"
    )
    assert Lead.objects.count() == 1


def test_the_confirmation_is_shown_only_after_the_commit() -> None:
    client = Client()
    walk(client)
    assert client.get("/thanks/")["Location"] == "/result/"
    response = finish(client, {"phone": "", "email": ""})
    assert response.status_code == 400
    assert "Please give a phone number or an e-mail" in _main(response)
    assert "<title>Error:" in response.content.decode()
    assert Lead.objects.count() == 0


def test_acknowledgement_mail_in_the_persons_language_without_case_details(
    django_capture_on_commit_callbacks,
) -> None:
    client = Client()
    walk(client)
    with django_capture_on_commit_callbacks(execute=True):
        finish(client, {"language": "es", "name": "Rosa Example"})
    lead = Lead.objects.get()
    acks = [m for m in mail.outbox if m.extra_headers.get("X-Monell-Kind") == "acknowledgement"]
    assert len(acks) == 1 and acks[0].to == ["rosa@example.org"]
    assert lead.reference in acks[0].subject and "Recibimos su pedido" in acks[0].subject
    text = acks[0].subject + acks[0].body
    for private in ("Rosa", "St. Louis", "Doe", "filming", "2021", "excessive"):
        assert private not in text


def test_no_email_no_acknowledgement(django_capture_on_commit_callbacks) -> None:
    client = Client()
    walk(client)
    with django_capture_on_commit_callbacks(execute=True):
        finish(client, {"email": ""})
    assert not [m for m in mail.outbox if m.extra_headers.get("X-Monell-Kind") == "acknowledgement"]


def test_public_submit_is_rate_limited_by_ip(settings) -> None:
    settings.MONELL_PUBLIC_SUBMIT_RATE = "2/h"
    client = Client()
    walk(client)
    client.post("/q/review/")
    key = client.get("/result/").context["form"].initial["idempotency_key"]
    bad = {**CONTACT, "phone": "", "email": "", "idempotency_key": key}
    assert client.post("/result/send/", bad).status_code == 400
    assert client.post("/result/send/", bad).status_code == 400
    limited = client.post("/result/send/", {**CONTACT, "idempotency_key": key})
    assert limited.status_code == 429
    assert "Please wait one hour" in limited.content.decode()
    assert Lead.objects.count() == 0


def test_the_rate_limit_counts_each_address_behind_a_proxy(settings) -> None:
    settings.MONELL_PUBLIC_SUBMIT_RATE = "1/h"
    settings.BEHIND_TLS_PROXY = True
    people = []
    for address in ("198.51.100.7", "203.0.113.9"):
        client = Client(HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.0.0.1")
        walk(client)
        people.append(client)
    assert finish(people[0]).status_code == 302
    assert finish(people[1]).status_code == 302  # another person, the same proxy
    assert Lead.objects.count() == 2


def test_review_lists_what_is_still_missing_and_will_not_go_on() -> None:
    client = Client()
    start(client)
    answer(client, "date", SCREENS[1][1])
    response = client.post("/q/review/")
    assert response.status_code == 200  # not the result
    main = _main(response)
    assert 'role="alert"' in main
    assert '<a href="/q/who/?return=review">Please answer this question.</a>' in main
    assert '<a href="/q/place/?return=review">Please pick the state where it happened.</a>' in main
    assert "Please pick at least one thing the officers did." in main
    assert client.get("/result/")["Location"] == "/q/review/"
