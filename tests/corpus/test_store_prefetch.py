"""`cite verify` against the opinion store fetches a text's citations in one query per batch
(StoreCitationIndex.prefetch), and answers exactly as one query per citation did."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from monell.corpus import store as store_module
from monell.corpus.store import StoreCitationIndex
from monell.law.verify import ChainedIndex, CitationIndex, CorpusEntry, bundled_index
from monell.law.verify_text import verify_text
from monell.storage.database import open_database

from .conftest import SHARED_OPINIONS


class Unbatched(StoreCitationIndex):
    """The index as it was: no prefetch, one query per citation."""

    def prefetch(self, canonicals: object) -> None:
        CitationIndex.prefetch(self, canonicals)  # type: ignore[arg-type]

    def prefetch_names(self, case_names: object) -> None:
        CitationIndex.prefetch_names(self, case_names)  # type: ignore[arg-type]

    def by_name(self, case_name: str) -> list[CorpusEntry]:
        return list(self._query_name(case_name))  # and no cache of names


@pytest.fixture
def engine(sample_db: str) -> Iterator[Engine]:
    eng = open_database(sample_db)
    yield eng
    eng.dispose()


def _counting(engine: Engine) -> list[str]:
    statements: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: statements.append(statement),
    )
    return statements


def _opinion_texts(n: int) -> str:
    """Real Supreme Court § 1983 opinions from the shared sample, as one long brief."""
    with (SHARED_OPINIONS / "scotus_1983.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line, _ in zip(handle, range(n), strict=False)]
    return "\n\n".join(texts)


def _answers(index: CitationIndex, text: str) -> list[tuple[object, ...]]:
    return [
        (r.found.text, r.check.status, r.check.case_name, r.expected_citation)
        for r in verify_text(text, index)
    ]


def test_a_text_is_verified_with_one_citation_query_and_the_same_answers(engine: Engine) -> None:
    text = _opinion_texts(25)
    batched, unbatched = StoreCitationIndex(engine), Unbatched(engine)
    statements = _counting(engine)
    new = _answers(ChainedIndex([bundled_index(), batched]), text)
    new_queries = [s for s in statements if "WHERE corpus_citations.cite" in s]
    name_queries = [s for s in statements if " LIKE " in s]
    assert name_queries and all("UNION ALL" in q for q in name_queries)  # 50 words a query
    statements.clear()
    old = _answers(ChainedIndex([bundled_index(), unbatched]), text)
    old_queries = [s for s in statements if "WHERE corpus_citations.cite" in s]
    assert len([s for s in statements if " LIKE " in s]) > 10 * len(name_queries)
    assert new == old
    found_in_store = [a for a in new if a[1].value == "found"]
    assert len(new) > 100 and found_in_store
    assert len(old_queries) == unbatched._lookup.cache_info().misses > 50  # one per citation
    assert len(new_queries) == 1  # under PREFETCH_BATCH distinct citations: one query
    assert [a for a in new if a[3]]  # some names were found under another citation


def test_prefetch_batches_and_answers_absent_citations_without_a_query(engine: Engine) -> None:
    with engine.connect() as conn:
        stored = sorted(conn.execute(sa.select(store_module._ci.c.cite).distinct()).scalars())
    assert len(stored) > 300
    invented = [f"{v} U.S. {p}" for v in range(900, 903) for p in range(1, 300)]
    wanted = stored + invented  # real citations of the sample and ones no court reported
    index, reference = StoreCitationIndex(engine), Unbatched(engine)
    statements = _counting(engine)
    index.prefetch(wanted)
    batches = -(-len(set(wanted)) // store_module.PREFETCH_BATCH)
    assert len(statements) == batches >= 2
    statements.clear()
    answers = {c: index.lookup(c) for c in wanted}
    assert statements == []  # every answer, present or absent, came from the batches
    assert answers == {c: reference.lookup(c) for c in wanted}
    assert all(answers[c] for c in stored) and not any(answers[c] for c in invented)


def test_citations_outside_the_prefetch_are_still_looked_up(engine: Engine) -> None:
    index = StoreCitationIndex(engine)
    index.prefetch(["436 U.S. 658"])
    with engine.connect() as conn:
        other = conn.execute(
            sa.select(store_module._ci.c.cite).where(store_module._ci.c.cite != "436 U.S. 658")
        ).scalar()
    assert other is not None
    assert index.lookup(other) == Unbatched(engine).lookup(other) != []


@pytest.mark.parametrize("rows", [500, 3])
def test_prefetched_names_answer_as_one_query_per_name(
    engine: Engine, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every case name of the store, a few it does not hold, names sharing their longest
    word, names without one; with the row limit per word in force too (3 rows)."""
    monkeypatch.setattr(store_module, "NAME_ROWS", rows)
    with engine.connect() as conn:
        stored = sorted(conn.execute(sa.select(store_module._c.c.case_name).distinct()).scalars())
    names = [*stored[:400], "Monell v. New York City Dept. of Social Services",
             "Graham v. Connor", "Connor v. Graham", "Nobody v. Nowhere", "U.S. v. 1,000",
             "In re Grand Jury", ""]  # fmt: skip
    index, reference = StoreCitationIndex(engine), Unbatched(engine)
    statements = _counting(engine)
    index.prefetch_names(names)
    words = {store_module._name_word(n) for n in names} - {None}
    assert len(statements) == -(-len(words) // store_module.NAME_BATCH) >= 2
    statements.clear()
    answers = {n: index.by_name(n) for n in names}
    assert statements == []
    assert answers == {n: reference.by_name(n) for n in names}
    assert answers["Graham v. Connor"] and not answers["Nobody v. Nowhere"]
