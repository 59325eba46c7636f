"""Comparables on the small fixture database, loaded through part A's importer.

Fixture (tests/exposure/fixtures/settlements_small.csv): five Kansas City payouts (four
excessive force, one false arrest), one St. Louis, three Chicago (one without an amount).
"""

from __future__ import annotations

from decimal import Decimal

from monell.exposure.comparables import (
    CAVEAT,
    build_comparables,
    comparables_from_store,
    incident_categories,
)
from monell.exposure.cpi import load_cpi
from monell.exposure.models import Tier
from monell.payouts.store import SettlementStore
from tests.exposure.conftest import make_incident

SHERIFF = {"name": "Jackson County Sheriff's Office", "kind": "county_sheriff"}


def tiers(result) -> dict[str, list[str]]:
    return {t.tier.value: [c.matter_name.split(" v.")[0] for c in t.cases] for t in result.tiers}


def test_tiers_nearest_first_for_a_city_police_incident(store: SettlementStore) -> None:
    result = comparables_from_store(make_incident(), store, load_cpi(), 2020)
    assert [t.tier for t in result.tiers] == list(Tier)
    # Within a tier, nearest in time to the 2017 incident first, then larger amounts
    # (Baker 2018 and Evans 2016 are both a year away; Baker paid more).
    assert tiers(result) == {
        "same_agency": ["Davis", "Baker", "Evans", "Able"],
        "same_city": [],
        "same_state": ["Fox"],
        "anywhere": ["Gray", "Hill"],
    }
    assert result.matched == 8  # the false-arrest payout is another category
    assert result.excluded_no_amount == 1  # Irwin has no amount
    assert result.caveat == CAVEAT and "NOT comparable across cities" in result.caveat


def test_a_sheriff_in_the_same_city_is_not_the_same_agency(store: SettlementStore) -> None:
    incident = make_incident(agency=SHERIFF, county="Jackson")
    result = comparables_from_store(incident, store, load_cpi(), 2020)
    assert tiers(result)["same_agency"] == []
    assert tiers(result)["same_city"] == ["Davis", "Baker", "Evans", "Able"]


def test_tier_statistics_are_in_one_years_dollars(store: SettlementStore) -> None:
    cpi = load_cpi()
    result = comparables_from_store(make_incident(), store, cpi, 2020)
    same_agency = result.tiers[0]
    expected = sorted(
        cpi.adjust(Decimal(a), y, 2020)
        for a, y in ((30000, 2017), (40000, 2016), (200000, 2018), (100000, 2015))
    )
    assert sorted(c.adjusted for c in same_agency.cases) == expected
    assert same_agency.quantiles.count == 4
    assert same_agency.quantiles.median == ((expected[1] + expected[2]) / 2).quantize(
        Decimal("0.01")
    )
    # Adjusting to a year changes the figures, never the order or the counts.
    in_2016 = comparables_from_store(make_incident(), store, cpi, 2016)
    assert in_2016.tiers[0].quantiles.count == 4
    assert in_2016.tiers[0].quantiles.median < same_agency.quantiles.median


def test_default_year_is_the_latest_in_the_table(store: SettlementStore) -> None:
    result = comparables_from_store(make_incident(), store, load_cpi())
    assert result.dollars_year == load_cpi().latest_year


def test_deadly_force_also_matches_wrongful_death() -> None:
    incident = make_incident(conduct=["deadly_force"])
    assert incident_categories(incident) == ("deadly_force", "wrongful_death")


def test_no_matching_category_gives_empty_tiers(store: SettlementStore) -> None:
    incident = make_incident(conduct=["denial_of_medical_care"])
    result = build_comparables(incident, store.query(), load_cpi(), 2020)
    assert result.matched == 0
    assert all(t.quantiles.count == 0 and t.quantiles.median is None for t in result.tiers)
