"""`monell assess` gains payers (always), comparables and pattern_evidence (with settlements)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import Engine

from monell.domain.assess import assess
from monell.exposure import render
from monell.report.sections import SectionContext, build_sections, registered
from monell.storage.database import make_engine, migrate
from tests.exposure.conftest import make_incident

KEYS = ("payers", "comparables", "pattern_evidence")


def schema(key: str) -> dict:
    base = resources.files("monell.report") / "schema" / "sections"
    return json.loads((base / f"{key}.schema.json").read_text())


def validate(key: str, data: object) -> None:
    jsonschema.validate(data, schema(key), cls=jsonschema.Draft202012Validator)


def test_sections_are_registered_with_html() -> None:
    sections = {s.key: s for s in registered()}
    for key in KEYS:
        assert sections[key].html is not None


def test_without_a_database_only_payers(tmp_path: Path) -> None:
    missing = tmp_path / "never.sqlite3"
    for url in (None, f"sqlite:///{missing}"):
        out = build_sections(assess(make_incident()), SectionContext(db_url=url))
        assert "payers" in out
        assert "comparables" not in out and "pattern_evidence" not in out
        validate("payers", out["payers"])
    assert not missing.exists()  # assessing never creates a database


def test_empty_database_leaves_settlement_sections_out(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    out = build_sections(assess(make_incident()), SectionContext(db_url=url))
    assert set(out) & set(KEYS) == {"payers"}


def test_loaded_database_adds_all_three(loaded_engine: Engine, db_url: str) -> None:
    out = build_sections(assess(make_incident()), SectionContext(db_url=db_url))
    for key in KEYS:
        validate(key, out[key])
    assert out["comparables"]["tiers"][0]["count"] == 4
    assert out["pattern_evidence"]["count"] == 2
    assert "NOT comparable across cities" in out["comparables"]["caveat"]


def test_out_of_state_payers_section_is_unknown_with_request() -> None:
    incident = make_incident(
        state="IL", city="Chicago",
        agency={"name": "Chicago Police Department", "kind": "municipal_police"},
    )  # fmt: skip
    out = build_sections(assess(incident), SectionContext(db_url=None))
    validate("payers", out["payers"])
    assert out["payers"]["known"] is False
    assert "public-records law" in out["payers"]["records_request"]["text"]


def test_html_embeds_charts_and_escapes_settlement_text(loaded_engine: Engine, db_url: str) -> None:
    out = build_sections(assess(make_incident()), SectionContext(db_url=db_url))
    comparables = render.comparables_html(out["comparables"])
    pattern = render.pattern_html(out["pattern_evidence"])
    for page in (comparables, pattern):
        assert '<img alt="' in page and 'src="data:image/png;base64,' in page
    hostile = json.loads(json.dumps(out["pattern_evidence"]))
    hostile["by_year"][0]["cases"][0]["matter_name"] = "<script>alert(1)</script> v. City"
    page = render.pattern_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<table>" in render.payers_html(out["payers"])


@pytest.mark.parametrize("key", KEYS)
def test_markdown_prints_confidence_and_caveat(
    key: str, loaded_engine: Engine, db_url: str
) -> None:
    out = build_sections(assess(make_incident()), SectionContext(db_url=db_url))
    section = next(s for s in registered() if s.key == key)
    text = section.markdown(out[key])
    if key == "payers":
        assert "unverified [check]" in text and "Sunshine Law" in text
    else:
        assert "NOT comparable across cities" in text
