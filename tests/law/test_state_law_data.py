"""The issue-14 state-law tables keep the same rules as the core law files: canonical CSV, every
row with its statute, a source and a confidence from SOURCES.md's vocabulary, nothing from
memory marked confirmed, sample quotes that occur in their records, and a loader that names the
file, line and column of a bad row."""

from __future__ import annotations

import csv
import io

import pytest

from monell.domain.vocabulary import Confidence, State, StateClaimKind
from monell.law import state_law
from monell.law.book import LawDataError
from monell.law.state_law import load_state_law, parse_period
from tests.law.conftest import DATA, SAMPLE_QUOTE, Record, normalize, read_rows

# file -> (header, key)
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "notice_of_claim.csv": (
        (
            "state",
            "scope",
            "defendant_level",
            "claims",
            "period",
            "statute",
            "to_whom",
            "accrual",
            "roll_forward",
            "confidence",
            "sources",
            "notes",
        ),
        ("state", "scope", "defendant_level", "claims"),
    ),
    "state_claims.csv": (
        (
            "state",
            "claim",
            "scope",
            "effective_from",
            "period",
            "statute",
            "accrual",
            "qualified_immunity",
            "immunities",
            "caps",
            "roll_forward",
            "confidence",
            "sources",
            "notes",
        ),
        ("state", "claim", "scope"),
    ),
    "death_statutes.csv": (
        (
            "state",
            "kind",
            "statute",
            "who_sues",
            "period",
            "estate_needed",
            "confidence",
            "sources",
            "notes",
        ),
        ("state", "kind"),
    ),
    "plra_tolling.csv": (
        ("circuit", "rule", "authority", "confidence", "sources", "notes"),
        ("circuit",),
    ),
    "limitation_alternatives.csv": (
        (
            "state",
            "accrued_from",
            "accrued_until",
            "years",
            "statute",
            "confidence",
            "sources",
            "notes",
        ),
        ("state", "accrued_from"),
    ),
}
NAMES = sorted(FILES)
# A confirmed row says what text was read; "general knowledge" never confirms anything.
READ_MARKERS = ("text read", "official text read", "statute text", "sample:")


@pytest.mark.parametrize("name", NAMES)
def test_canonical_form(name: str) -> None:
    raw = (DATA / name).read_bytes()
    text = raw.decode("utf-8")
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    header, key = FILES[name]
    assert tuple(text.splitlines()[0].split(",")) == header
    rows = read_rows(name)
    keys = [tuple(r[k] for k in key) for r in rows]
    assert keys == sorted(keys) and len(keys) == len(set(keys)), f"{name}: sort by {key}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue() == text, f"{name}: not in csv-module canonical quoting"
    for n, row in enumerate(rows, start=2):
        for column, value in row.items():
            assert value == value.strip() and "\n" not in value, f"{name}:{n} {column}"


@pytest.mark.parametrize("name", NAMES)
def test_every_row_has_a_statute_a_source_and_an_honest_confidence(name: str) -> None:
    for n, row in enumerate(read_rows(name), start=2):
        where = f"{name}:{n}"
        assert row.get("statute") or row.get("authority"), where
        assert row["sources"].strip(), where
        confidence = Confidence(row["confidence"])
        if confidence is Confidence.CONFIRMED:
            assert any(m in row["sources"] for m in READ_MARKERS), where
            assert "general knowledge" not in row["sources"], where
        if "general knowledge" in row["sources"]:
            assert confidence is Confidence.UNVERIFIED, where
        if confidence is not Confidence.CONFIRMED and name != "plra_tolling.csv":
            # what a lawyer must check is said in the row
            assert row["notes"] or "not read" in row["sources"], where


def test_sample_quotes_occur_in_their_records(sample: dict[tuple[str, str], Record]) -> None:
    found = 0
    for name in NAMES:
        for n, row in enumerate(read_rows(name), start=2):
            for m in SAMPLE_QUOTE.finditer(row["sources"]):
                record = sample[(m["file"], m["record"])]
                quote = normalize(m["quote"])
                assert len(quote.split()) <= 30 and quote in record.text, f"{name}:{n}"
                found += 1
    assert found >= 1


def test_the_statutes_the_issue_names_are_rows() -> None:
    law = load_state_law()
    statutes = {r.statute for r in law.notices} | {r.statute for r in law.claims}
    for wanted in (
        "N.Y. Gen. Mun. Law § 50-e(1)(a)",
        "N.Y. Gen. Mun. Law § 50-i(1)",
        "Cal. Gov. Code § 911.2(a)",
        "Cal. Gov. Code § 945.6(a)(1)",
        "745 ILCS 10/8-101(a)",
        "Wis. Stat. § 893.80(1d)(a)",
        "Tex. Civ. Prac. & Rem. Code § 101.101(a)",
        "Ariz. Rev. Stat. § 12-821.01(A)",
        "Ga. Code Ann. § 36-33-5(b)",
        "D.C. Code § 12-309",
        "Fla. Stat. § 768.28(6)(a)",
        "Mo. Rev. Stat. § 516.140",
        "Colo. Rev. Stat. § 13-21-131",
        "N.M. Stat. Ann. § 41-4A-13(A)",
        "N.Y.C. Admin. Code § 8-801 et seq.",
    ):
        assert wanted in statutes, wanted
    civil_rights = {
        r.state: r.qualified_immunity
        for r in law.claims
        if r.claim is StateClaimKind.STATE_CIVIL_RIGHTS
    }
    # Colorado, New Mexico, New York City and California's Bane Act: no qualified immunity
    assert {State.CO, State.NM, State.NY, State.CA} <= set(civil_rights)
    assert set(civil_rights.values()) == {"not_a_defense"}


def test_states_with_settlement_cities_are_covered_or_reported_unknown() -> None:
    """Every state with a city in ../shared/data/settlements either has rows or is one the
    engine reports as unknown_law (listed here so that adding rows is a deliberate change)."""
    law = load_state_law()
    settlements = {
        "GA",
        "MD",
        "LA",
        "MA",
        "SC",
        "IL",
        "OH",
        "FL",
        "IN",
        "AR",
        "CA",
        "TN",
        "WI",
        "NJ",
        "VA",
        "MO",
        "CT",
    }
    unknown = {"LA", "MA", "SC", "OH", "AR", "TN", "VA", "CT"}
    covered = {s for s in settlements if law.covers_state(State(s))}
    assert covered == settlements - unknown


def test_periods_parse_and_plra_rows_name_circuits() -> None:
    law = load_state_law()
    assert all(r.period.years or r.period.months or r.period.days for r in law.notices)
    assert {r.circuit for r in law.plra_tolling} <= {f"ca{i}" for i in range(1, 12)} | {"cadc"}
    assert parse_period("1y90d").words == "1 year and 90 days"


def test_a_bad_row_is_named_by_file_line_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    good = (DATA / "notice_of_claim.csv").read_text(encoding="utf-8").splitlines()
    bad = "\n".join([good[0], good[1].replace(",180d,", ",180x,", 1)]) + "\n"
    monkeypatch.setattr(state_law, "_csv_rows", _rows_of(bad))
    with pytest.raises(LawDataError, match=r"notice_of_claim.csv:2 column 'period'"):
        state_law.load_notices()


def _rows_of(text: str):  # type: ignore[no-untyped-def]
    def rows(name: str):  # type: ignore[no-untyped-def]
        reader = csv.DictReader(text.splitlines())
        yield from enumerate(reader, start=2)

    return rows
