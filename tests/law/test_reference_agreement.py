"""The law data agrees with the shared reference tables, except for listed, sourced changes.

../shared/data/reference is where the data started. A change of period, statute, tolling
age or Supreme Court citation away from it must be deliberate: it goes in ALLOWED below with
the source that justifies it (the same source must be in the row's `sources`). Anything else
that differs is an accident and fails.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.law.conftest import read_rows

# (file, state or key, column) -> (our value, reference value, source for the change)
ALLOWED: dict[tuple[str, str, str], tuple[str, str, str]] = {
    ("tolling.csv", "GA", "age"): (
        "18",
        "",
        "Ga. Code Ann. § 9-3-90(b) (statute text, law.justia.com). Reference blank = not "
        "researched.",
    ),
    ("tolling.csv", "IL", "age"): (
        "18",
        "",
        "735 ILCS 5/13-211(a) (statute text, P.A. 98-1077); Wallace v. Kato, 549 U.S. 384 "
        "(2007) applies it to a § 1983 claim. Reference blank = not researched.",
    ),
    ("tolling.csv", "AZ", "age"): (
        "18",
        "",
        "Ariz. Rev. Stat. § 12-502 (statute text, azleg.gov). Reference blank = not researched.",
    ),
    ("tolling.csv", "CA", "age"): (
        "18",
        "",
        "Cal. Civ. Proc. Code § 352(a) (statute text); City of Huntington Park v. Superior "
        "Court, 34 Cal. App. 4th 1293 (1995) applies it to § 1983. Reference blank = not "
        "researched.",
    ),
    ("tolling.csv", "MA", "age"): (
        "18",
        "",
        "Mass. Gen. Laws ch. 260 § 7 (statute text); 384 Mass. 57 (1981); Kennedy v. Town of "
        "Billerica (1st Cir.) in the sample. Reference blank = not researched.",
    ),
    ("tolling.csv", "NJ", "age"): (
        "18",
        "",
        "N.J. Stat. Ann. § 2A:14-21 (statute text); Green v. Auerbach Chevrolet Corp., 127 N.J. "
        "591 (1992). Reference blank = not researched.",
    ),
    ("tolling.csv", "NY", "age"): (
        "18",
        "",
        "N.Y. C.P.L.R. 208(a) (statute text, nysenate.gov); Henry v. City of New York, 94 N.Y.2d "
        "275 (1999). Reference blank = not researched.",
    ),
    ("tolling.csv", "OH", "age"): (
        "18",
        "",
        "Ohio Rev. Code § 2305.16 (statute text as quoted by a secondary page). Reference blank "
        "= not researched.",
    ),
    ("tolling.csv", "PA", "age"): (
        "18",
        "",
        "42 Pa. Cons. Stat. § 5533(b)(1) (statute text); S.J. v. Gardner, 167 A.3d 136 (Pa. "
        "Super. 2017). Reference blank = not researched.",
    ),
    ("tolling.csv", "TX", "age"): (
        "18",
        "",
        "Tex. Civ. Prac. & Rem. Code § 16.001 (statute text); Clyce v. Butler (5th Cir. 2017). "
        "Reference blank = not researched.",
    ),
    ("tolling.csv", "TN", "age"): (
        "18",
        "",
        "Tenn. Code Ann. § 28-1-106 (2000 Code text as quoted by a Tennessee Court of Appeals "
        "opinion, single source). Reference blank = not researched.",
    ),
    ("tolling.csv", "VA", "age"): (
        "18",
        "",
        "Va. Code Ann. § 8.01-229(A)(1) (statute text as quoted by a secondary page). "
        "Reference blank = not researched.",
    ),
    ("tolling.csv", "WA", "age"): (
        "18",
        "",
        "Wash. Rev. Code § 4.16.190 (statute text, leg.wa.gov). Reference blank = not researched.",
    ),
}


def _reference(shared: Path, name: str) -> list[dict[str, str]]:
    with (shared / "reference" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _differences(
    file: str, key: str, pairs: list[tuple[str, str, str]]
) -> list[tuple[tuple[str, str, str], tuple[str, str]]]:
    return [((file, key, col), (ours, ref)) for col, ours, ref in pairs if ours != ref]


def _check(found: list[tuple[tuple[str, str, str], tuple[str, str]]]) -> None:
    unexplained = [
        f"{where}: ours {values[0]!r}, reference {values[1]!r}"
        for where, values in found
        if where not in ALLOWED or ALLOWED[where][:2] != values
    ]
    assert not unexplained, "unexplained differences from the reference:\n" + "\n".join(unexplained)


# Periods the reference records as one row and a note, split here so that the earlier,
# safer deadline is the one shown (state, years, statute, accrued_from, why).
SPLIT_PERIODS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "FL": (
        (
            "2",
            "Fla. Stat. § 95.11(4)(a) (negligence, as amended by 2023 Fla. Laws ch. 2023-15)",
            "2023-03-25",
            "sol_by_state.csv's Florida note: 2023 Fla. Laws ch. 2023-15 cut negligence to two "
            "years; whether § 1983 borrows it is unsettled, so the shorter period is shown, "
            "disputed",
        ),
    ),
}


def test_limitation_periods_match_sol_by_state_and_history(shared: Path) -> None:
    by_state = {r["state"]: r for r in _reference(shared, "sol_by_state.csv")}
    history: dict[str, list[dict[str, str]]] = {}
    for r in _reference(shared, "sol_history.csv"):
        history.setdefault(r["state"], []).append(r)
    ours: dict[str, list[dict[str, str]]] = {}
    for r in read_rows("limitations.csv"):
        ours.setdefault(r["state"], []).append(r)
    assert set(ours) == set(by_state), "one or more periods for each of the 50 states and DC"
    found = []
    for state, rows in sorted(ours.items()):
        if state in history:
            ref_rows = sorted(history[state], key=lambda r: r["applies_to_injuries_from"])
            assert len(rows) == len(ref_rows), f"{state}: number of periods differs"
            for n, (mine, ref) in enumerate(zip(rows, ref_rows, strict=True)):
                found += _differences(
                    "limitations.csv",
                    f"{state}#{n}",
                    [
                        ("years", mine["years"], ref["years"]),
                        ("statute", mine["statute"], ref["statute"]),
                        ("accrued_from", mine["accrued_from"], ref["applies_to_injuries_from"]),
                        ("accrued_until", mine["accrued_until"], ref["applies_to_injuries_until"]),
                    ],
                )
        else:
            # A period split beyond the reference (a change it does not record) must be listed
            # in SPLIT_PERIODS with its source; the first row is compared with the reference.
            assert len(rows) == 1 + len(SPLIT_PERIODS.get(state, ())), (
                f"{state}: several periods but no sol_history.csv entry or SPLIT_PERIODS entry"
            )
            for later, (years, statute, since, why) in zip(
                rows[1:], SPLIT_PERIODS.get(state, ()), strict=True
            ):
                assert (later["years"], later["statute"], later["accrued_from"]) == (
                    years,
                    statute,
                    since,
                ), why
                assert later["confidence"] == "disputed", f"{state}: {why}"
            mine = rows[0]
            ref = by_state[state]
            found += _differences(
                "limitations.csv",
                state,
                [
                    ("years", mine["years"], ref["years"]),
                    ("statute", mine["statute"], ref["statute"]),
                ],
            )
    _check(found)


def test_minority_tolling_matches_reference_where_it_was_researched(shared: Path) -> None:
    by_state = {r["state"]: r for r in _reference(shared, "sol_by_state.csv")}
    ours = {r["state"]: r for r in read_rows("tolling.csv") if r["kind"] == "minority"}
    found = []
    for state, ref in by_state.items():
        mine = ours.get(state)
        found += _differences(
            "tolling.csv",
            state,
            [("age", mine["age"] if mine else "", ref["minority_tolling_age"])],
        )
        if mine and ref["minority_tolling_statute"]:
            found += _differences(
                "tolling.csv",
                state,
                [("statute", mine["statute"], ref["minority_tolling_statute"])],
            )
    _check(found)


def test_allowed_changes_are_cited_in_the_rows() -> None:
    tolling = {r["state"]: r for r in read_rows("tolling.csv")}
    for (file, key, _column), (_ours, _ref, source) in ALLOWED.items():
        assert file == "tolling.csv", "add the lookup for a new file here"
        statute = source.split(" (")[0]
        assert statute in tolling[key]["statute"], f"{key}: allowed source not in the row"


def test_doctrine_cases_are_in_authorities_with_the_same_citation(shared: Path) -> None:
    ours = {r["key"]: r for r in read_rows("authorities.csv")}
    for ref in _reference(shared, "doctrine.csv"):
        assert ref["key"] in ours, f"doctrine.csv {ref['key']} missing from authorities.csv"
        mine = ours[ref["key"]]
        assert mine["name"] == ref["case_name"], ref["key"]
        assert mine["citation"] == ref["citation"], ref["key"]
        assert mine["year"] == ref["year"], ref["key"]
        if ref["decided"]:
            assert mine["decided"] == ref["decided"], ref["key"]


def test_courts_match_courts_by_state(shared: Path) -> None:
    ref = {r["state"]: r for r in _reference(shared, "courts_by_state.csv")}
    ours = {r["state"]: r for r in read_rows("courts.csv")}
    assert set(ours) == set(ref)
    for state, mine in ours.items():
        for column in ("circuit", "districts", "high_court"):
            assert mine[column] == ref[state][column], f"courts.csv {state} {column}"


def test_rows_above_unverified_name_more_than_the_reference_table() -> None:
    """Confidence rises only with a recorded source beyond the table the row started from."""
    # what the rows say for the two reference tables they started from (doctrine, periods)
    tables = (
        "case name and U.S. Reports citation as in CourtListener's records",
        "the commonly cited period in secondary sources (not yet checked against the statute)",
        "the commonly cited period in secondary sources",
    )
    for name in ("authorities.csv", "limitations.csv", "tolling.csv", "suable_entities.csv"):
        for n, row in enumerate(read_rows(name), start=2):
            if row["confidence"] == "unverified":
                continue
            rest = row["sources"]
            for table in tables:
                rest = rest.replace(table, "")
            assert len(rest.strip(" ;()")) > 20, f"{name}:{n}: only the reference table"
