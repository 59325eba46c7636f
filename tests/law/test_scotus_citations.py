"""Every Supreme Court citation is checkable against the bundled citation table.

The table (law/data/scotus_citations.csv.gz) is a gzip copy of
shared/data/reference/scotus_citations.csv: the Supreme Court Database 2024_01 (every decision
1946-2024) plus earlier U.S. Reports cites from opinion headers. U.S. pages assigned after that
release come from law/data/scotus_us_pages.csv, one sourced row per page.
"""

from __future__ import annotations

import csv
import gzip

import pytest

from monell.domain.vocabulary import AuthorityKind, CitationStatus, Confidence
from monell.law.book import load_law
from monell.law.verify import DATA_PACKAGE, check_authority, load_us_pages, scotus_index
from tests.law.conftest import DATA, SHARED, read_rows

# (citation, name, year, expected status, why) - each expectation rests on the table row named.
SCENARIOS = [
    # SCDB 2004-009: 543 U.S. 146, DEVENPECK v. ALFORD, decided 2004-12-13.
    ("543 U.S. 146", "Devenpeck v. Alford", 2004, CitationStatus.FOUND),
    # Wrong page for a case the table files at 543 U.S. 146: the name is elsewhere.
    ("543 U.S. 147", "Devenpeck v. Alford", 2004, CitationStatus.MISMATCH),
    # SCDB 1988-064 (490 U.S. 386) is Graham v. Connor, not Tennessee v. Garner.
    ("490 U.S. 386", "Tennessee v. Garner", 1985, CitationStatus.MISMATCH),
    # SCDB 2018-033 lists Nieves only as 139 S. Ct. 1715; the page row (Gonzalez v. Trevino,
    # 602 U.S. ___, prints «587 U. S. 391») supplies the U.S. page.
    ("587 U.S. 391", "Nieves v. Bartlett", 2019, CitationStatus.FOUND),
    ("139 S. Ct. 1715", "Nieves v. Bartlett", 2019, CitationStatus.FOUND),
    # Wesby: 138 S. Ct. 577 in SCDB 2017-006; U.S. page from the Lexis report header.
    ("583 U.S. 48", "District of Columbia v. Wesby", 2018, CitationStatus.FOUND),
    # Kisela: SCDB 2017-056 has 138 S. Ct. 1148 but no U.S. page, and no page row was sourced.
    ("584 U.S. 100", "Kisela v. Hughes", 2018, CitationStatus.NOT_IN_CORPUS),
    # Pre-1946 cite from the opinion headers (source justia_opinion_headers): 268 U.S. 652 is
    # Gitlow v. New York (1925).
    ("268 U.S. 652", "Gitlow v. New York", 1925, CitationStatus.FOUND),
    # SCDB 1960-027: 365 U.S. 167, Monroe v. Pape.
    ("365 U.S. 167", "Monroe v. Pape", 1961, CitationStatus.FOUND),
]


@pytest.mark.parametrize(("citation", "name", "year", "expected"), SCENARIOS)
def test_supreme_court_citation_scenarios(
    citation: str, name: str, year: int, expected: CitationStatus
) -> None:
    result = scotus_index().check(citation, name, year)
    assert result.status is expected, result.note


def test_unpaged_decision_says_the_sct_cite_is_confirmed() -> None:
    result = scotus_index().check("584 U.S. 100", "Kisela v. Hughes", 2018)
    assert "138 S. Ct. 1148" in result.note and "U.S. page not checkable" in result.note


def test_bundled_table_is_the_reference_table(shared: object) -> None:
    from importlib import resources

    raw = resources.files(DATA_PACKAGE).joinpath("scotus_citations.csv.gz").read_bytes()
    bundled = gzip.decompress(raw)
    reference = (SHARED / "reference" / "scotus_citations.csv").read_bytes()
    assert bundled == reference, "re-copy: gzip -9 -n -c shared/.../scotus_citations.csv"


def test_every_supreme_court_authority_checks_against_the_table() -> None:
    """Each U.S. cite in authorities.csv is found, or (only where no page was sourced) the
    decision is identified by its S. Ct. cite. Never a mismatch."""
    unverified = []
    for a in load_law().authorities.values():
        if a.kind is not AuthorityKind.CASE or a.court != "scotus":
            continue
        status, verified, _, note = check_authority(
            a.kind, a.name, a.citation, a.year, a.confidence
        )
        assert status is not CitationStatus.MISMATCH, f"{a.key}: {note}"
        if not verified:
            assert "S. Ct. cite confirmed" in note, f"{a.key}: {note}"
            unverified.append(a.key)
    assert unverified == ["kisela"], "update this list when a page row is added or removed"


def test_page_rows_are_sourced_and_name_a_table_decision() -> None:
    rows = read_rows("scotus_us_pages.csv")
    assert [r["us_cite"] for r in rows] == sorted(
        (r["us_cite"] for r in rows), key=lambda c: tuple(int(p) for p in c.split(" U.S. "))
    )
    index = scotus_index()
    for page in load_us_pages():
        assert page.sources.strip() and page.confidence is not Confidence.DISPUTED
        hit = index.check(page.sct_cite, page.case_name)
        assert hit.status is CitationStatus.FOUND, page
        assert not index.lookup(page.us_cite), f"{page.us_cite} already has a page in the table"
    with (DATA / "scotus_us_pages.csv").open(encoding="utf-8", newline="") as fh:
        assert next(iter(csv.reader(fh))) == [
            "us_cite",
            "sct_cite",
            "case_name",
            "confidence",
            "sources",
        ]
