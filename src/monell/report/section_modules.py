"""The modules that register report sections (one line per layer that adds one)."""

from __future__ import annotations

import importlib

SECTION_MODULES: tuple[str, ...] = ("monell.exposure.sections", "monell.research.section")


def load_all() -> None:
    for name in SECTION_MODULES:
        importlib.import_module(name)
