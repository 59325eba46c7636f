"""Learned fusion: a small tree ensemble that reorders the first page of the fused lists.

Reciprocal rank fusion (`search.py`) treats every list alike and ignores what a lawyer
knows of an authority: a Supreme Court opinion cited by ten earlier opinions is likelier
to be the rule a court relies on than a district case that shares the same words. This
model weighs the lists' ranks and scores together with those facts. It was trained on the
corpus's own citation graph (query: a citing opinion's fact section; label: whether a
candidate is one of the earlier opinions it cites), the same task the quality benchmark
measures, and the benchmark reports it cross-validated — each query ranked by a model that
never saw it, and also by models trained only on earlier opinions (docs/performance.md).

The model is data: JSON trees exported from scikit-learn's HistGradientBoostingClassifier by
`benchmarks/precedent_search.py --write-ranker`, evaluated here with numpy alone, so nothing
is unpickled and scikit-learn is not needed at run time. Every feature of a candidate is
known before the incident date (citations counted are those of opinions decided before it),
but the shipped model learned from citing opinions up to 2023: how courts cited after an
older incident has shaped its weights, if not any one search's facts.

Its output orders results; it is not a calibrated probability. Labels are "this sample
opinion cites that one", about 6% of candidates, for opinion-text queries without a court
filter — not "a court would rely on it for this claim".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

RANKER_PATH = Path(__file__).parent / "data" / "precedent_ranker.json"
RERANK_DEPTH = 100  # fused candidates the model reorders; the rest keep their fused order
ABSENT_RANK = 1000  # rank given to an opinion a list did not return (its 1/(60+rank) ≈ 0)

# The feature vector, in order. Names are part of the model file and are checked on load.
FEATURES: tuple[str, ...] = (
    "fused_rrf",  # 1/(60 + rank) in the reciprocal-rank fusion of the four lists
    "bm25_rrf",  # 1/(60 + BM25 rank)
    "bm25_relative",  # BM25 score / the query's best BM25 score
    "semantic_rrf",  # 1/(60 + embedding rank)
    "semantic_cosine",  # cosine of the best-matching passage
    "graph_rrf",  # 1/(60 + rank among authorities the best text matches cite)
    "cited_by_matches",  # how many of those matches cite it
    "co_citation_rrf",  # 1/(60 + rank among authorities cited beside the first page)
    "co_citation_votes",  # summed co-citation votes × 60 (≈ weighted citer count)
    "citers_share",  # opinions citing it before the cutoff / the most-cited candidate's count
    "log_age_years",  # log(1 + years between its decision and the cutoff)
    "supreme_court",  # 1 if the Supreme Court decided it
)


class RankerFileError(ValueError):
    """The ranker file is missing, malformed or made for other features; says which."""


@dataclass(frozen=True)
class TreeEnsemble:
    """Gradient-boosted trees over FEATURES; `score` orders candidates (higher first).

    Trees are padded to one width (T trees × M nodes, node 0 the root) so that all of them
    are walked at once, one level per step: about four numpy steps for a page of candidates
    instead of a step per tree per level."""

    baseline: float
    feature: np.ndarray  # (T, M) int: the feature a node splits on
    threshold: np.ndarray  # (T, M) float: go left when the feature is ≤ this
    left: np.ndarray  # (T, M) int: child nodes, as positions in the same tree
    right: np.ndarray
    leaf: np.ndarray  # (T, M) bool; padding counts as a leaf
    value: np.ndarray  # (T, M) float: a leaf's log-odds contribution
    missing_left: np.ndarray  # (T, M) bool: where a missing (NaN) value goes, as trained
    provenance: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsemble:
        if tuple(data.get("features", ())) != FEATURES:
            raise RankerFileError(
                f"ranker features {data.get('features')} differ from this version's "
                f"{list(FEATURES)}: retrain with benchmarks/precedent_search.py --write-ranker"
            )
        trees = data["trees"]
        width = max((len(t["feature"]) for t in trees), default=1)
        shape = (len(trees), width)
        feature = np.zeros(shape, dtype=np.int64)
        threshold = np.zeros(shape, dtype=np.float64)
        left = np.zeros(shape, dtype=np.int64)
        right = np.zeros(shape, dtype=np.int64)
        leaf = np.ones(shape, dtype=bool)
        value = np.zeros(shape, dtype=np.float64)
        missing_left = np.zeros(shape, dtype=bool)
        for i, tree in enumerate(trees):
            n = len(tree["feature"])
            feature[i, :n] = tree["feature"]
            threshold[i, :n] = tree["threshold"]
            left[i, :n] = tree["left"]
            right[i, :n] = tree["right"]
            leaf[i, :n] = tree["leaf"]
            value[i, :n] = tree["value"]
            missing_left[i, :n] = tree.get("missing_left", [False] * n)
            inner = ~leaf[i, :n]
            children = np.concatenate([left[i, :n][inner], right[i, :n][inner]])
            if (children <= 0).any() or (children >= n).any():
                raise RankerFileError(f"ranker tree {i}: a child node lies outside the tree")
            splits = feature[i, :n][inner]
            if ((splits < 0) | (splits >= len(FEATURES))).any():
                raise RankerFileError(f"ranker tree {i}: a split names no feature")
        return cls(
            float(data["baseline"]),
            feature,
            threshold,
            left,
            right,
            leaf,
            value,
            missing_left,
            dict(data.get("provenance") or {}),
        )

    @property
    def trees(self) -> int:
        return int(self.feature.shape[0])

    def reads(self, embedding_model: str | None) -> bool:
        """Whether this model may rank an index embedded with `embedding_model`: its cosine
        feature means something only for the model it was trained with (a file that names
        none, like a test's, reads any)."""
        trained = self.provenance.get("embedding_model")
        return trained is None or trained == embedding_model

    def raw(self, features: np.ndarray) -> np.ndarray:
        """Log-odds for each row of `features` (rows × len(FEATURES))."""
        x = np.asarray(features, dtype=np.float64).reshape(-1, len(FEATURES))
        total = np.full(len(x), self.baseline)
        if not len(x) or not self.trees:
            return total
        width = self.feature.shape[1]
        base = (np.arange(self.trees) * width)[None, :]  # each tree's first flat position
        leaf, feature, threshold = self.leaf.ravel(), self.feature.ravel(), self.threshold.ravel()
        left, right = self.left.ravel(), self.right.ravel()
        missing_left = self.missing_left.ravel()
        at = np.broadcast_to(base, (len(x), self.trees)).copy()  # flat node positions
        rows = np.arange(len(x))[:, None] * len(FEATURES)
        flat_x = x.ravel()
        for _ in range(width):  # a tree is never deeper than its node count
            inner = ~leaf[at]
            if not inner.any():
                break
            seen = flat_x[rows + feature[at]]
            goes_left = (seen <= threshold[at]) | (np.isnan(seen) & missing_left[at])
            child = base + np.where(goes_left, left[at], right[at])
            at = np.where(inner, child, at)
        return total + self.value.ravel()[at].sum(axis=1)

    def score(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.raw(features))), dtype=np.float64)


