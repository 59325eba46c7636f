"""The html memo on a phone (375 px) in headless Chromium: nothing is wider than the screen,
and a stacked table row still says what each value is."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from monell.app.assessment import assess_incident, incident_from_data, render
from monell.payouts.importer import import_files
from monell.storage.database import make_engine, migrate
from tests.web.browser import PHONE, needs_browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "st_louis_excessive_force.yaml"
SETTLEMENTS = [
    ROOT / "data" / "settlements" / "st_louis_mo" / "stlouis_edited.csv",
    ROOT / "tests" / "exposure" / "fixtures" / "settlements_small.csv",
]
LONG = "X" * 140  # one unbreakable word, as pasted docket numbers and URLs are

pytestmark = needs_browser


@pytest.fixture
def chromium(browser: Any) -> Any:
    """The suite's one Chromium (tests/web/browser.py): Playwright's sync API allows one
    running instance per thread, so every browser test shares it."""
    return browser


def _memo(tmp: Path, db_url: str | None = None, **changes: Any) -> Path:
    data = copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    data.update(changes)
    incident = incident_from_data(data, today=dt.date(2024, 1, 10))
    out = tmp / "memo.html"
    out.write_text(render(assess_incident(incident, db_url), "html"), encoding="utf-8")
    return out


def _measure(chromium: Any, page_file: Path) -> dict[str, Any]:
    context = chromium.new_context(viewport=PHONE)  # the page's own CSP stays in force
    try:
        tab = context.new_page()
        tab.goto(page_file.as_uri())
        return tab.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                client: document.documentElement.clientWidth,
                tables: [...document.querySelectorAll('table')]
                    .map(t => t.getBoundingClientRect().right),
                widest: Math.max(...[...document.body.querySelectorAll('*')]
                    .map(e => e.getBoundingClientRect().right)),
                labels: [...document.querySelectorAll('td[data-label]')].slice(0, 3)
                    .map(td => getComputedStyle(td, '::before').content),
                cells: document.querySelectorAll('td').length,
                labelled: document.querySelectorAll('td[data-label]').length,
            })"""
        )
    finally:
        context.close()


def _assert_fits(m: dict[str, Any]) -> None:
    assert m["client"] == PHONE["width"]
    assert m["scroll"] <= m["client"], f"page scrolls sideways: {m['scroll']}px on a 375px screen"
    assert m["tables"], "the memo has tables"
    assert max(m["tables"]) <= m["client"]
    assert m["widest"] <= m["client"] + 0.5
    # every cell carries its column's name, and the phone layout shows it before the value
    assert m["labelled"] == m["cells"] > 0
    assert all(label not in ("none", "normal", "") for label in m["labels"]), m["labels"]


def test_the_example_memo_fits_a_phone(chromium: Any, tmp_path: Path) -> None:
    _assert_fits(_measure(chromium, _memo(tmp_path)))


def test_memo_with_payers_comparables_and_charts_fits_a_phone(
    chromium: Any, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'payouts.sqlite3'}"
    engine = make_engine(db_url)
    migrate(engine)
    import_files(engine, SETTLEMENTS)
    engine.dispose()
    page = _memo(tmp_path, db_url)
    html = page.read_text(encoding="utf-8")
    assert "monell-comparables" in html and "monell-payers" in html
    _assert_fits(_measure(chromium, page))


def test_long_unbroken_words_wrap_on_a_phone(chromium: Any, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    agency = {**data["agency"], "name": f"Police {LONG}"}
    page = _memo(tmp_path, agency=agency)
    assert LONG in page.read_text(encoding="utf-8")
    _assert_fits(_measure(chromium, page))


def test_the_desktop_layout_keeps_real_tables(chromium: Any, tmp_path: Path) -> None:
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(_memo(tmp_path).as_uri())
        display = tab.evaluate("getComputedStyle(document.querySelector('td')).display")
        header = tab.evaluate("getComputedStyle(document.querySelector('thead tr')).position")
    finally:
        context.close()
    assert display == "table-cell"
    assert header == "static"
