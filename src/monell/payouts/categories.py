"""Allegation text → categories, by the rules in `category_rules.yaml`.

The categories are the incident model's conduct codes, so a settlement can be matched to an
incident's claims, plus wrongful_death, property, other and unknown. The rules are data so a
lawyer can read, dispute and change them without reading Python; each stored category keeps the
id of the rule that assigned it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from monell.domain.vocabulary import Conduct


class Category(StrEnum):
    EXCESSIVE_FORCE = Conduct.EXCESSIVE_FORCE.value
    FALSE_ARREST = Conduct.FALSE_ARREST.value
    UNLAWFUL_SEARCH = Conduct.UNLAWFUL_SEARCH.value
    MALICIOUS_PROSECUTION = Conduct.MALICIOUS_PROSECUTION.value
    FABRICATION_OF_EVIDENCE = Conduct.FABRICATION_OF_EVIDENCE.value
    FAILURE_TO_INTERVENE = Conduct.FAILURE_TO_INTERVENE.value
    DENIAL_OF_MEDICAL_CARE = Conduct.DENIAL_OF_MEDICAL_CARE.value
    FIRST_AMENDMENT_RETALIATION = Conduct.FIRST_AMENDMENT_RETALIATION.value
    DEADLY_FORCE = Conduct.DEADLY_FORCE.value
    WRONGFUL_DEATH = "wrongful_death"
    PROPERTY = "property"
    OTHER = "other"
    UNKNOWN = "unknown"


TEXT_FIELDS = ("summary_allegations", "matter_name")
OTHER_RULE = "fallback.other"
UNKNOWN_RULE = "fallback.unknown"


class RuleError(ValueError):
    """The rules file is malformed; the message names the rule and the key."""


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    field: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    note: str

    def fires(self, text: str | None) -> bool:
        if not text or not self.pattern.search(text):
            return False
        return self.unless is None or not self.unless.search(text)


def parse_rules(data: Any, where: str = "category_rules.yaml") -> tuple[Rule, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{where}: expected a top-level `rules:` list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["rules"]):
        label = f"{where}: rule #{index + 1}"
        if not isinstance(entry, dict):
            raise RuleError(f"{label}: expected a mapping")
        for key in ("id", "category", "pattern", "note"):
            if not entry.get(key):
                raise RuleError(f"{label}: `{key}` is required")
        if entry["id"] in seen:
            raise RuleError(f"{label}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        try:
            category = Category(entry["category"])
        except ValueError as exc:
            raise RuleError(
                f"{label} ({entry['id']}): unknown category {entry['category']!r}; use one of "
                + ", ".join(c.value for c in Category)
            ) from exc
        field = entry.get("field", "summary_allegations")
        if field not in TEXT_FIELDS:
            raise RuleError(f"{label} ({entry['id']}): field must be one of {TEXT_FIELDS}")
        try:
            pattern = re.compile(entry["pattern"], re.IGNORECASE)
            unless = re.compile(entry["unless"], re.IGNORECASE) if entry.get("unless") else None
        except re.error as exc:
            raise RuleError(f"{label} ({entry['id']}): bad regular expression: {exc}") from exc
        rules.append(Rule(entry["id"], category, field, pattern, unless, entry["note"]))
    return tuple(rules)


@cache
def default_rules() -> tuple[Rule, ...]:
    text = resources.files("monell.payouts").joinpath("category_rules.yaml").read_text("utf-8")
    return parse_rules(yaml.safe_load(text))


class Categoriser:
    """Applies a rule set, remembering the result for each allegation text.

    The files repeat a small vocabulary of headings ("Dispute:General:Police Matters:False
    Arrest" 486 times in Chicago), so a bounded cache of text → categories makes a
    10-million-row import spend its time on I/O rather than regular expressions.
    """

    CACHE_LIMIT = 200_000

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.summary_rules = tuple(r for r in rules if r.field == "summary_allegations")
        self.matter_rules = tuple(r for r in rules if r.field == "matter_name")
        self._cache: dict[str | None, tuple[tuple[Category, str], ...]] = {}

    def _summary(self, text: str | None) -> tuple[tuple[Category, str], ...]:
        hit = self._cache.get(text)
        if hit is None:
            found: dict[Category, str] = {}
            for rule in self.summary_rules:
                if rule.category not in found and rule.fires(text):
                    found[rule.category] = rule.id
            hit = tuple(found.items())
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = hit
        return hit

    def __call__(
        self, summary_allegations: str | None, matter_name: str | None
    ) -> dict[Category, str]:
        found = dict(self._summary(summary_allegations))
        if matter_name:
            for rule in self.matter_rules:
                if rule.category not in found and rule.fires(matter_name):
                    found[rule.category] = rule.id
        if not found:
            if summary_allegations and summary_allegations.strip():
                found[Category.OTHER] = OTHER_RULE
            else:
                found[Category.UNKNOWN] = UNKNOWN_RULE
        return found


@cache
def default_categoriser() -> Categoriser:
    return Categoriser(default_rules())


def categorise(
    summary_allegations: str | None,
    matter_name: str | None = None,
    rules: tuple[Rule, ...] | None = None,
) -> dict[Category, str]:
    """Category → id of the rule that assigned it (multi-label; `other` / `unknown` if none)."""
    categoriser = default_categoriser() if rules is None else Categoriser(rules)
    return categoriser(summary_allegations, matter_name)
