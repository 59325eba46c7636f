"""Free text reaches the memo as text, never as markup (hardening issue: a newline in an
officer's name wrote a fake "## In plain words" section; markdown image syntax in the agency
name became an external <img> in the html memo). The public web intake feeds these fields, so
this is the wall between a hostile answer and the pages staff read."""

from __future__ import annotations

import datetime as dt
import html
import re

from hypothesis import given
from hypothesis import strategies as st

from monell.domain.assess import assess
from monell.domain.incident import parse_incident
from monell.report.html import render_html
from monell.report.markdown import render_markdown
from monell.report.text import markdown_to_html, md_fence, md_text
from tests.core.factories import incident_data

HOSTILE_NAME = "A. Doe\n\n## In plain words\n\n- You will win $1,000,000.\n"
HOSTILE_AGENCY = "Police ![x](https://evil.example/track.png) <script>alert(1)</script>"
HOSTILE_CITY = "[click](javascript:alert(1)) <https://evil.example/> &lt;b&gt;"


def hostile_assessment():  # type: ignore[no-untyped-def]
    data = incident_data(
        officers=[{"name": HOSTILE_NAME, "badge": "12|34`"}],
        agency={"name": HOSTILE_AGENCY, "kind": "municipal_police"},
        city=HOSTILE_CITY,
        narrative="# Heading\n> quote\n1. list\n<img src=x onerror=alert(1)>",
    )
    return assess(parse_incident(data, today=dt.date(2024, 1, 10)))


def test_newline_in_a_name_opens_no_section() -> None:
    memo = render_markdown(hostile_assessment())
    headings = [line for line in memo.splitlines() if line.startswith("#")]
    assert headings.count("## In plain words") == 1
    assert not any("You will win" in h for h in headings)
    assert not any(line.startswith("- You will win") for line in memo.splitlines())


def test_html_memo_has_no_markup_from_free_text() -> None:
    page = render_html(hostile_assessment())
    lowered = page.lower()
    assert "<img" not in lowered
    assert "<script" not in lowered
    assert "<a " not in lowered
    assert "evil.example/track.png" in html.unescape(page)  # shown as text, not dropped
    assert 'src="https' not in lowered and "href=" not in lowered
    # only the headings Monell writes itself
    assert page.count("<h2>In plain words</h2>") == 1


@given(st.text())
def test_md_text_renders_exactly_as_the_text(value: str) -> None:
    """Whatever the text, one paragraph comes out whose visible text is the text itself
    (controls and runs of whitespace become one space)."""
    rendered = markdown_to_html("x " + md_text(value))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    inner = rendered[3:-5]
    assert "<" not in inner  # no element of any kind
    expected = re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", value))
    assert html.unescape(inner) == ("x " + expected.strip()).strip()


@given(st.text())
def test_md_fence_cannot_be_closed_from_inside(value: str) -> None:
    rendered = markdown_to_html(md_fence(value))
    assert rendered.count("<pre>") == 1 and rendered.count("</pre>") == 1
    assert rendered.startswith("<pre><code")


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_md_text_at_the_start_of_a_list_item_stays_text(value: str) -> None:
    """Summary lines are list items: a value that starts with '#', '>', '-', '1.' must not
    become a heading, quote or nested list inside the item."""
    rendered = markdown_to_html("- " + md_text(value))
    assert rendered.startswith("<ul>\n<li>") and rendered.endswith("</li>\n</ul>\n")
    inner = rendered[len("<ul>\n<li>") : -len("</li>\n</ul>\n")]
    assert "<" not in inner
