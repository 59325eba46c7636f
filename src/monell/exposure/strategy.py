"""What the payer means for strategy: sourced notes from `exposure/data/payer_strategy.yaml`.

The notes are research findings, each with its citation and confidence; a note is shown when
its `applies_when` names one of the payer kinds found (or `always`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

from monell.domain.vocabulary import Confidence
from monell.exposure.models import PayerKind, StrategyNote

DATA_PACKAGE = "monell.exposure.data"
STRATEGY_FILE = "payer_strategy.yaml"
APPLIES = {"always", *(k.value for k in PayerKind)}


class StrategyDataError(ValueError):
    """`payer_strategy.yaml` is malformed; the message names the note and field."""


def parse_notes(raw: Any) -> tuple[StrategyNote, ...]:
    if not isinstance(raw, dict) or not isinstance(raw.get("notes"), list):
        raise StrategyDataError(f"{STRATEGY_FILE}: expected a mapping with a 'notes' list")
    notes: list[StrategyNote] = []
    for n, item in enumerate(raw["notes"], start=1):
        where = f"{STRATEGY_FILE}: note {n}"
        if not isinstance(item, dict):
            raise StrategyDataError(f"{where}: expected a mapping")
        for key in ("id", "topic", "applies_when", "finding", "implication", "sources",
                    "confidence"):  # fmt: skip
            if not item.get(key):
                raise StrategyDataError(f"{where} ({item.get('id')}): {key!r} is missing")
        bad = set(item["applies_when"]) - APPLIES
        if bad:
            raise StrategyDataError(f"{where} ({item['id']}): applies_when {sorted(bad)} unknown")
        try:
            confidence = Confidence(item["confidence"])
        except ValueError:
            raise StrategyDataError(
                f"{where} ({item['id']}): confidence {item['confidence']!r} is not one of "
                f"{', '.join(c.value for c in Confidence)}"
            ) from None
        if confidence is Confidence.UNVERIFIED and not item.get("check"):
            raise StrategyDataError(f"{where} ({item['id']}): an unverified note needs 'check'")
        if (
            confidence is not Confidence.UNVERIFIED
            and not item.get("citation")
            and len(item["sources"]) < 1
        ):
            raise StrategyDataError(f"{where} ({item['id']}): needs a citation or a source")
        notes.append(
            StrategyNote(
                id=item["id"],
                topic=item["topic"],
                applies_when=tuple(item["applies_when"]),
                finding=" ".join(item["finding"].split()),
                implication=" ".join(item["implication"].split()),
                citation=item.get("citation") or "",
                sources=tuple(item["sources"]),
                confidence=confidence,
                check=item.get("check") or "",
            )
        )
    return tuple(notes)


@cache
def load_notes() -> tuple[StrategyNote, ...]:
    text = resources.files(DATA_PACKAGE).joinpath(STRATEGY_FILE).read_text(encoding="utf-8")
    return parse_notes(yaml.safe_load(text))


def notes_for(payer_kinds: Iterable[str]) -> tuple[StrategyNote, ...]:
    kinds = set(payer_kinds) | {"always"}
    return tuple(n for n in load_notes() if kinds & set(n.applies_when))
