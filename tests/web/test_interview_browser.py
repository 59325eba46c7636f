"""The person's side in a real browser (Debian's Chromium through Playwright, 375 px wide):
a person completes the interview in English, another in Spanish, and each sends a request;
someone completes it with the keyboard alone; axe-core finds no serious or critical WCAG
violation on any public page; touch targets are at least 44 px and nothing scrolls
sideways; an error takes focus and is announced."""

# The tests take the suite's `browser` and `page` fixtures (tests/conftest.py): one Chromium
# for every browser test, as Playwright's sync API allows one instance per thread.
from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from monell.web.cases.models import Lead
from tests.web.browser import assert_no_overflow, axe_violations
from tests.web.interview_flow import CONTACT, SCREENS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Controls smaller than this (CSS px) are hard to hit with a thumb.
MIN_TARGET = 44
TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a, button, select, textarea, input, label.choice')) {
    // a radio's or checkbox's target is its label.choice; the skip link is off screen
    if (el.matches('input[type=radio], input[type=checkbox], input[type=hidden], .skip')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const name = el.id || el.textContent.trim().slice(0, 30);
    if (r.height < MIN) small.push(`${el.tagName}#${name}: ${Math.round(r.height)}px`);
  }
  return small;
}""".replace("MIN", str(MIN_TARGET))


@pytest.fixture(autouse=True)
def cache_table(transactional_db: None) -> None:
    call_command("createcachetable", verbosity=0)


def check_page(tab: Any, seen: dict[str, list[str]]) -> None:
    """axe-core, target sizes and width on the page as it is now."""
    where = tab.url.split("//", 1)[1].split("/", 1)[1]
    assert axe_violations(tab) == [], where
    assert tab.evaluate(TARGETS) == [], where
    assert_no_overflow(tab)
    seen.setdefault(where, [])


def fill_screen(tab: Any, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if isinstance(value, list):
            for v in value:
                tab.locator(f'input[name="{name}"][value="{v}"]').check()
            continue
        field = tab.locator(f'[name="{name}"]')
        kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind == "INPUT:radio":
            tab.locator(f'input[name="{name}"][value="{value}"]').check()
        elif kind.startswith("SELECT"):
            field.select_option(value)
        else:
            field.fill(value)


def complete_interview(tab: Any, base: str, seen: dict[str, list[str]]) -> None:
    for slug, data in SCREENS:
        tab.wait_for_url(f"{base}/q/{slug}/")
        check_page(tab, seen)
        fill_screen(tab, data)
        tab.locator('button[value="next"]').click()
    tab.wait_for_url(f"{base}/q/review/")
    check_page(tab, seen)


def send_request(tab: Any, base: str, seen: dict[str, list[str]], language: str) -> str:
    tab.locator('form[action="/q/review/"] button[type=submit]').click()
    tab.wait_for_url(f"{base}/result/")
    check_page(tab, seen)
    tab.locator("#id_name").fill(CONTACT["name"])
    tab.locator("#id_phone").fill(CONTACT["phone"])
    tab.locator(f'input[name="language"][value="{language}"]').check()
    tab.locator("#id_consent_privacy").check()
    tab.locator("#id_consent_no_relationship").check()
    tab.locator('form[action="/result/send/"] button[type=submit]').click()
    tab.wait_for_url(f"{base}/thanks/")
    check_page(tab, seen)
    return str(tab.locator(".reference").inner_text()).strip()


def test_a_person_completes_the_interview_on_a_phone_in_english(
    live_server: Any, page: Any
) -> None:
    base, seen = live_server.url, {}
    page.goto(base + "/")
    check_page(page, seen)
    assert page.get_by_role("heading", name="Were you hurt by the police?").is_visible()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{base}/q/who/")
    # An error: shown beside the field, announced (role=alert) and focused.
    page.locator('button[value="next"]').click()
    page.wait_for_url(f"{base}/q/who/")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_by_role("alert").inner_text().strip().endswith("Please answer this question.")
    check_page(page, seen)
    complete_interview(page, base, seen)
    reference = send_request(page, base, seen, "en")
    lead = Lead.objects.get()
    assert reference == lead.reference and lead.language == "en"
    # § 1983 until 2030-06-01 (the date `monell assess` prints); the queue keys on the state
    # counts' earlier open reading, 2027-06-01 (§ 516.140 with the § 516.170 minority tolling)
    assert lead.assessment["deadlines"][0]["deadline"] == "2030-06-01"
    assert str(lead.earliest_deadline) == "2027-06-01"
    for path in ("/privacy/", "/glossary/"):
        page.goto(base + path)
        check_page(page, seen)


def test_a_person_completes_the_interview_in_spanish(live_server: Any, page: Any) -> None:
    base, seen = live_server.url, {}
    page.goto(base + "/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("button", name="Empezar").click()
    page.wait_for_url(f"{base}/q/who/")
    assert page.get_by_role("heading", name="¿Quién llena este formulario?").is_visible()
    # A wrong date in Spanish, then the switch to English and back keeps what was saved.
    fill_screen(page, SCREENS[0][1])
    page.locator('button[value="next"]').click()
    page.wait_for_url(f"{base}/q/date/")
    fill_screen(
        page, {"incident_date_day": "30", "incident_date_month": "2", "incident_date_year": "2021"}
    )
    page.locator('button[value="next"]').click()
    assert "Esa no es una fecha real." in page.get_by_role("alert").inner_text()
    check_page(page, seen)
    page.goto(f"{base}/q/who/")
    complete_interview(page, base, seen)
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base}/q/review/")
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    assert page.get_by_text("City or town police").is_visible()
    page.get_by_role("button", name="Español").click()
    page.wait_for_url(f"{base}/q/review/")
    reference = send_request(page, base, seen, "es")
    assert page.get_by_role("heading", name="Recibimos su pedido").is_visible()
    assert reference == Lead.objects.get().reference
    for path in ("/privacy/", "/glossary/", "/save/"):
        page.goto(base + path)
        check_page(page, seen)


def _tab_to(tab: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the element is focused (keyboard only; no clicks)."""
    for _ in range(limit):
        if tab.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {tab.url}")


