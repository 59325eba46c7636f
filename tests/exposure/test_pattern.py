"""Pattern evidence: earlier payouts against the same agency and categories, by year."""

from __future__ import annotations

from decimal import Decimal

from monell.exposure.pattern import pattern_from_store
from monell.payouts.store import SettlementStore
from tests.exposure.conftest import make_incident


def test_only_earlier_same_category_payouts_count(store: SettlementStore) -> None:
    evidence = pattern_from_store(make_incident(), store)  # incident 2017-06-01
    assert evidence.city_in_data is True
    cases = [c.matter_name for y in evidence.years for c in y.cases]
    # Able (closed 2015-03-01) and Evans (calendar year 2016, no closing date) count.
    assert cases == ["Able v. Kansas City Board of Police Commissioners", "Evans v. Kansas City"]
    # Baker closed 2018 (after); Davis is from 2017 with no closing date (cannot be placed);
    # Carter is false arrest; St. Louis and Chicago are other agencies.
    assert evidence.excluded_after == 1
    assert evidence.excluded_same_year_undated == 1
    assert [(y.year, y.count, y.total) for y in evidence.years] == [
        (2015, 1, Decimal("100000.00")),
        (2016, 1, Decimal("40000.00")),
    ]
    assert evidence.total == Decimal("140000.00")
    able = evidence.years[0].cases[0]
    assert able.docket_number == "4:14-cv-00001"
    assert able.date_basis == "closed_date"
    assert evidence.years[1].cases[0].date_basis == "calendar_year"


def test_the_other_category_shows_up_when_the_incident_has_it(store: SettlementStore) -> None:
    evidence = pattern_from_store(make_incident(conduct=["false_arrest"]), store)
    assert [c.docket_number for y in evidence.years for c in y.cases] == ["4:13-cv-00003"]


def test_an_incident_before_every_payout_has_none(store: SettlementStore) -> None:
    evidence = pattern_from_store(make_incident(incident_date="2010-01-01"), store)
    assert evidence.count == 0 and evidence.years == ()
    assert evidence.excluded_after == 4


def test_a_city_not_in_the_data_says_so(store: SettlementStore) -> None:
    evidence = pattern_from_store(make_incident(city="Springfield"), store)
    assert evidence.city_in_data is False and evidence.count == 0
