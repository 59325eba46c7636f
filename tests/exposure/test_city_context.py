"""Same-city context: when no payout of the incident's city matches its conduct categories
(St. Louis files describe every case as "Civil Rights §1983-not employment"), the city's
payouts are shown as context, labelled unmatched by category, with the caveat."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from monell.domain.incident import parse_incident
from monell.exposure.comparables import (
    CITY_CONTEXT_CAVEAT,
    CITY_CONTEXT_LABEL,
    comparables_from_store,
)
from monell.exposure.cpi import load_cpi
from monell.exposure.render import comparables_html, comparables_markdown
from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore
from monell.storage.database import make_engine, migrate
from tests.exposure.conftest import make_incident

REPO = Path(__file__).resolve().parents[2]
ST_LOUIS_FILE = REPO / "data" / "settlements" / "st_louis_mo" / "stlouis_edited.csv"
EXAMPLE = REPO / "examples" / "st_louis_excessive_force.yaml"
SCHEMA = REPO / "src" / "monell" / "report" / "schema" / "sections" / "comparables.schema.json"


@pytest.fixture
def st_louis_store(tmp_path: Path) -> SettlementStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'stl.sqlite3'}")
    migrate(engine)
    import_files(engine, [ST_LOUIS_FILE])
    return SettlementStore(engine)


def _example():  # type: ignore[no-untyped-def]
    import datetime as dt

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return parse_incident(data, today=dt.date(2024, 1, 10))


def test_the_st_louis_example_shows_the_citys_14_payouts_as_context(
    st_louis_store: SettlementStore,
) -> None:
    incident = _example()
    result = comparables_from_store(incident, st_louis_store, load_cpi(), 2020)
    by_tier = {t.tier.value: t.quantiles.count for t in result.tiers}
    assert by_tier["same_agency"] == by_tier["same_city"] == 0
    context = result.city_context
    assert context is not None
    assert (context.city, context.state) == ("St. Louis", "MO")
    # all 14 rows of the city's file, none of them matched by category
    assert len(context.cases) + context.excluded_no_amount + context.excluded_no_year == 14
    assert context.quantiles.count == len(context.cases) > 0
    assert all(c.city == "St. Louis" for c in context.cases)
    data = result.to_json(limit=5)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    shown = data["city_context"]
    assert shown["label"] == CITY_CONTEXT_LABEL == "unmatched by category"
    assert shown["caveat"] == CITY_CONTEXT_CAVEAT
    assert shown["cases_shown"] == min(5, len(context.cases))
    years = [abs(c["year"] - incident.incident_date.year) for c in shown["cases"]]
    assert years == sorted(years)  # nearest in time first
    md = comparables_markdown(data)
    assert "Same city, unmatched by category: St. Louis, MO." in md
    assert "Civil Rights §1983-not employment" in md  # the caveat says why
    assert "Same city, unmatched by category" in comparables_html(data)


def test_no_context_when_the_city_has_matching_payouts(store: SettlementStore) -> None:
    """Kansas City's fixture payouts match excessive force: the tiers speak for themselves."""
    result = comparables_from_store(make_incident(), store, load_cpi(), 2020)
    assert result.city_context is None
    assert result.to_json()["city_context"] is None
    assert "unmatched by category" not in comparables_markdown(result.to_json())


def test_no_context_when_the_city_has_no_payouts_at_all(st_louis_store: SettlementStore) -> None:
    incident = make_incident(city="Springfield")
    result = comparables_from_store(incident, st_louis_store, load_cpi(), 2020)
    assert result.city_context is None
