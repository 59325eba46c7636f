"""The shared JSONL sample loads into the store, and the store API reads it back."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from monell.corpus import schema
from monell.corpus.errors import IngestError
from monell.corpus.ingest_jsonl import load_jsonl
from monell.corpus.records import derived_id
from monell.corpus.store import CorpusStore
from monell.storage.database import open_database

from .conftest import SAMPLE_FILES, SHARED_OPINIONS


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(sa.select(t)))
            for t in schema.CORPUS_TABLES
        }


@pytest.mark.parametrize(("name", "records"), sorted(SAMPLE_FILES.items()))
def test_each_sample_file_loads_every_record(engine, name, records):
    loaded, problems = load_jsonl(engine, SHARED_OPINIONS / name)
    assert (loaded, problems) == (records, [])
    assert CorpusStore(engine).count_opinions() == records


def test_all_four_files_give_861_opinions_and_reload_changes_nothing(engine):
    for name in SAMPLE_FILES:
        load_jsonl(engine, SHARED_OPINIONS / name)
    before = _snapshot(engine)
    assert len(before["corpus_opinions"]) == 861
    for name in SAMPLE_FILES:
        load_jsonl(engine, SHARED_OPINIONS / name)
    assert _snapshot(engine) == before


def test_ids_courtlistener_when_given_else_derived_and_record_id_kept(sample_db):
    store = CorpusStore(open_database(sample_db))
    # ca1_1983.jsonl: Crenshaw v. City of Mount Vernon carries courtlistener_opinion_id 3449.
    crenshaw = store.get_opinion(3449)
    assert crenshaw is not None and crenshaw.case_name.startswith("Crenshaw v. City of Mount")
    assert crenshaw.court_id == "ca2"
    mullenix = store.get_opinion(derived_id("opinion", "scotus-14-1143"))
    assert mullenix is not None and mullenix.case_name == "Mullenix v. Luna"
    assert mullenix.opinion_id < 0
    assert mullenix.date_filed == date(2015, 11, 9)
    with store.engine.connect() as conn:
        rid = conn.execute(
            sa.select(schema.opinions.c.source_record_id).where(
                schema.opinions.c.id == mullenix.opinion_id
            )
        ).scalar_one()
    assert rid == "scotus-14-1143"


def test_sibling_opinions_of_one_decision_share_a_cluster(sample_db):
    store = CorpusStore(open_database(sample_db))
    ids = [
        "scotus-14-1143",
        "scotus-14-1143-concurrence-scalia",
        "scotus-14-1143-dissent-sotomayor",
    ]
    clusters = {store.get_opinion(derived_id("opinion", i)).cluster_id for i in ids}
    assert len(clusters) == 1


def test_monell_is_stored_with_its_us_reports_cite(sample_db):
    store = CorpusStore(open_database(sample_db))
    monell = [o for o in store.iter_opinions(courts=["scotus"]) if "436 U.S. 658" in o.citations]
    assert [(o.case_name, o.date_filed) for o in monell] == [
        ("Monell v. Department of Soc. Svcs.", date(1978, 6, 6))
    ]


def test_iter_opinions_filters_court_and_strict_date_and_pages(sample_db):
    store = CorpusStore(open_database(sample_db))
    everything = list(store.iter_opinions(batch_size=37))
    assert len(everything) == 861
    assert [o.opinion_id for o in everything] == sorted(o.opinion_id for o in everything)
    cutoff = date(1989, 5, 15)  # Graham v. Connor's decision date
    before = list(store.iter_opinions(courts=["scotus"], decided_before=cutoff, batch_size=7))
    assert before and all(o.court_id == "scotus" and o.date_filed < cutoff for o in before)
    assert "Graham v. Connor" not in {o.case_name for o in before}
    assert {o.court_id for o in store.iter_opinions(courts=["ca1", "ca2"])} == {"ca1", "ca2"}
    assert list(store.iter_opinions(courts=["ca8"])) == []


def test_citation_index_reads_the_store(sample_db):
    index = CorpusStore(open_database(sample_db)).citation_index()
    [entry] = index.lookup("490 U.S. 386")
    assert (entry.case_name, entry.date_filed, entry.court) == (
        "Graham v. Connor",
        "1989-05-15",
        "scotus",
    )
    assert index.check("490 U.S. 386", "Graham v. Connor").status == "found"
    assert index.check("490 U.S. 386", "Tennessee v. Garner").status == "mismatch"
    assert [e.citation for e in index.by_name("Graham v. Connor")] == ["490 U.S. 386"]


def test_bad_record_names_file_and_line_and_writes_nothing(engine, tmp_path):
    good = (SHARED_OPINIONS / "scotus.jsonl").read_text().splitlines()[:3]
    bad = json.loads(good[1])
    bad["date_filed"] = "15 Nov 2015"
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([good[0], json.dumps(bad), good[2]]) + "\n")
    with pytest.raises(IngestError) as err:
        load_jsonl(engine, path)
    [problem] = err.value.problems
    assert (problem.line, "date_filed" in problem.reason) == (2, True)
    assert str(problem).startswith(f"{path}:2: ")
    assert CorpusStore(engine).count_opinions() == 0
    loaded, skipped = load_jsonl(engine, path, skip_bad=True)
    assert (loaded, len(skipped)) == (2, 1)


def test_schema_module_matches_the_migration(engine):
    inspector = sa.inspect(engine)
    for table in schema.metadata.sorted_tables:
        reflected = {c["name"] for c in inspector.get_columns(table.name)}
        assert reflected == {c.name for c in table.columns}, table.name


def test_unknown_opinion_and_empty_graph(sample_db):
    store = CorpusStore(open_database(sample_db))
    assert store.get_opinion(1) is None
    assert store.cites(1) == [] and store.cited_by(1) == []
