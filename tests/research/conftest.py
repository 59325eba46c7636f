"""Shared fixtures for the research tests: the shared opinion sample, the label file, and a
small BM25-only index with a citation graph."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pytest

from monell.research.documents import ResearchDocument
from monell.research.index import PrecedentIndex, build_index


class HashingEncoder:
    """Bag-of-words hashing vectors: a stand-in that makes the *filter* tests independent of
    the real model (whose semantics are tested in test_precedents_cli.py)."""

    name = "test-hashing-encoder"
    dim = 64

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


Opinion = tuple[int, str, dt.date | None, str]  # id, court, date filed, text

REPO = Path(__file__).resolve().parents[2]
SHARED_OPINIONS = REPO.parent / "shared" / "data" / "opinions"
LABELS = REPO / "data" / "labels" / "qi_labels.jsonl"


@pytest.fixture(scope="session")
def shared_opinions() -> Path:
    if not SHARED_OPINIONS.exists():
        pytest.fail(f"{SHARED_OPINIONS} is missing: CI runs with ../shared beside the repo")
    return SHARED_OPINIONS


def graph_index(
    directory: Path, opinions: Iterable[Opinion], cites: Mapping[int, Iterable[int]] | None = None
) -> PrecedentIndex:
    """A BM25-only index of `opinions` ("Case <id>", published) with citation graph `cites`."""
    docs = [ResearchDocument(i, f"Case {i}", c, d, "Published", (), t) for i, c, d, t in opinions]
    build_index(directory, docs, None, fingerprint="t", cites=cites)
    return PrecedentIndex(directory)


def sample_text(folder: Path, file: str, case_name: str) -> str:
    """The text of the court's opinion (not a concurrence or dissent) named `case_name` in
    one shared sample file."""
    import json

    with (folder / file).open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["case_name"] == case_name and rec.get("opinion_type") in (None, "Opinion"):
                return str(rec["text"])
    raise AssertionError(f"{case_name} is not in {file}")
