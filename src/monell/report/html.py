"""The memo as a standalone HTML page (no external assets, prints cleanly).

The markdown memo is the single source of the text; markdown-it-py converts it with raw HTML
disabled, and every free-text value is escaped as text before it reaches the markdown
(monell.report.text), so nothing from an incident's free text can inject markup. Sections that bring
their own HTML (plots as data URIs) are inserted as they built it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from monell.domain.models import Assessment
from monell.report.markdown import render_markdown
from monell.report.sections import registered
from monell.report.text import markdown_to_html


def memo_fragment(assessment: Assessment, sections: dict[str, Any] | None = None) -> Markup:
    """The memo's content as html without the page around it, for pages that frame it (the
    web app's lead page). Same text as the standalone page: both come from the markdown."""
    body, extra = _memo_parts(assessment, sections or {})
    parts = [str(body)]
    for title, html in extra:
        parts.append(f"<section><h3>{escape(title)}</h3>{html}</section>")
    return Markup("\n".join(parts))


def _memo_parts(
    assessment: Assessment, sections: dict[str, Any]
) -> tuple[Markup, list[tuple[str, Markup]]]:
    md_sections = {
        k: v
        for k, v in sections.items()
        if not any(s.key == k and s.html is not None for s in registered())
    }
    body = Markup(markdown_to_html(render_markdown(assessment, md_sections)))
    extra = [
        (s.title, Markup(s.html(sections[s.key])))
        for s in registered()
        if s.html is not None and s.key in sections
    ]
    return body, extra


def render_html(assessment: Assessment, sections: dict[str, Any] | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape  # imported when used

    body, extra = _memo_parts(assessment, sections or {})
    env = Environment(
        loader=PackageLoader("monell.report", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    return env.get_template("memo.html").render(
        title=f"§ 1983 assessment: {assessment.incident.agency.name}",
        body=body,
        extra_sections=extra,
    )
