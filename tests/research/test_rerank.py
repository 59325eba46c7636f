"""The learned ranker: its file scores exactly as scikit-learn's model does, it only reorders
the fused candidates, and every feature it reads is known before the incident date."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monell.research.index import PrecedentIndex
from monell.research.rerank import (
    FEATURES,
    RANKER_PATH,
    RankerFileError,
    TreeEnsemble,
    export_trees,
    fit,
    load_ranker,
)
from monell.research.search import hybrid_search, rank_features, retrieve

from .conftest import HashingEncoder, graph_index

SUPREME = FEATURES.index("supreme_court")
CITERS = FEATURES.index("citers_share")

TASER = "Officer tased a handcuffed arrestee who lay face down and did not resist. "
DOCS = [
    (1, "ca8", dt.date(2015, 1, 1), TASER * 6),
    (2, "ca8", dt.date(2016, 1, 1), TASER * 3 + "Qualified immunity denied. " * 3),
    (3, "ca8", dt.date(2012, 1, 1), TASER + "A pursuit and a crash. " * 5),
    (10, "scotus", dt.date(1989, 5, 15), "Objective reasonableness governs seizures. " * 6),
    (20, "scotus", dt.date(1985, 3, 27), "Deadly force against a fleeing felon; tased. " * 6),
    (30, "ca8", dt.date(2010, 1, 1), "A vehicle pursuit appeal. " * 6),
    (31, "ca8", dt.date(2019, 1, 1), "A pursuit appeal after the incident. " * 6),
    (33, "ca8", None, "An undated pursuit appeal. " * 6),
    (40, "scotus", dt.date(1961, 2, 20), "Under color of law; tased and searched. " * 6),
]
CITES = {1: [10, 40], 2: [10, 20], 3: [10], 30: [10, 20], 31: [10], 33: [10, 20]}
QUERY = "officer tased handcuffed arrestee face down not resisting"
BEFORE = dt.date(2018, 1, 1)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    directory = tmp_path_factory.mktemp("rerank") / "index"
    from monell.research.documents import ResearchDocument
    from monell.research.index import build_index

    docs = [ResearchDocument(i, f"Case {i}", c, d, "Published", (), t) for i, c, d, t in DOCS]
    build_index(directory, docs, HashingEncoder(), fingerprint="t", cites=CITES)
    return PrecedentIndex(directory)


def one_split(feature: int, threshold: float, low: float, high: float) -> dict[str, Any]:
    """A ranker file with one tree: `low` when feature ≤ threshold, else `high`."""
    return {
        "features": list(FEATURES),
        "baseline": 0.0,
        "trees": [
            {
                "feature": [feature, 0, 0],
                "threshold": [threshold, 0.0, 0.0],
                "left": [1, 0, 0],
                "right": [2, 0, 0],
                "leaf": [False, True, True],
                "value": [0.0, low, high],
            }
        ],
        "provenance": {"made_by": "test"},
    }


# ---------------------------------------------------------------- the model file


def test_exported_trees_score_exactly_as_scikit_learn() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(4)
    x = rng.integers(0, 6, size=(3000, len(FEATURES))).astype(float)  # values hit thresholds
    x[rng.random(x.shape) < 0.05] = np.nan  # so each split learns where a missing value goes
    y = (np.nan_to_num(x[:, 0]) + x[:, SUPREME] * np.nan_to_num(x[:, CITERS]) > 6) ^ (
        rng.random(len(x)) < 0.1
    )
    model = HistGradientBoostingClassifier(max_iter=30, max_depth=3, early_stopping=False)
    model.fit(x, y)
    ours = TreeEnsemble.from_json(json.loads(json.dumps(export_trees(model, {}))))
    fresh = rng.integers(0, 6, size=(500, len(FEATURES))).astype(float)
    fresh[rng.random(fresh.shape) < 0.05] = np.nan
    fresh = np.vstack([fresh, fresh[:5] + 0.5])  # and between the integers
    assert np.allclose(ours.raw(fresh), model.decision_function(fresh), atol=1e-9)
    assert np.allclose(ours.score(fresh), model.predict_proba(fresh)[:, 1], atol=1e-9)


def test_a_tree_pointing_outside_itself_is_refused() -> None:
    broken = one_split(SUPREME, 0.5, -1.0, 1.0)
    broken["trees"][0]["right"] = [7, 0, 0]
    with pytest.raises(RankerFileError, match="tree 0: a child node lies outside"):
        TreeEnsemble.from_json(broken)
    unknown = one_split(len(FEATURES), 0.5, -1.0, 1.0)
    with pytest.raises(RankerFileError, match="a split names no feature"):
        TreeEnsemble.from_json(unknown)


def test_fit_is_deterministic_and_learns_the_signal() -> None:
    rng = np.random.default_rng(9)
    x = rng.uniform(size=(2000, len(FEATURES)))
    y = (x[:, SUPREME] > 0.7).astype(int)
    first, second = fit(x, y, {"run": 1}), fit(x, y, {"run": 1})
    assert first == second
    model = TreeEnsemble.from_json(first)
    assert model.score(np.where(np.arange(len(FEATURES)) == SUPREME, 0.9, 0.5)[None])[0] > 0.9
    assert model.score(np.full((1, len(FEATURES)), 0.5))[0] < 0.1


def test_shipped_ranker_loads_and_says_where_it_came_from() -> None:
    model = load_ranker()
    assert model.trees == 100
    source = model.provenance
    assert source["queries"] >= 300 and source["cited_candidates"] > 0
    assert all(c.startswith("shared/data/opinions/") for c in source["corpus"])
    assert "fold" in source["cross_validated"] and "scikit-learn" in source["trained_with"]
    assert "--write-ranker" in source["made_by"]
    # A Supreme Court opinion cited often before the cutoff outranks an uncited lower-court
    # opinion that both lists put at the same place: the authority signal the model learned.
    same = np.full((2, len(FEATURES)), 0.0)
    same[:, FEATURES.index("fused_rrf")] = 1 / 65
    same[:, FEATURES.index("bm25_rrf")] = 1 / 65
    same[:, FEATURES.index("semantic_rrf")] = 1 / 65
    same[0, SUPREME], same[0, CITERS] = 1.0, 1.0
    high, low = model.score(same)
    assert high > low


def test_a_ranker_made_for_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(RANKER_PATH.read_text())
    data["features"] = data["features"][:-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RankerFileError, match=r"retrain with benchmarks/precedent_search\.py"):
        load_ranker(path)
    with pytest.raises(RankerFileError, match=r"missing\.json: cannot read"):
        load_ranker(tmp_path / "missing.json")


# ---------------------------------------------------------------- features known before the date


def test_citers_before_counts_only_opinions_decided_before_the_cutoff(
    index: PrecedentIndex,
) -> None:
    ids = np.array([10, 20, 1, 999], dtype=np.int64)
    # Graham (10): cited by 1, 2, 3, 30 before 2018; 31 is later, 33 undated.
    assert index.citers_before(ids, BEFORE).tolist() == [4, 2, 0, 0]
    assert index.citers_before(ids, dt.date(2015, 1, 1)).tolist() == [2, 1, 0, 0]  # 3, 30
    assert index.citers_before(ids, None).tolist() == [6, 3, 0, 0]  # all, undated too


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.integers(1, 12),
        st.lists(st.integers(1, 12), max_size=6, unique=True),
        max_size=12,
    ),
    st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=12, max_size=12),
    st.one_of(st.none(), st.integers(0, 41)),
)
def test_citers_before_matches_a_plain_count(
    tmp_path_factory: pytest.TempPathFactory,
    cites: dict[int, list[int]],
    years: list[int | None],
    cutoff_year: int | None,
) -> None:
    day = [None if y is None else dt.date(1980 + y, 1, 1) for y in years]
    opinions = [(i, "ca8", day[i - 1], f"text {i}") for i in range(1, 13)]
    idx = graph_index(tmp_path_factory.mktemp("cb") / "i", opinions, cites)
    cutoff = None if cutoff_year is None else dt.date(1980 + cutoff_year, 1, 1)

    def plain(target: int) -> int:
        citers = {c for c, targets in cites.items() if target in targets and c != target}
        if cutoff is None:
            return len(citers)
        return sum(1 for c in citers if day[c - 1] is not None and day[c - 1] < cutoff)

    ids = np.arange(1, 13, dtype=np.int64)
    assert idx.citers_before(ids, cutoff).tolist() == [plain(i) for i in range(1, 13)]


def test_feature_rows_describe_each_candidate(index: PrecedentIndex) -> None:
    found = retrieve(index, QUERY, encoder=HashingEncoder(), courts=None, decided_before=BEFORE)
    ids, rows = rank_features(index, found, BEFORE)
    assert rows.shape == (len(ids), len(FEATURES))
    assert 31 not in ids and 33 not in ids  # after the cutoff, or undated
    row = dict(zip(FEATURES, rows[ids.index(10)].tolist(), strict=True))
    assert row["supreme_court"] == 1.0
    assert row["citers_share"] == 1.0  # 4 citers before 2018: the most of any candidate
    garner = dict(zip(FEATURES, rows[ids.index(20)].tolist(), strict=True))
    assert garner["citers_share"] == pytest.approx(2 / 4)
    # Decided before 1970 (a negative day number): its age is its age, not zero.
    monroe = dict(zip(FEATURES, rows[ids.index(40)].tolist(), strict=True))
    years = (BEFORE - dt.date(1961, 2, 20)).days / 365.25
    assert monroe["log_age_years"] == pytest.approx(math.log1p(years))
    assert monroe["citers_share"] == pytest.approx(1 / 4)
    assert row["log_age_years"] == pytest.approx(
        math.log1p((BEFORE - dt.date(1989, 5, 15)).days / 365.25)
    )
    assert row["cited_by_matches"] == found.voters[10] >= 3
    assert row["fused_rrf"] == pytest.approx(1 / (60 + ids.index(10) + 1))
    lead = dict(zip(FEATURES, rows[ids.index(1)].tolist(), strict=True))
    assert lead["supreme_court"] == 0.0 and lead["citers_share"] == 0.0
    assert 0 < lead["bm25_relative"] <= 1 and lead["semantic_cosine"] > 0


# ---------------------------------------------------------------- reranking in the search


def test_the_ranker_reorders_the_fused_candidates(index: PrecedentIndex) -> None:
    encoder = HashingEncoder()
    fused = hybrid_search(index, QUERY, encoder=encoder, decided_before=BEFORE, rerank=False)
    assert not any(h.reranked for h in fused)
    assert [h.score for h in fused] == [h.rrf_score for h in fused]
    supreme_first = TreeEnsemble.from_json(one_split(SUPREME, 0.5, -3.0, 3.0))
    ranked = hybrid_search(
        index, QUERY, encoder=encoder, decided_before=BEFORE, ranker=supreme_first
    )
    assert {h.opinion_id for h in ranked} == {h.opinion_id for h in fused}  # same candidates
    assert [h.opinion_id for h in ranked][:2] == [10, 20]  # the Supreme Court's, ties by id
    assert all(h.reranked for h in ranked)
    assert ranked[0].score == pytest.approx(1 / (1 + math.exp(-3.0)))
    rrf = {h.opinion_id: h.rrf_score for h in fused}
    assert all(h.rrf_score == pytest.approx(rrf[h.opinion_id]) for h in ranked)


def test_bm25_only_search_is_never_reranked(index: PrecedentIndex) -> None:
    hits = hybrid_search(index, QUERY, encoder=None, decided_before=BEFORE)
    assert hits and not any(h.reranked for h in hits)
    assert [h.score for h in hits] == [h.rrf_score for h in hits]


def test_only_the_first_rerank_depth_candidates_are_reordered(index: PrecedentIndex) -> None:
    encoder = HashingEncoder()
    fused = hybrid_search(index, QUERY, encoder=encoder, decided_before=BEFORE, rerank=False)
    supreme_first = TreeEnsemble.from_json(one_split(SUPREME, 0.5, -3.0, 3.0))
    ranked = hybrid_search(
        index,
        QUERY,
        encoder=encoder,
        decided_before=BEFORE,
        ranker=supreme_first,
        rerank_depth=2,
    )
    head = [h.opinion_id for h in fused[:2]]
    assert sorted(h.opinion_id for h in ranked[:2]) == sorted(head)  # reordered among 2
    assert [h.opinion_id for h in ranked[2:]] == [h.opinion_id for h in fused[2:]]
    assert [h.reranked for h in ranked] == [True, True] + [False] * (len(ranked) - 2)


def test_a_ranker_trained_on_another_embedding_model_is_not_used(index: PrecedentIndex) -> None:
    other = one_split(SUPREME, 0.5, -3.0, 3.0)
    other["provenance"] = {"embedding_model": "some other model"}
    hits = hybrid_search(
        index,
        QUERY,
        encoder=HashingEncoder(),
        decided_before=BEFORE,
        ranker=TreeEnsemble.from_json(other),
    )
    assert hits and not any(h.reranked for h in hits)


def test_an_unreadable_ranker_file_falls_back_to_fused_order(
    index: PrecedentIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monell.research import precedents, search

    def unreadable() -> TreeEnsemble:
        raise RankerFileError("precedent_ranker.json: cannot read the precedent ranker (gone)")

    monkeypatch.setattr(search, "load_ranker", unreadable)
    hits = hybrid_search(index, QUERY, encoder=HashingEncoder(), decided_before=BEFORE)
    assert hits and not any(h.reranked for h in hits)
    monkeypatch.setattr(precedents, "load_ranker", unreadable)
    assert "cannot read the precedent ranker" in (precedents._ranker_problem(index) or "")


def test_the_shipped_ranker_names_the_model_it_needs(index: PrecedentIndex) -> None:
    from monell.research.precedents import _ranker_problem

    problem = _ranker_problem(index)  # this index holds hashing vectors, not MiniLM's
    assert problem is not None
    assert "all-MiniLM-L6-v2" in problem and "test-hashing-encoder" in problem
