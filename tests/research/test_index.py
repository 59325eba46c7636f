"""Court and date filters work inside the index (not on a top-k afterwards)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from monell.research.documents import ResearchDocument
from monell.research.index import PrecedentIndex, build_index
from monell.research.search import hybrid_search

from .conftest import HashingEncoder

SHOOTING = (
    "The officer shot the driver of a fleeing car. Deadly force against a fleeing "
    "driver who posed no threat. "
)
DOCS = [
    # id, court, date — the best lexical and semantic matches are the ones filters exclude.
    (1, "scotus", dt.date(2022, 1, 1), SHOOTING * 5),
    (2, "ca1", dt.date(2010, 1, 1), SHOOTING * 5),
    (3, "ca8", dt.date(2021, 3, 10), SHOOTING * 5),
    (4, "scotus", dt.date(2015, 1, 1), SHOOTING + "Tax assessment appeal. " * 10),
    (5, "ca8", dt.date(2019, 1, 1), SHOOTING + "Contract dispute over shipping. " * 10),
    (6, "ca8", None, SHOOTING * 5),
    (7, "scotus", dt.date(2001, 1, 1), "Shipping contract arbitration clause. " * 10),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    directory = tmp_path_factory.mktemp("idx") / "index"
    docs = [ResearchDocument(i, f"Case {i}", c, d, "Published", (), t) for i, c, d, t in DOCS]
    assert build_index(directory, docs, HashingEncoder(), fingerprint="t") == len(DOCS)
    return PrecedentIndex(directory)


ALLOWED = {4, 5, 7}  # scotus/ca8, decided strictly before 2021-03-10, dated


def test_bm25_filters_in_the_query(index: PrecedentIndex) -> None:
    hits = index.bm25(
        "officer shot fleeing driver deadly force",
        courts=("scotus", "ca8"),
        decided_before=dt.date(2021, 3, 10),
        limit=2,
    )
    assert [h.opinion_id for h in hits] == [4, 5]  # limit filled from the allowed set
    assert {h.opinion_id for h in index.bm25("officer shot", limit=10)} >= {1, 2, 3, 6}


def test_semantic_prefilter_uses_only_allowed_rows(index: PrecedentIndex) -> None:
    slices = list(index.row_slices(("scotus", "ca8"), dt.date(2021, 3, 10)))
    rows = {int(index.row_opinion[r]) for s, e in slices for r in range(s, e)}
    assert rows == ALLOWED
    vector = HashingEncoder().encode([SHOOTING])[0]
    hits = index.semantic(
        vector, courts=("scotus", "ca8"), decided_before=dt.date(2021, 3, 10), limit=2
    )
    assert len(hits) == 2 and {h.opinion_id for h in hits} <= ALLOWED


def test_hybrid_never_returns_filtered_documents(index: PrecedentIndex) -> None:
    hits = hybrid_search(
        index,
        SHOOTING,
        encoder=HashingEncoder(),
        courts=("scotus", "ca8"),
        decided_before=dt.date(2021, 3, 10),
        limit=10,
    )
    assert {h.opinion_id for h in hits} == ALLOWED
    assert hits[0].opinion_id in (4, 5)
    unfiltered = hybrid_search(index, SHOOTING, encoder=HashingEncoder(), limit=3)
    assert {h.opinion_id for h in unfiltered} & {1, 2, 3, 6}


def test_bm25_run_beside_the_encoder_gives_the_same_ranks(
    index: PrecedentIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # BM25 runs on a worker thread while the query is encoded; its list must be the one a
    # direct call returns, for every search of a concurrent batch.
    import threading
    from concurrent.futures import ThreadPoolExecutor

    direct = [h.opinion_id for h in index.bm25(SHOOTING, limit=100)]
    threads: set[str] = set()
    bm25 = index.bm25

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.add(threading.current_thread().name)
        return bm25(*args, **kwargs)

    monkeypatch.setattr(index, "bm25", recording)
    with ThreadPoolExecutor(4) as pool:
        runs = list(
            pool.map(lambda _: hybrid_search(index, SHOOTING, encoder=HashingEncoder()), range(8))
        )
    for hits in runs:
        ranked = {h.opinion_id: h.bm25_rank for h in hits if h.bm25_rank is not None}
        assert ranked and all(direct[rank - 1] == o for o, rank in ranked.items())
    assert all([h.opinion_id for h in r] == [h.opinion_id for h in runs[0]] for r in runs)
    assert threads and all(t.startswith("monell-bm25") for t in threads)  # on the BM25 pool


def test_meta_keeps_what_results_show(index: PrecedentIndex) -> None:
    meta = index.meta(5)
    assert meta is not None
    assert meta["court"] == "ca8" and meta["date_filed"] == "2019-01-01"
    assert meta["passages"] and "qi" in meta
    assert index.meta(999) is None


def test_index_directory_is_replaced_whole(tmp_path: Path) -> None:
    directory = tmp_path / "index"
    docs = [ResearchDocument(1, "A v. B", "ca8", dt.date(2000, 1, 1), "Published", (), "x y z")]
    build_index(directory, docs, None, fingerprint="one")
    assert PrecedentIndex(directory).model is None
    build_index(directory, docs, HashingEncoder(), fingerprint="two")
    rebuilt = PrecedentIndex(directory)
    assert rebuilt.fingerprint == "two" and rebuilt.model == "test-hashing-encoder"
    assert not (tmp_path / "index.building").exists()
