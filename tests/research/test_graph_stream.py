"""The citation graph reaches the index as a stream of id pairs from the store, in compact
arrays, and comes out the same as from a mapping: self-edges, duplicates and edges leaving
the index dropped, targets sorted."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from monell.corpus import schema
from monell.research import index as index_module
from monell.research.documents import ResearchDocument
from monell.research.index import _Opinions, write_graph
from monell.research.precedents import citation_graph
from monell.storage.database import make_engine, migrate

KNOWN = (1, 2, 3, 5, 8, 13)
GRAPH_ARRAYS = (
    "opinion",
    "court",
    "date",
    "court_names",
    "citing",
    "offsets",
    "cited",
    "authorities",
    "citer_offsets",
    "citers",
    "citer_age",
)


def _opinions(ids: Iterable[int]) -> _Opinions:
    seen = _Opinions()
    for i in ids:
        court = "scotus" if i % 2 else "ca8"
        seen.add(ResearchDocument(i, f"Case {i}", court, dt.date(2000, 1, i), "Published", (), ""))
    return seen


def _graph(directory: Path, cites: index_module.CitationEdges, ids: Iterable[int] = KNOWN) -> dict:
    directory.mkdir()
    write_graph(directory, _opinions(ids), cites)
    return {name: np.load(directory / "graph" / f"{name}.npy") for name in GRAPH_ARRAYS}


def _assert_identical(a: dict, b: dict) -> None:
    for name in GRAPH_ARRAYS:
        assert a[name].dtype == b[name].dtype, name
        assert a[name].shape == b[name].shape, name
        assert a[name].tobytes() == b[name].tobytes(), name


def _reference(ids: Iterable[int], cites: Mapping[int, Iterable[int]]) -> tuple[list, ...]:
    """The dict-of-lists construction the streaming build replaced."""
    known = set(ids)
    citing, offsets, cited = [], [0], []
    for source in sorted(cites):
        targets = sorted({t for t in cites[source] if t in known and t != source})
        if source in known and targets:
            citing.append(source)
            cited.extend(targets)
            offsets.append(len(cited))
    return citing, offsets, cited


# 2 cites itself; 99 and 100 are not indexed (as target and as source); 3 → 5 is repeated
# in the mapping (the store's primary key cannot hold a repeat).
STORE_EDGES = [(1, 2), (1, 3), (1, 99), (2, 2), (2, 1), (3, 13), (3, 5), (8, 1), (100, 1)]
MAPPING = {3: [13, 5, 5, 13], 1: [99, 3, 2, 3], 2: [2, 1, 1], 100: [1], 8: [1, 1]}


def _clear_edges(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(schema.edges))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> sa.Engine:
    # PostgreSQL streams through a server-side cursor (yield_per), SQLite through fetchmany.
    if request.param == "postgres":
        engine = request.getfixturevalue("postgres")(_clear_edges)
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.edges),
            [
                {"citing_opinion_id": a, "cited_opinion_id": b, "depth": 1, "origin": "bulk"}
                for a, b in STORE_EDGES
            ],
        )
    return engine


def test_streamed_store_graph_is_byte_identical_to_the_mapping(
    store: sa.Engine, tmp_path: Path
) -> None:
    streamed = _graph(tmp_path / "streamed", citation_graph(store))
    mapped = _graph(tmp_path / "mapped", MAPPING)
    _assert_identical(streamed, mapped)
    assert streamed["citing"].tolist() == [1, 2, 3, 8]
    assert streamed["offsets"].tolist() == [0, 2, 3, 5, 6]
    assert streamed["cited"].tolist() == [2, 3, 1, 5, 13, 1]


def test_store_graph_is_a_lazy_ordered_stream_not_a_dict(store: sa.Engine) -> None:
    edges = citation_graph(store)
    assert inspect.isgenerator(edges)
    assert not isinstance(edges, Mapping)
    assert next(edges) == (1, 2)
    assert list(edges) == sorted(STORE_EDGES)[1:]


def test_an_empty_graph_keeps_the_format(tmp_path: Path) -> None:
    for name, cites in (("mapping", {}), ("pairs", iter(())), ("no opinions", {1: [2]})):
        ids = () if name == "no opinions" else KNOWN
        graph = _graph(tmp_path / name, cites, ids)
        assert graph["citing"].dtype == graph["cited"].dtype == np.int64
        assert graph["offsets"].tolist() == [0]
        assert graph["cited"].tolist() == []


def test_pairs_out_of_citing_order_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ordered by citing opinion id"):
        _graph(tmp_path / "g", [(3, 1), (1, 2)])


edge_lists = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(edges=edge_lists, known=st.sets(st.integers(0, 12)), chunk=st.integers(1, 7))
def test_blocks_of_any_size_give_the_reference_graph(
    edges: list[tuple[int, int]], known: set[int], chunk: int
) -> None:
    # Tiny blocks: one citing id's edges straddle several of them, and a block can end
    # exactly where the pairs do.
    mapping: dict[int, list[int]] = {}
    for a, b in edges:
        mapping.setdefault(a, []).append(b)
    ids = np.array(sorted(known), dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "_EDGE_CHUNK", chunk)
        from_pairs = index_module._citation_csr(ids, iter(sorted(edges, key=lambda e: e[0])))
        from_mapping = index_module._citation_csr(ids, index_module._mapping_pairs(mapping))
    want = _reference(known, mapping)
    for got in (from_pairs, from_mapping):
        assert [a.tolist() for a in got] == list(want)
        assert all(a.dtype == np.int64 for a in got)
