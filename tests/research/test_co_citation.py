"""Co-citation: the authorities courts cite beside a first-page result come back too — but
only through citers the incident may use (binding court, decided before the incident)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monell.research import search
from monell.research.index import PrecedentIndex
from monell.research.precedents import result_markdown
from monell.research.search import hybrid_search

from .conftest import graph_index

TASER = "Officer tased a handcuffed arrestee who lay face down and did not resist. " * 6
DOCS = [
    # Fact matches for the query, both citing Graham (10).
    (1, "ca8", dt.date(2015, 1, 1), TASER),
    (2, "ca8", dt.date(2016, 1, 1), TASER),
    # Authorities: no word in common with the query.
    (10, "scotus", dt.date(1989, 5, 15), "Objective reasonableness governs seizures. " * 6),
    (20, "scotus", dt.date(1985, 3, 27), "Deadly force against a fleeing felon. " * 6),
    (21, "scotus", dt.date(2017, 6, 1), "A later word on seizures. " * 6),
    (22, "scotus", dt.date(2001, 6, 1), "Another seizure holding. " * 6),
    (23, "ca2", dt.date(2003, 1, 1), "Second Circuit seizure law. " * 6),
    # Citers of Graham that the query does not match.
    (30, "ca8", dt.date(2010, 1, 1), "A vehicle pursuit appeal. " * 6),
    (31, "ca8", dt.date(2019, 1, 1), "A pursuit appeal after the incident. " * 6),
    (32, "ca2", dt.date(2005, 1, 1), "A pursuit appeal elsewhere. " * 6),
    (33, "ca8", None, "An undated pursuit appeal. " * 6),
    (34, "ca8", dt.date(2017, 6, 1), "A custody appeal. " * 6),
]
CITES = {
    1: [10],
    2: [10],
    30: [10, 20, 23],
    31: [10, 21],
    32: [10, 22],
    33: [10, 22],
    34: [10],
}
QUERY = "officer tased handcuffed arrestee face down not resisting"
MISSOURI_2018 = {"courts": ["scotus", "ca8"], "decided_before": dt.date(2018, 1, 1)}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    return graph_index(tmp_path_factory.mktemp("cocite") / "index", DOCS, CITES)


def test_citers_are_stored_newest_first_undated_last(index: PrecedentIndex) -> None:
    assert index.citers_of(10).tolist() == [31, 34, 2, 1, 30, 32, 33]
    assert index.citers_of(22).tolist() == [32, 33]
    assert index.citers_of(1).tolist() == []
    assert index.citers_of(999).tolist() == []


def test_authority_cited_beside_graham_comes_back(index: PrecedentIndex) -> None:
    hits = {h.opinion_id: h for h in hybrid_search(index, QUERY, encoder=None, **MISSOURI_2018)}
    garner = hits[20]  # no shared word, and neither fact match cites it
    assert garner.bm25_rank is None and garner.graph_rank is None
    assert garner.co_citation_rank == 1 and garner.co_cited_by == 1  # opinion 30
    assert hits[10].graph_rank == 1  # Graham itself came from the graph list


def test_only_permitted_citers_count_and_only_permitted_authorities_return(
    index: PrecedentIndex,
) -> None:
    ids = {h.opinion_id for h in hybrid_search(index, QUERY, encoder=None, **MISSOURI_2018)}
    assert 21 not in ids  # its one citer (31) was decided after the incident
    assert 22 not in ids  # cited only by a ca2 opinion and an undated one
    assert 23 not in ids  # another circuit's opinion, though a ca8 citer cites it
    assert not ids & {30, 31, 32, 33}  # citers are not results for sharing no text


def test_without_filters_every_citer_counts(index: PrecedentIndex) -> None:
    hits = {h.opinion_id: h for h in hybrid_search(index, QUERY, encoder=None)}
    assert hits[22].co_cited_by == 2  # 32 and the undated 33
    assert hits[21].co_cited_by == 1
    assert hits[20].co_cited_by == 1


def test_citers_read_per_result_are_capped_newest_first(
    index: PrecedentIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "CO_CITERS", 1)
    hits = {h.opinion_id: h for h in hybrid_search(index, QUERY, encoder=None, **MISSOURI_2018)}
    # Graham's newest permitted citer that is not a fact match is 34, which cites nothing
    # else: Garner is lost.
    assert 20 not in hits


def test_the_fact_matches_do_not_vote_twice(tmp_path: Path) -> None:
    # Fact match 1 cites Graham (10) and Garner (20); fact match 2 cites Graham. Opinion 1
    # is the only opinion citing Garner beside Graham, and the graph list already counted it.
    opinions = [
        (1, "ca8", dt.date(2015, 1, 1), TASER),
        (2, "ca8", dt.date(2016, 1, 1), TASER),
        (10, "scotus", dt.date(1989, 5, 15), "x. " * 6),
        (20, "scotus", dt.date(1985, 3, 27), "y. " * 6),
    ]
    index = graph_index(tmp_path / "i", opinions, {1: [10, 20], 2: [10]})
    with_co = {h.opinion_id: h for h in hybrid_search(index, QUERY, encoder=None)}
    without = {
        h.opinion_id: h for h in hybrid_search(index, QUERY, encoder=None, co_citation=False)
    }
    assert with_co[20].cited_by_matches == 1
    assert with_co[20].co_cited_by == 0 and with_co[20].co_citation_rank is None
    assert with_co[20].score == without[20].score


def test_graph_off_leaves_co_citation_out(index: PrecedentIndex) -> None:
    hits = hybrid_search(index, QUERY, encoder=None, graph=False, **MISSOURI_2018)
    assert {h.opinion_id for h in hits} == {1, 2}
    assert all(h.co_citation_rank is None and h.co_cited_by == 0 for h in hits)


def test_markdown_says_why_a_co_cited_result_is_there() -> None:
    row = {
        "case_name": "Tennessee v. Garner",
        "citation": "471 U.S. 1",
        "verified": True,
        "citation_status": "found",
        "binding": True,
        "qi_outcome": None,
        "passage": "Deadly force against a fleeing felon.",
        "cited_by_matches": 0,
        "co_cited_by": 3,
        "court_name": "Supreme Court of the United States",
        "date_filed": "1985-03-27",
        "score": 0.01,
    }
    text = result_markdown(1, row)
    assert text.startswith("1. *Tennessee v. Garner*, 471 U.S. 1 (")  # the citation stays
    assert "3 other opinions cite it alongside these results" in text
    assert "cited by" not in text
    one = result_markdown(1, row | {"co_cited_by": 1})
    assert "471 U.S. 1 (" in one and "1 other opinion cites it alongside" in one


def test_an_index_without_citers_still_searches(tmp_path: Path) -> None:
    index = graph_index(tmp_path / "index", DOCS)
    assert index.citers_of(10).tolist() == []
    assert {h.opinion_id for h in hybrid_search(index, QUERY, encoder=None)} == {1, 2}


# ---------------------------------------------------------------- against a plain reference

RANDOM_COURTS = ["scotus", "ca8", "ca2"]
RANDOM_DATES = [dt.date(1960, 1, 1) + dt.timedelta(days=d) for d in range(0, 20000, 997)]


@pytest.fixture(scope="module")
def random_index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    import random

    rng = random.Random(1983)
    opinions, cites = [], {}
    for i in range(1, 61):
        # Few distinct dates, so citers share days and a cutoff often falls on one.
        date = None if i % 17 == 0 else rng.choice(RANDOM_DATES)
        opinions.append((i, rng.choice(RANDOM_COURTS), date, f"Text {i}."))
        cites[i] = rng.sample(range(1, 66), rng.randrange(0, 8))  # 61–65 are not indexed
    return graph_index(tmp_path_factory.mktemp("cocite-random") / "index", opinions, cites)


def _reference(index: PrecedentIndex, results, courts, before, seeds):  # type: ignore[no-untyped-def]
    """The plain loop the vectorised votes must equal."""
    import numpy as np

    def ok(o: int) -> bool:
        return bool(index.admissible(np.array([o]), courts, before)[0])

    votes: dict[int, float] = {}
    citers: dict[int, set[int]] = {}
    for rank, result in enumerate(results, start=1):
        permitted = [int(c) for c in index.citers_of(result) if ok(int(c)) and int(c) not in seeds][
            : search.CO_CITERS
        ]
        for citer in permitted:
            for target in index.cited_by(citer).tolist():
                if target != result and ok(target):
                    votes[target] = votes.get(target, 0.0) + 1.0 / (search.RRF_K + rank)
                    citers.setdefault(target, set()).add(citer)
    return votes, {t: len(c) for t, c in citers.items()}


@settings(max_examples=150, deadline=None)
@given(
    results=st.lists(st.integers(1, 66), unique=True, max_size=12),
    courts=st.one_of(st.none(), st.lists(st.sampled_from(RANDOM_COURTS), min_size=1, unique=True)),
    before=st.one_of(
        st.none(), st.sampled_from(RANDOM_DATES), st.dates(dt.date(1960, 1, 1), dt.date(2020, 1, 1))
    ),
    seeds=st.lists(st.integers(1, 66), unique=True, max_size=10),
    cap=st.integers(1, 5),
    window=st.sampled_from([1, 2, 1024]),
)
def test_vectorised_votes_equal_the_plain_loop(
    random_index: PrecedentIndex,
    results: list[int],
    courts: list[str] | None,
    before: dt.date | None,
    seeds: list[int],
    cap: int,
    window: int,
) -> None:
    from monell.research import index as index_module

    old, old_window = search.CO_CITERS, index_module.CITER_WINDOW
    # hypothesis and function-scoped monkeypatch do not mix; a window of 1 or 2 citers
    # makes the court filter scan several growing windows.
    search.CO_CITERS, index_module.CITER_WINDOW = cap, window
    try:
        votes, counts = search.co_citation_votes(
            random_index, results, courts=courts, decided_before=before, seeds=seeds
        )
        want_votes, want_counts = _reference(random_index, results, courts, before, set(seeds))
    finally:
        search.CO_CITERS, index_module.CITER_WINDOW = old, old_window
    assert counts == want_counts
    assert votes.keys() == want_votes.keys()
    for k, v in want_votes.items():
        assert votes[k] == pytest.approx(v)


def test_the_random_graph_has_co_citations_to_compare(random_index: PrecedentIndex) -> None:
    votes, counts = search.co_citation_votes(
        random_index, list(range(1, 61)), courts=None, decided_before=None
    )
    assert len(votes) > 20 and max(counts.values()) > 1  # the comparison above is not vacuous


def test_citers_are_stored_newest_first_in_every_row(random_index: PrecedentIndex) -> None:
    index = random_index
    for row in range(len(index.graph_authorities)):
        lo, hi = index.graph_citer_offsets[row], index.graph_citer_offsets[row + 1]
        age = index.graph_citer_age[lo:hi].tolist()
        citers = index.graph_citers[lo:hi].tolist()
        pairs = list(zip(age, citers, strict=True))
        assert pairs == sorted(pairs)  # key, then id, rising
        dated = [d for d in age if d < 10**7]
        assert age == dated + [10**7] * (len(age) - len(dated))  # undated last