def _keyboard_screen(tab: Any, data: dict[str, Any]) -> None:
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            selector = f'[name="{name}"]'
            kind = tab.locator(selector).first.evaluate("e => e.tagName + ':' + (e.type || '')")
            if kind in ("INPUT:radio", "INPUT:checkbox"):
                target = f'input[name="{name}"][value="{v}"]'
                if kind == "INPUT:radio":
                    _tab_to(tab, f'input[name="{name}"]')
                    # Arrow keys move through a radio group until the wanted one is checked.
                    for _ in range(12):
                        if tab.locator(target).is_checked():
                            break
                        tab.keyboard.press("ArrowDown")
                    assert tab.locator(target).is_checked()
                else:
                    _tab_to(tab, target)
                    tab.keyboard.press("Space")
            elif kind.startswith("SELECT"):
                _tab_to(tab, selector)
                label = tab.locator(f'{selector} option[value="{v}"]').inner_text()
                tab.keyboard.type(label)  # typing picks the option in a focused select
                assert tab.locator(selector).input_value() == v
            elif v:
                _tab_to(tab, selector)
                tab.keyboard.type(v)
    _tab_to(tab, 'button[value="next"]')
    tab.keyboard.press("Enter")


def test_keyboard_only_completion(live_server: Any, page: Any) -> None:
    base = live_server.url
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # the first stop
    _tab_to(page, 'form[action="/start/"] button')
    page.keyboard.press("Enter")
    for slug, data in SCREENS:
        page.wait_for_url(f"{base}/q/{slug}/")
        _keyboard_screen(page, data)
    page.wait_for_url(f"{base}/q/review/")
    _tab_to(page, 'form[action="/q/review/"] button')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/result/")
    for selector, text in (("#id_name", CONTACT["name"]), ("#id_email", CONTACT["email"])):
        _tab_to(page, selector)
        page.keyboard.type(text)
    for box in ("#id_consent_privacy", "#id_consent_no_relationship"):
        _tab_to(page, box)
        page.keyboard.press("Space")
    _tab_to(page, 'form[action="/result/send/"] button[type=submit]')
    # The focused control is visibly marked (a 3 px outline).
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/thanks/")
    assert page.locator(".reference").inner_text().strip() == Lead.objects.get().reference


def test_the_expired_link_page_is_accessible(live_server: Any, page: Any) -> None:
    page.goto(live_server.url + "/r/" + "x" * 32)
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate(TARGETS) == []


def test_everything_works_with_javascript_off(live_server: Any, browser: Any) -> None:
    """Server-rendered forms only: the whole interview and the request with scripts off."""
    from tests.web.browser import PHONE

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    tab = context.new_page()
    try:
        base = live_server.url
        tab.goto(base + "/")
        tab.locator('form[action="/start/"] button').click()
        for slug, data in SCREENS:
            tab.wait_for_url(f"{base}/q/{slug}/")
            fill_screen(tab, data)
            tab.locator('button[value="next"]').click()
        tab.wait_for_url(f"{base}/q/review/")
        tab.locator('form[action="/q/review/"] button[type=submit]').click()
        tab.wait_for_url(f"{base}/result/")
        tab.locator("#id_name").fill(CONTACT["name"])
        tab.locator("#id_email").fill(CONTACT["email"])
        tab.locator("#id_consent_privacy").check()
        tab.locator("#id_consent_no_relationship").check()
        tab.locator('form[action="/result/send/"] button[type=submit]').click()
        tab.wait_for_url(f"{base}/thanks/")
        assert tab.locator(".reference").inner_text().strip() == Lead.objects.get().reference
    finally:
        context.close()
