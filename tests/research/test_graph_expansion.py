"""Search follows the citation graph from the closest text matches to the authorities they
cite — inside the same court and date filters as the text lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from monell.research.index import PrecedentIndex
from monell.research.search import hybrid_search

from .conftest import graph_index

TASER = "Officer tased a handcuffed arrestee who lay face down and did not resist. " * 6
DOCS = [
    # id, court, date, text: 1–3 are fact matches; 10–13 share no words with the query.
    (1, "ca8", dt.date(2015, 1, 1), TASER),
    (2, "ca8", dt.date(2016, 1, 1), TASER),
    (3, "ca1", dt.date(2017, 1, 1), TASER),
    (10, "scotus", dt.date(1989, 5, 15), "Objective reasonableness governs seizures. " * 6),
    (11, "scotus", dt.date(2019, 6, 1), "A later pronouncement on seizures. " * 6),
    (12, "ca2", dt.date(2000, 1, 1), "Another circuit's seizure doctrine. " * 6),
    (13, "scotus", None, "An undated reasonableness opinion. " * 6),
]
CITES = {1: [10, 11, 12, 13], 2: [10, 12], 3: [10, 12], 10: [999]}  # 999: not in the corpus
QUERY = "officer tased handcuffed arrestee face down not resisting"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    return graph_index(tmp_path_factory.mktemp("graph") / "index", DOCS, CITES)


def test_graph_is_stored_with_edges_outside_the_corpus_dropped(index: PrecedentIndex) -> None:
    assert index.cited_by(1).tolist() == [10, 11, 12, 13]
    assert index.cited_by(10).tolist() == []  # its one citation is not in the corpus
    assert index.cited_by(42).tolist() == []
    assert index.manifest["citation_edges"] == 8


def test_a_bm25_only_index_still_keeps_passages_to_show(index: PrecedentIndex) -> None:
    # A result found only through the graph has no matching passage of its own; the memo
    # shows the stored passage that best fits the query, so there must be one.
    meta = index.meta(10)
    assert meta is not None and meta["passages"]
    assert "reasonableness" in str(meta["passages"][0]).lower()


def test_authority_cited_by_the_fact_matches_is_found_without_sharing_a_word(
    index: PrecedentIndex,
) -> None:
    hits = hybrid_search(index, QUERY, encoder=None, limit=10)
    by_id = {h.opinion_id: h for h in hits}
    assert by_id[10].bm25_rank is None  # no word in common with the query
    assert by_id[10].cited_by_matches == 3
    assert by_id[10].graph_rank == 1  # ca2's 12 also has 3 votes; 10 wins the tie on id
    assert by_id[1].graph_rank is None and by_id[1].cited_by_matches == 0


def test_graph_obeys_court_and_date_filters(index: PrecedentIndex) -> None:
    # Eighth Circuit incident of 2018: Supreme Court + ca8, decided before the incident.
    hits = hybrid_search(
        index,
        QUERY,
        encoder=None,
        courts=["scotus", "ca8"],
        decided_before=dt.date(2018, 1, 1),
        limit=10,
    )
    ids = {h.opinion_id for h in hits}
    assert 10 in ids  # scotus 1989: binding and earlier
    assert 11 not in ids  # decided after the incident, though a match cites it
    assert 12 not in ids  # another circuit
    assert 13 not in ids  # undated: never passes a date filter
    assert 3 not in ids  # a ca1 text match is not a permitted seed result either
    assert next(h for h in hits if h.opinion_id == 10).cited_by_matches == 2  # via 1 and 2


def test_graph_off_is_the_text_ranking_alone(index: PrecedentIndex) -> None:
    hits = hybrid_search(index, QUERY, encoder=None, limit=10, graph=False)
    assert {h.opinion_id for h in hits} == {1, 2, 3}
    assert all(h.graph_rank is None for h in hits)


def test_admissible_matches_the_filters(index: PrecedentIndex) -> None:
    ids = np.array([10, 11, 12, 13, 999], dtype=np.int64)
    ok = index.admissible(ids, ["scotus"], dt.date(2018, 1, 1))
    assert ok.tolist() == [True, False, False, False, False]
    assert index.admissible(ids, None, None).tolist() == [True, True, True, True, False]


def test_an_index_without_a_graph_still_searches(tmp_path: Path) -> None:
    index = graph_index(tmp_path / "index", DOCS)
    assert index.manifest["citation_edges"] == 0
    hits = hybrid_search(index, QUERY, encoder=None, limit=10)
    assert {h.opinion_id for h in hits} == {1, 2, 3}


def test_an_empty_index_admits_nothing(tmp_path: Path) -> None:
    index = graph_index(tmp_path / "index", [])
    ids = np.array([1, 2], dtype=np.int64)
    assert index.admissible(ids, ["scotus"], dt.date(2020, 1, 1)).tolist() == [False, False]
    assert hybrid_search(index, QUERY, encoder=None, courts=["scotus"]) == []
