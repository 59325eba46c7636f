"""The words of the public pages that are data: the interview's questions and choices, the
plain error messages, the glossary and the result page's phrases, each in English and
Spanish (data/*.yaml). Page furniture (buttons, headings of the consultation form, e-mails)
is in the Django translation catalogue (locale/es/LC_MESSAGES/django.po)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data"
LANGS = ("en", "es")


@cache
def load(name: str) -> dict[str, Any]:
    with open(DATA / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)  # type: ignore[no-any-return]


def lang(language: str | None = None) -> str:
    """'es' for any Spanish, else 'en'."""
    code = (language or get_language() or "en").lower()
    return "es" if code.startswith("es") else "en"


def pick(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text in the language (English when a translation is missing)."""
    if not texts:
        return ""
    return texts.get(lang(language)) or texts.get("en", "")


def glossary(language: str | None = None) -> list[dict[str, str]]:
    return [
        {
            "id": key,
            "term": pick_field(entry, "term", language),
            "definition": pick_field(entry, "definition", language),
        }
        for key, entry in load("glossary")["terms"].items()
    ]


def pick_field(entry: dict[str, dict[str, str]], field: str, language: str | None) -> str:
    chosen = entry.get(lang(language)) or entry["en"]
    return chosen[field]


def state_choices(language: str | None = None) -> list[tuple[str, str]]:
    states = load("states")["states"]
    return sorted(
        ((code, pick(names, language)) for code, names in states.items()), key=lambda c: c[1]
    )
