"""Optional report sections that need more than the law data (a database, a corpus).

The core assessment is pure; layers around it (precedent search, payouts) add top-level JSON
keys such as `precedents`, `payers`, `comparables` and `pattern_evidence` through this small
registry, and the md/html memo renders each section after the core ones. A section that
cannot run (no database yet) returns None and is left out, never faked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from monell.domain.models import Assessment


@dataclass(frozen=True)
class SectionContext:
    """What a section may use besides the assessment: the database URL, if any."""

    db_url: str | None


@dataclass(frozen=True)
class ReportSection:
    key: str  # the top-level JSON key; part of the output contract
    title: str  # heading in the md/html memo
    build: Callable[[Assessment, SectionContext], Any | None]
    markdown: Callable[[Any], str]
    order: int = 100
    # Raw HTML for the html memo (e.g. an embedded plot); markdown is converted when absent.
    html: Callable[[Any], str] | None = None
    # The optional extra (pyproject.toml) the section needs, named when it is missing.
    extra: str | None = None


_REGISTRY: dict[str, ReportSection] = {}


def register(section: ReportSection) -> ReportSection:
    if section.key in _REGISTRY and _REGISTRY[section.key] is not section:
        raise ValueError(f"report section {section.key!r} registered twice")
    _REGISTRY[section.key] = section
    return section


def registered() -> list[ReportSection]:
    # Importing the layers registers their sections; kept here so the CLI and tests agree.
    from monell.report import section_modules

    section_modules.load_all()
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


OMITTED_KEY = "sections_omitted"


def build_sections(assessment: Assessment, ctx: SectionContext) -> dict[str, Any]:
    """Every section the context supports. A section whose optional extra is not installed
    is left out; when a database was given (so the section could have run) the output says
    which one and the install line under `sections_omitted`, so a lean install never drops
    the precedents without a word."""
    from monell.extras import MODULE_EXTRA, OPTIONAL_MODULES, install_line

    out: dict[str, Any] = {}
    omitted: list[dict[str, str]] = []
    for section in registered():
        try:
            data = section.build(assessment, ctx)
        except ModuleNotFoundError as exc:
            module = (exc.name or "").split(".")[0]
            if module not in OPTIONAL_MODULES:
                raise
            if ctx.db_url:
                extra = section.extra or MODULE_EXTRA.get(module)
                omitted.append(
                    {
                        "section": section.key,
                        "title": section.title,
                        "missing_module": module,
                        "install": install_line(extra) if extra else f"pip install {module}",
                    }
                )
            continue
        if data is not None:
            out[section.key] = data
    if omitted:
        out[OMITTED_KEY] = omitted
    return out


def omitted_markdown(omitted: list[dict[str, str]]) -> str:
    return "\n".join(
        f"- {item['title']}: needs `{item['missing_module']}`, which is not installed "
        f"(`{item['install']}`)."
        for item in omitted
    )
