"""What the law data says it read in the bundled opinion sample is really there.

Every `sample:<file>#<id> «quote»` in a row's sources must name a record of
../shared/data/opinions and the quote (≤ 30 words) must occur in its text, whitespace-
normalized. A Supreme Court authority marked `confirmed` must rest on the opinion itself when
the sample holds it (a quote from its own record, whose date is the row's `decided`), and a
citation the sample files without a U.S. Reports cite (post-2014) must be corroborated by a
later opinion in the sample that prints it. Rows confirmed from opinions not in the sample
need quotes from at least two other decisions.
"""

from __future__ import annotations

import re

import pytest

from tests.law.conftest import CONTRACT, SAMPLE_QUOTE, Record, normalize, read_rows

# Record ids of one decision differ only by this suffix (scotus-14-6368-dissent-scalia).
SEPARATE_WRITING = re.compile(r"-(opinion|dissent|concurrence)-[a-z]+$")
QUOTED_ROWS = [
    (name, n, row)
    for name in sorted(CONTRACT)
    for n, row in enumerate(read_rows(name), start=2)
    if SAMPLE_QUOTE.search(row["sources"])
]
SCOTUS_CASES = [
    row
    for row in read_rows("authorities.csv")
    if row["kind"] == "case" and row["court"] == "scotus"
]


def _first_party(name: str) -> str:
    return name.split(" v. ")[0].split()[-1].lower().strip(".,")


def _own_records(row: dict[str, str], sample: dict[tuple[str, str], Record]) -> list[Record]:
    """The sample's records of this decision: same U.S. cite, or same date and party name."""
    party = _first_party(row["name"])
    return [
        r
        for r in sample.values()
        if r.court_is_scotus
        and (
            row["citation"] in r.citations
            or (r.date_filed == row["decided"] and party in r.case_name.lower())
        )
    ]


def test_quoted_rows_exist() -> None:
    assert len(QUOTED_ROWS) >= 60


@pytest.mark.parametrize(
    ("name", "line", "row"), QUOTED_ROWS, ids=[f"{n}:{line}" for n, line, _ in QUOTED_ROWS]
)
def test_every_sample_quote_occurs_in_its_record(
    name: str, line: int, row: dict[str, str], sample: dict[tuple[str, str], Record]
) -> None:
    for match in SAMPLE_QUOTE.finditer(row["sources"]):
        record = sample.get((match["file"], match["record"]))
        assert record is not None, f"{name}:{line}: no record {match['file']}#{match['record']}"
        quote = normalize(match["quote"])
        assert len(quote.split()) <= 30, f"{name}:{line}: quote longer than 30 words"
        assert quote in record.text, f"{name}:{line}: {quote!r} not in {record.id}"


@pytest.mark.parametrize("row", SCOTUS_CASES, ids=[row["key"] for row in SCOTUS_CASES])
def test_confirmed_supreme_court_rows_rest_on_the_opinion(
    row: dict[str, str], sample: dict[tuple[str, str], Record]
) -> None:
    if row["confidence"] != "confirmed":
        assert row["confidence"] in {"single_source", "disputed", "unverified"}
        return
    quoted = [sample[(m["file"], m["record"])] for m in SAMPLE_QUOTE.finditer(row["sources"])]
    own = _own_records(row, sample)
    if not own:
        decisions = {SEPARATE_WRITING.sub("", r.id) for r in quoted}
        assert len(decisions) >= 2, f"{row['key']}: confirmed from citing opinions needs two"
        assert "opinion not in the sample" in row["sources"]
        return
    own_ids = {r.id for r in own}
    assert any(r.id in own_ids for r in quoted), f"{row['key']}: quote the opinion itself"
    assert {r.date_filed for r in own} == {row["decided"]}, f"{row['key']}: decided date"
    if not any(row["citation"] in r.citations for r in own):
        citing = [r for r in quoted if r.id not in own_ids]
        assert any(row["citation"] in r.text for r in citing), (
            f"{row['key']}: the sample files it without {row['citation']}; quote a later "
            "opinion in the sample that prints the citation, or mark it single_source"
        )
