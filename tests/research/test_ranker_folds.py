"""The quality benchmark's cross-validation never lets a model see the queries it ranks, and
its forward figure never trains on later opinions than the ones ranked."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.research.rerank import FEATURES

REPO = Path(__file__).resolve().parents[2]
N = 120  # queries: the first date fold alone (24) is enough to train the forward model on


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        yield importlib.import_module("precedent_search")
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def rows_and_dates(n: int) -> tuple[list[Any], list[dt.date]]:
    """n queries of 10 candidates; column 0 carries the query's number, so a spy on `fit` can
    tell which queries a model was trained on. Candidate 0 of each query is the cited one."""
    rows, dates = [], []
    for q in range(n):
        features = np.zeros((10, len(FEATURES)))
        features[:, 0] = q
        features[0, 1] = 1.0
        rows.append((list(range(q * 10, q * 10 + 10)), features, {q * 10}))
        dates.append(dt.date(1990, 1, 1) + dt.timedelta(days=(q * 7919) % 3000))
    return rows, dates


@given(st.lists(st.integers(0, 40), min_size=5, max_size=60))
def test_date_folds_are_consecutive_and_keep_a_day_together(days: list[int]) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        bench = importlib.import_module("precedent_search")
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    dates = [dt.date(2000, 1, 1) + dt.timedelta(days=d) for d in days]
    folds = bench.date_folds(dates)
    assert set(folds) <= set(range(bench.FOLDS))
    for a in range(len(dates)):
        for b in range(len(dates)):
            if dates[a] < dates[b]:
                assert folds[a] <= folds[b]  # later opinions never in an earlier fold
            if dates[a] == dates[b]:
                assert folds[a] == folds[b]  # one day, one fold


def test_no_fold_is_ranked_by_a_model_trained_on_it(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, dates = rows_and_dates(N)
    folds = bench.date_folds(dates)
    trained_on: list[set[int]] = []

    def spy(features: np.ndarray, labels: np.ndarray, provenance: dict[str, Any]) -> Any:
        """Records the queries trained on; returns a one-split model (column 1 > 0.5)."""
        trained_on.append({int(q) for q in features[:, 0]})
        return {
            "features": list(FEATURES),
            "baseline": 0.0,
            "trees": [
                {
                    "feature": [1, 0, 0],
                    "threshold": [0.5, 0.0, 0.0],
                    "left": [1, 0, 0],
                    "right": [2, 0, 0],
                    "leaf": [False, True, True],
                    "value": [0.0, -1.0, 1.0],
                }
            ],
            "provenance": provenance,
        }

    monkeypatch.setattr(bench, "fit", spy)
    result = bench.cross_validated(rows, folds)
    assert result is not None and len(result[0]) == N
    assert len(trained_on) == bench.FOLDS
    for fold, seen in enumerate(trained_on):
        held_out = {q for q in range(N) if folds[q] == fold}
        assert held_out and not seen & held_out
        assert seen | held_out == set(range(N))
    trained_on.clear()
    ahead = bench.forward(rows, folds)
    assert ahead is not None and set(ahead) == {q for q in range(N) if folds[q] > 0}
    assert all(v == (1.0, 1.0) for v in ahead.values())  # the spy's model finds each answer
    for fold, seen in enumerate(trained_on, start=1):
        assert seen == {q for q in range(N) if folds[q] < fold}
        latest_seen = max(dates[q] for q in seen)
        assert all(latest_seen < dates[q] for q in range(N) if folds[q] == fold)


def test_too_few_queries_are_not_cross_validated(bench: ModuleType) -> None:
    rows, dates = rows_and_dates(12)
    assert bench.cross_validated(rows, bench.date_folds(dates)) is None
