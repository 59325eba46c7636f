"""Every real city file imports, with its row count; a second import adds nothing."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from statistics import median

from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from monell.cli.main import cli
from monell.payouts.caveat import CAVEAT
from monell.payouts.importer import import_files
from monell.payouts.store import SettlementStore
from monell.payouts.tables import (
    settlement_categories,
    settlement_imports,
    settlement_officers,
    settlements,
)

from .realdata import EXPECTED_ROWS, all_city_files, city_file


def _rows_per_file(engine: Engine) -> dict[str, int]:
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in (settlements, settlement_officers):
            stmt = select(table.c.source_file, func.count()).group_by(table.c.source_file)
            counts.update({name: n for name, n in conn.execute(stmt)})
    return counts


def test_every_city_file_imports_with_its_row_count(engine: Engine) -> None:
    files = all_city_files()
    assert {f.name for f in files} == set(EXPECTED_ROWS)
    report = import_files(engine, files)
    assert report.ok, [str(p) for f in report.files for p in f.problems]
    assert {f.path.split("/")[-1]: f.rows for f in report.files} == EXPECTED_ROWS
    assert _rows_per_file(engine) == EXPECTED_ROWS
    with engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(settlement_imports)).scalar_one()
        uncategorised = conn.execute(
            select(func.count())
            .select_from(settlements)
            .where(~settlements.c.id.in_(select(settlement_categories.c.settlement_id)))
        ).scalar_one()
    assert logged == len(files)
    assert uncategorised == 0  # every row has at least `unknown`

    again = import_files(engine, files)
    assert again.ok and again.new == 0
    assert again.present == sum(EXPECTED_ROWS.values())
    assert _rows_per_file(engine) == EXPECTED_ROWS
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(settlement_imports)).scalar_one()
            == logged
        )


def test_cli_import_twice_reports_nothing_new(db_url: str) -> None:
    runner = CliRunner()
    path = str(city_file("stlouis_edited.csv"))
    first = runner.invoke(cli, ["payouts", "import", "--db", db_url, path])
    assert first.exit_code == 0, first.output
    assert "14 new, 0 already present" in first.output
    second = runner.invoke(cli, ["payouts", "import", "--db", db_url, path])
    assert second.exit_code == 0
    assert "0 new, 14 already present" in second.output
    assert "NOT comparable across cities" in second.output
    as_json = runner.invoke(cli, ["payouts", "import", "--db", db_url, "--format", "json", path])
    data = json.loads(as_json.output)
    assert (data["new"], data["already_present"], data["caveat"]) == (0, 14, CAVEAT)


def test_st_louis_summary_matches_an_independent_count(engine: Engine, db_url: str) -> None:
    path = city_file("stlouis_edited.csv")
    assert import_files(engine, [path]).ok
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_year: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        by_year[row["calendar_year"]].append(Decimal(row["amount_awarded"]))
    everything = [a for amounts in by_year.values() for a in amounts]

    result = CliRunner().invoke(
        cli,
        [
            "payouts",
            "summary",
            "--db",
            db_url,
            "--city",
            "St. Louis",
            "--state",
            "MO",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["records"] == len(rows) == 14
    assert Decimal(summary["total_amount_awarded"]) == sum(everything)
    assert Decimal(summary["median_amount_awarded"]) == median(everything)
    assert set(summary["by_year"]) == set(by_year)
    for year, amounts in by_year.items():
        bucket = summary["by_year"][year]
        assert bucket["count"] == len(amounts)
        assert Decimal(bucket["total"]) == sum(amounts)
        assert Decimal(bucket["median"]) == median(amounts)
    # The file's three allegation headings: "Civil Rights §1983-not employment" and "Personal
    # Injury" name no conduct (other); "Personal Injury & Property Damage" is property.
    headings = defaultdict(int)
    for row in rows:
        headings[row["summary_allegations"]] += 1
    assert (
        summary["by_category"]["property"]["count"]
        == (headings["Personal Injury & Property Damage"])
    )
    assert summary["by_category"]["other"]["count"] == (
        headings["Civil Rights §1983-not employment"] + headings["Personal Injury"]
    )
    assert summary["caveat"] == CAVEAT


def test_summary_markdown_and_unknown_city(engine: Engine, db_url: str) -> None:
    assert import_files(engine, [city_file("stlouis_edited.csv")]).ok
    runner = CliRunner()
    md = runner.invoke(
        cli, ["payouts", "summary", "--db", db_url, "--city", "st louis", "--state", "mo"]
    )
    assert md.exit_code == 0
    assert "# Police-misconduct settlements: St. Louis, MO" in md.output
    assert "NOT comparable across cities" in md.output
    assert "| 2018 | 3 | $2,532,000.00 | $25,000.00 |" in md.output
    unknown = runner.invoke(
        cli, ["payouts", "summary", "--db", db_url, "--city", "Kansas City", "--state", "MO"]
    )
    assert unknown.exit_code == 2
    assert "no settlements for Kansas City, MO" in unknown.output
    assert "St. Louis, MO" in unknown.output


def test_records_keep_the_source_and_the_agency(engine: Engine) -> None:
    files = [city_file("columbia_edited.csv"), city_file("stlouis_edited.csv")]
    assert import_files(engine, files).ok
    store = SettlementStore(engine)
    assert store.cities() == [("St. Louis", "MO"), ("Columbia", "SC")]
    columbia = store.query(city="Columbia", state="SC")
    first = columbia[0]
    assert (first.source_file, first.source_line) == ("columbia_edited.csv", 2)
    assert first.agency == "Ofc. Benjamin Arrowood"  # the file's defendant column
    assert first.amount_awarded == Decimal("25000.00")
    assert first.raw["plaintiff_name"] == "Addy, Eddy G."
    st_louis = store.query(city="St. Louis", state="MO")
    assert {r.agency for r in st_louis} == {"St. Louis Police Department"}


def test_officer_lists_are_linked_by_docket(engine: Engine) -> None:
    files = [city_file("baton_rouge_edited.csv"), city_file("baton_rouge_police_edited.csv")]
    assert import_files(engine, files).ok
    store = SettlementStore(engine)
    officers = store.officers(city="Baton Rouge", state="LA", docket_number="3:16-CV-00553")
    assert [o.officer_name for o in officers] == ["Ory Holmes", "Troy McCreary"]
    assert len(store.officers(city="baton rouge", state="la")) == 69
    case = [r for r in store.query(city="Baton Rouge") if r.docket_number == "3:16-CV-00553"]
    assert case and case[0].amount_awarded == Decimal("45640.50")
