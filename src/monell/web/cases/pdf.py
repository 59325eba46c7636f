"""HTML to PDF with WeasyPrint, fetching nothing from outside: only data: URIs (the memo's
charts) are allowed, so a hostile value can never make the server request a URL."""

from __future__ import annotations

from typing import Any


def _no_network(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)  # type: ignore[no-any-return]
    raise ValueError(f"refusing to fetch {url[:60]!r} while making a PDF")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_network, base_url=None).write_pdf()  # type: ignore[no-any-return]
