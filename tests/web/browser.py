"""Real-browser fixtures: Debian's Chromium driven by Playwright (never a downloaded
browser), and axe-core's accessibility check of a page (scripts/test_assets.sh fetches it).

The fixtures are registered once, in tests/conftest.py: never import them into a test module
(a second registration would start a second Playwright, which its sync API refuses).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = next(iter(sorted((ROOT / ".venv" / "test-assets").glob("axe-*/axe.min.js"))), None)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (scripts/system_deps.sh installs it)"
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium not installed (scripts/system_deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # plain synchronous code between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized page (375 px); CSP is bypassed only so that axe can be injected."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations of the given impacts on the page as it is now."""
    if AXE is None:
        pytest.skip("axe-core not fetched (scripts/test_assets.sh needs npm)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_no_overflow(page: Any) -> None:
    """Nothing wider than the screen: the page never scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide on a phone"
