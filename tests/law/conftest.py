"""Fixtures for the law-data tests: the data files as text and rows, and the shared sample.

The data files are the reviewed source of every legal rule Monell applies; these tests read
them as plain CSV (not through the loader) so that a formatting slip the loader would
tolerate still fails here.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import monell.law.data

DATA = Path(monell.law.data.__file__).resolve().parent
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"

# Evidence from the bundled opinion sample is written in a row's `sources` as
#   sample:<file>#<record id> «verbatim quote»
# so that a test can check the quote against the record (docs/law-data.md).
SAMPLE_QUOTE = re.compile(r"sample:(?P<file>[\w.]+\.jsonl)#(?P<record>[\w-]+) «(?P<quote>[^»]*)»")

# Column contract shared with src/monell/law/book.py, and the key each file is sorted by.
CONTRACT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "authorities.csv": (
        (
            "key",
            "kind",
            "name",
            "citation",
            "year",
            "decided",
            "court",
            "topic",
            "proposition",
            "confidence",
            "sources",
        ),
        ("key",),
    ),
    "limitations.csv": (
        (
            "state",
            "years",
            "statute",
            "accrued_from",
            "accrued_until",
            "confidence",
            "sources",
            "notes",
        ),
        ("state", "accrued_from"),
    ),
    "tolling.csv": (
        ("state", "kind", "age", "statute", "rule", "confidence", "sources"),
        ("state", "kind"),
    ),
    "suable_entities.csv": (
        (
            "scope",
            "entity",
            "suable",
            "authority",
            "right_defendant",
            "confidence",
            "sources",
            "notes",
        ),
        ("scope", "entity"),
    ),
    "courts.csv": (
        (
            "state",
            "state_name",
            "circuit",
            "circuit_name",
            "districts",
            "high_court",
            "high_court_name",
            "confidence",
            "sources",
        ),
        ("state",),
    ),
}


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def normalize(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Record:
    file: str
    id: str
    case_name: str
    date_filed: str | None
    citations: tuple[str, ...]
    text: str  # whitespace-normalized

    @property
    def court_is_scotus(self) -> bool:
        return self.file.startswith("scotus")


def _records(opinions: Path) -> Iterator[Record]:
    for path in sorted(opinions.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                raw = json.loads(line)
                yield Record(
                    file=path.name,
                    id=raw["id"],
                    case_name=raw["case_name"] or "",
                    date_filed=raw["date_filed"],
                    citations=tuple(raw["citations"]),
                    text=normalize(raw["text"]),
                )


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: CI runs with ../shared beside the repo")
    return SHARED


@pytest.fixture(scope="session")
def sample(shared: Path) -> dict[tuple[str, str], Record]:
    return {(r.file, r.id): r for r in _records(shared / "opinions")}
