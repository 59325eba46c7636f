"""Free text into the memo as text, never as markup.

Names, places, narratives and case names come from people (the web intake is public) and from
other people's files (settlement spreadsheets, court opinions). The markdown memo is also the
source of the html memo and of the PDF, so a newline in an officer's name must not open a
section, and `![x](https://…)` in an agency name must not become an `<img>` that fetches from
the internet. Every interpolated value goes through `md_text` (inline) or `md_fence` (a literal
block); the html conversion itself refuses raw html, images and links as a second wall.
"""

from __future__ import annotations

import re
from typing import Any

# Line and paragraph separators of every kind (C0/C1 controls, NEL, LS, PS) and other
# non-printing controls: any of them could start a new markdown block.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
# Inside a fence only line breaks keep their meaning; other controls become spaces.
_FENCE_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Inline markup: escapes, code, emphasis, links/images, autolinks/html, entities, table cells.
_INLINE = re.compile(r"([\\`*_\[\]<>&|!~])")
# Block markers that matter at the start of a value placed at the start of a line or list
# item: headings, quotes, list bullets, setext underlines, ordered-list numbers.
_LEADING_MARKER = re.compile(r"^([#>+\-=]|\d{1,9}[.)])")


def md_text(value: object) -> str:
    """One line of inline markdown that renders exactly as the given text."""
    text = _BREAKS.sub(" ", str(value))
    text = _SPACES.sub(" ", text).strip()
    text = _INLINE.sub(r"\\\1", text)
    match = _LEADING_MARKER.match(text)
    if match:
        marker = match.group(1)
        text = (
            marker[:-1] + "\\" + marker[-1] + text[len(marker) :]
            if marker[-1] in ".)"
            else "\\" + text
        )
    return text


def md_fence(text: str, info: str = "text") -> str:
    """A fenced code block that no run of backticks inside `text` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = _FENCE_CONTROLS.sub(" ", text.replace("\r\n", "\n"))
    return f"{fence}{info}\n{body}\n{fence}"


def markdown_to_html(markdown: str) -> str:
    """CommonMark with tables; raw html, images and links are off, so the memo's html holds
    only markup Monell wrote itself and fetches nothing from outside."""
    from markdown_it import MarkdownIt  # only the html memo needs it: imported when used

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.disable(["image", "link", "autolink", "html_inline", "html_block"])
    env: dict[str, object] = {}
    tokens = md.parse(markdown, env)
    label_table_cells(tokens)
    return str(md.renderer.render(tokens, md.options, env))


def label_table_cells(tokens: list[Any]) -> None:
    """Give every table cell its column's header as `data-label`, so that on a phone, where
    the memo's CSS stacks each row into a card, every value still says what it is. The label
    is plain text (markdown-it escapes attribute values)."""
    headers: list[str] = []
    column = 0
    in_head = False
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            headers = []
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            column = 0
        elif token.type == "th_open" and in_head:
            inline = tokens[i + 1] if i + 1 < len(tokens) else None
            headers.append(_plain_text(inline))
        elif token.type == "td_open":
            if column < len(headers) and headers[column]:
                token.attrSet("data-label", headers[column])
            column += 1


def _plain_text(inline: Any) -> str:
    if inline is None or inline.type != "inline":
        return ""
    return "".join(
        child.content for child in (inline.children or []) if child.type in ("text", "code_inline")
    ).strip()
