"""Every case citation in the law data is one well-formed reporter citation; every court id exists.

eyecite (the Free Law Project parser) must find exactly one full case citation in
"<citation> (<year>)", its reporter must be one reporters-db knows, and the year must fall
inside the dates of the reporter edition eyecite matched. Court ids are checked against
courts-db, the list CourtListener uses.
"""

from __future__ import annotations

import courts_db
import pytest
from eyecite import get_citations
from eyecite.models import FullCaseCitation
from reporters_db import REPORTERS

from tests.law.conftest import read_rows

CASES = [row for row in read_rows("authorities.csv") if row["kind"] == "case"]
COURT_IDS = {court["id"] for court in courts_db.courts}


@pytest.mark.parametrize("row", CASES, ids=[row["key"] for row in CASES])
def test_case_citation_parses_to_one_known_reporter_in_its_dates(row: dict[str, str]) -> None:
    year = int(row["year"])
    found = get_citations(f"{row['citation']} ({year})")
    full = [c for c in found if isinstance(c, FullCaseCitation)]
    assert len(found) == 1 and len(full) == 1, f"{row['key']}: {found}"
    cite = full[0]
    assert cite.corrected_citation() == row["citation"], "write the citation in its standard form"
    edition = cite.edition_guess
    assert edition is not None, f"{row['key']}: no reporter edition fits {year}"
    # reporters-db files editions (F.2d, F.3d) under their reporter series (F.).
    series = REPORTERS.get(edition.reporter.short_name, [])
    assert any(edition.short_name in variant["editions"] for variant in series), (
        f"{row['key']}: {edition.short_name!r} is not a reporters-db edition"
    )
    assert cite.corrected_reporter() == edition.short_name
    assert edition.start is None or edition.start.year <= year
    assert edition.end is None or year <= edition.end.year
    if row["decided"]:
        assert row["decided"][:4] == row["year"]


@pytest.mark.parametrize("row", CASES, ids=[row["key"] for row in CASES])
def test_case_court_is_a_courts_db_id(row: dict[str, str]) -> None:
    assert row["court"] in COURT_IDS


def test_every_court_id_in_courts_csv_exists_in_courts_db() -> None:
    rows = read_rows("courts.csv")
    assert len(rows) == 51
    for row in rows:
        ids = [row["circuit"], row["high_court"], *row["districts"].split()]
        missing = [i for i in ids if i not in COURT_IDS]
        assert not missing, f"courts.csv {row['state']}: {missing} not in courts-db"


def test_suable_scopes_are_circuits_or_states() -> None:
    states = {row["state"] for row in read_rows("courts.csv")}
    circuits = {row["circuit"] for row in read_rows("courts.csv")}
    for row in read_rows("suable_entities.csv"):
        assert row["scope"] in states | circuits, row