def export_trees(model: Any, provenance: dict[str, Any]) -> dict[str, Any]:
    """A fitted binary HistGradientBoostingClassifier as the JSON this module reads. Uses the
    estimator's fitted predictors (`_predictors`, `_baseline_prediction`); a test checks the
    export scores exactly as scikit-learn does, so a change there fails loudly."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise RankerFileError("categorical splits are not supported by the ranker file")
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": nodes["num_threshold"].tolist(),
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
                "value": nodes["value"].tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(bool).tolist(),
            }
        )
    return {
        "features": list(FEATURES),
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "trees": trees,
        "provenance": provenance,
    }


def fit(features: np.ndarray, labels: np.ndarray, provenance: dict[str, Any]) -> dict[str, Any]:
    """Fit the ensemble (scikit-learn, a development dependency) and return the ranker
    file's JSON (`TreeEnsemble.from_json` loads it). Shallow trees, large leaves and no
    early stopping: a few hundred queries can support little more, and the fit is
    deterministic."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]

    model = HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.05,
        max_depth=3,
        min_samples_leaf=100,
        early_stopping=False,
        random_state=0,
    ).fit(features, labels)
    return export_trees(model, provenance)


def candidate_features(
    *,
    fused_rank: int,
    bm25: tuple[int, float] | None,
    best_bm25: float,
    semantic: tuple[int, float] | None,
    graph_rank: int | None,
    cited_by_matches: int,
    co_citation_rank: int | None,
    co_citation_votes: float,
    citers_share: float,
    age_days: int | None,
    supreme_court: bool,
) -> list[float]:
    """One candidate's feature row (FEATURES order); an absent list counts as rank 1000.
    Counts of citers enter as a share of the page's most-cited candidate: a landmark has
    90 citers in the sample and 100,000 in a full corpus, and trees split on raw counts
    would stop telling authorities apart above the largest count they were trained on."""

    def rrf(rank: int | None) -> float:
        return 1.0 / (60 + (ABSENT_RANK if rank is None else rank))

    return [
        rrf(fused_rank),
        rrf(bm25[0] if bm25 else None),
        bm25[1] / best_bm25 if bm25 and best_bm25 > 0 else 0.0,
        rrf(semantic[0] if semantic else None),
        semantic[1] if semantic else 0.0,
        rrf(graph_rank),
        float(cited_by_matches),
        rrf(co_citation_rank),
        co_citation_votes * 60.0,
        citers_share,
        math.log1p(max(age_days or 0, 0) / 365.25),
        1.0 if supreme_court else 0.0,
    ]


@cache
def load_ranker(path: Path = RANKER_PATH) -> TreeEnsemble:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RankerFileError(f"{path}: cannot read the precedent ranker ({exc})") from exc
    return TreeEnsemble.from_json(data)
