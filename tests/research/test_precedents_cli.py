"""`monell precedents` and the `precedents` section on the shared sample, real model.

One database (scotus.jsonl loaded by the corpus loader) and one index build per session: the
embedding model loads once, and the corpus stays small so the whole file runs in about a
minute on two cores.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from monell.cli.main import cli
from monell.domain.assess import assess
from monell.intake import load_incident
from monell.report.sections import SectionContext, build_sections
from monell.storage.database import open_database

REPO = Path(__file__).resolve().parents[2]
INCIDENT = REPO / "examples" / "st_louis_excessive_force.yaml"  # MO → ca8, 2021-03-10
RESULT_KEYS = {
    "case_name",
    "court",
    "date_filed",
    "citation",
    "verified",
    "binding",
    "qi_outcome",
    "score",
    "passage",
}


@pytest.fixture(scope="session")
def sample_url(tmp_path_factory: pytest.TempPathFactory, shared_opinions: Path) -> str:
    from monell.corpus.ingest_jsonl import load_jsonl

    url = f"sqlite:///{tmp_path_factory.mktemp('research') / 'sample.sqlite3'}"
    engine = open_database(url)
    load_jsonl(engine, shared_opinions / "scotus.jsonl")
    engine.dispose()
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="session")
def incident_json(sample_url: str) -> dict:
    code, out, err = run(
        "precedents", str(INCIDENT), "--format", "json", "--db", sample_url, "--limit", "5"
    )
    assert code == 0, err
    return json.loads(out)


def test_incident_results_are_binding_and_before_the_date(incident_json: dict) -> None:
    assert incident_json["retrieval"] == "hybrid"
    assert incident_json["binding_courts"] == ["scotus", "ca8"]
    claims = {c["claim"]: c for c in incident_json["claims"]}
    assert set(claims) == {"excessive_force", "false_arrest", "first_amendment_retaliation"}
    for claim in claims.values():
        assert claim["results"], claim["claim"]
        for r in claim["results"]:
            assert r.keys() >= RESULT_KEYS
            assert r["binding"] is True and r["court"] == "scotus"
            assert r["date_filed"] < "2021-03-10"
            assert r["passage"]
    names = {r["case_name"] for c in claims.values() for r in c["results"]}
    # Decided after the incident (2021-10-18): never offered as law that bound the officer.
    assert "City of Tahlequah v. Bond" not in names
    assert "Rivas-Villegas v. Cortesluna" not in names
    force = [r["case_name"] for r in claims["excessive_force"]["results"]]
    assert {
        "Graham v. Connor",
        "Saucier v. Katz",
        "Tennessee v. Garner",
        "Scott v. Harris",
        "Plumhoff v. Rickard",
        "Kingsley v. Hendrickson",
        "Mullenix v. Luna",
        "Kisela v. Hughes",
        "Brosseau v. Haugen",
    } & set(force)


def test_results_are_ordered_by_the_learned_ranker(incident_json: dict) -> None:
    results = [r for c in incident_json["claims"] for r in c["results"]]
    assert results and all(r["reranked"] for r in results)
    for claim in incident_json["claims"]:
        scores = [r["score"] for r in claim["results"]]
        assert scores == sorted(scores, reverse=True)  # best first, as the ranker estimates
        assert all(0 < s < 1 for s in scores)  # an estimated chance, not an RRF sum
        assert all(r["rrf_score"] > 0 for r in claim["results"])  # every result was fused


def test_citations_are_verified_or_marked(incident_json: dict) -> None:
    results = [r for c in incident_json["claims"] for r in c["results"]]
    for r in results:
        if r["verified"]:
            assert r["citation"] and r["citation_status"] == "found"
        else:
            assert r["citation_status"] in {"no_citation", "not_in_corpus", "mismatch", "invalid"}
    assert any(r["verified"] for r in results)


def test_markdown_marks_unverified(sample_url: str) -> None:
    code, out, _ = run(
        "precedents",
        "search",
        "officers shot a fleeing driver",
        "--circuit",
        "ca8",
        "--decided-before",
        "2021-03-10",
        "--db",
        sample_url,
    )
    assert code == 0
    assert "binding" in out
    if "no reporter citation" in out:
        assert "[UNVERIFIED" in out
    # The reader is told what the score is: an ordering, not a chance of winning.
    assert "learned ranker" in out and "is not a probability" in out


def test_free_search_filters_court_and_date(sample_url: str) -> None:
    code, out, err = run(
        "precedents",
        "search",
        "deadly force fleeing vehicle",
        "--circuit",
        "ca8",
        "--decided-before",
        "2015-01-01",
        "--format",
        "json",
        "--limit",
        "8",
        "--db",
        sample_url,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["courts"] == ["scotus", "ca8"]
    assert data["results"]
    for r in data["results"]:
        assert r.keys() >= RESULT_KEYS
        assert r["date_filed"] < "2015-01-01"
    assert "Mullenix v. Luna" not in {r["case_name"] for r in data["results"]}  # 2015-11-09


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "force", "--circuit", "moed"], "not a federal court of appeals"),
        (["search", "force", "--decided-before", "2021-13-45"], "not a date"),
        (["search", "  "], "QUERY is empty"),
        (["no/such/incident.yaml"], "no such file"),
    ],
)
def test_bad_input_exits_2(sample_url: str, args: list[str], message: str) -> None:
    code, _, err = run("precedents", *args, "--db", sample_url)
    assert code == 2 and message in err


def test_empty_database_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run("precedents", str(INCIDENT), "--db", f"sqlite:///{tmp_path / 'e.db'}")
    assert code == 2 and "no opinions" in err


def test_assess_section_present_with_corpus(sample_url: str, incident_json: dict) -> None:
    assessment = assess(load_incident(INCIDENT))
    out = build_sections(assessment, SectionContext(db_url=sample_url))
    assert "precedents" in out
    schema = json.loads(
        (
            resources.files("monell.report") / "schema" / "sections" / "precedents.schema.json"
        ).read_text()
    )
    jsonschema.validate(out["precedents"], schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(incident_json, schema, cls=jsonschema.Draft202012Validator)


def test_assess_section_absent_without_corpus(tmp_path: Path) -> None:
    assessment = assess(load_incident(INCIDENT))
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    open_database(empty).dispose()
    for url in (None, empty, f"sqlite:///{tmp_path / 'missing.sqlite3'}"):
        assert "precedents" not in build_sections(assessment, SectionContext(db_url=url))
    assert not (tmp_path / "missing.sqlite3").exists()


def test_assess_cli_includes_precedents(sample_url: str, incident_json: dict) -> None:
    code, out, err = run("assess", str(INCIDENT), "--format", "json", "--db", sample_url)
    assert code == 0, err
    assert json.loads(out)["precedents"]["claims"]
