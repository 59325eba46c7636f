"""`monell precedents search` and `monell precedents INCIDENT` with the factually similar list,
on the Supreme Court priority sample and the First Circuit § 1983 sample (BM25 only, so the
session needs no embedding model; the ranking's text part is then facts-section BM25).

The issue's check: "excessive force against an arrestee who was not resisting", ca1, before
2010 returned ten Supreme Court decisions headed by Harlow v. Fitzgerald (White House aides, no
force at all). The similar list must hold First Circuit opinions whose own facts match, and no
Supreme Court opinion whose facts do not.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from monell.cli.main import cli
from monell.research.facts import generic_facts
from monell.storage.database import open_database

REPO = Path(__file__).resolve().parents[2]
QUERY = "excessive force against an arrestee who was not resisting"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, shared_opinions: Path) -> str:
    from monell.corpus.ingest_jsonl import load_jsonl

    url = f"sqlite:///{tmp_path_factory.mktemp('similar-cli') / 'sample.sqlite3'}"
    engine = open_database(url)
    for name in ("scotus.jsonl", "ca1_1983.jsonl"):
        load_jsonl(engine, shared_opinions / name)
    engine.dispose()
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def search(db: str) -> dict:
    code, out, err = run(
        "precedents",
        "search",
        QUERY,
        "--circuit",
        "ca1",
        "--decided-before",
        "2010-01-01",
        "--format",
        "json",
        "--bm25-only",
        "--db",
        db,
    )
    assert code == 0, err
    return json.loads(out)


def test_search_keeps_its_keys_and_adds_the_similar_list(search: dict) -> None:
    assert {
        "query",
        "circuit",
        "courts",
        "decided_before",
        "retrieval",
        "warning",
        "results",
    } <= set(search)
    assert {f["fact"] for f in search["query_facts"]} >= {"force_used", "not_resisting", "arrest"}
    assert search["similar_precedent"]


def test_harlow_is_not_similar_first_circuit_facts_are(search: dict) -> None:
    similar = search["similar_precedent"]
    names = [p["case_name"] for p in similar]
    assert "Harlow v. Fitzgerald" not in names
    first_circuit = [p for p in similar if p["court"] == "ca1"]
    assert len(first_circuit) >= len(similar) // 2
    for p in similar:
        assert p["date_filed"] < "2010-01-01"
        assert p["shared_facts"] and p["facts_passage"]
        assert p["qi_result"] in {"granted", "denied", "not_reached"}
        for shared in p["shared_facts"]:
            assert shared["opinion"]  # the sentence of its facts section stating the fact
        shared_facts = {f["fact"] for f in p["shared_facts"]}
        if p["landmark"]:  # a landmark only on its own facts
            assert p["supreme_court"] and len(shared_facts) >= 2
        if p["supreme_court"]:  # never on "an arrest" or "force" alone
            assert shared_facts - generic_facts()
        assert p["why"].startswith("its facts section states")
    assert search["clearly_established"]["corpus_opinions"] == 166


def test_incident_gets_governing_standard_similar_list_and_summary(db: str) -> None:
    incident = REPO / "examples" / "st_louis_excessive_force.yaml"  # MO → ca8: no ca8 corpus
    code, out, err = run("precedents", str(incident), "--format", "json", "--bm25-only", "--db", db)
    assert code == 0, err
    data = json.loads(out)
    schema = json.loads(
        resources.files("monell.report")
        .joinpath("schema/sections/precedents.schema.json")
        .read_text()
    )
    jsonschema.validate(data, schema)
    force = next(c for c in data["claims"] if c["claim"] == "excessive_force")
    assert any(a["name"] == "Graham v. Connor" for a in force["governing_standard"])
    for p in force["similar_precedent"]:
        assert p["court"] in {"scotus", "ca1"}
        assert p["binding"] == (p["court"] == "scotus")  # ca1 is persuasive for Missouri
    summary = force["clearly_established"]
    if summary["answer"] == "none_found":
        assert (
            "no binding precedent on similar facts found in the loaded corpus"
            in summary["statement"]
        )
        assert "166 opinions" in summary["statement"]
    else:  # only the Supreme Court binds in Missouri within this corpus
        assert all(p["court"] == "scotus" for p in summary["precedents"])
    code, md, _ = run("precedents", str(incident), "--format", "md", "--bm25-only", "--db", db)
    assert code == 0 and "Clearly established?" in md and "Factually similar precedent" in md
