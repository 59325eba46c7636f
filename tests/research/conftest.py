"""Shared fixtures for the research tests: the shared opinion sample and the label file."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_OPINIONS = REPO.parent / "shared" / "data" / "opinions"
LABELS = REPO / "data" / "labels" / "qi_labels.jsonl"


@pytest.fixture(scope="session")
def shared_opinions() -> Path:
    if not SHARED_OPINIONS.exists():
        pytest.fail(f"{SHARED_OPINIONS} is missing: CI runs with ../shared beside the repo")
    return SHARED_OPINIONS
