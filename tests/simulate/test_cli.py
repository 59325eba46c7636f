"""`monell simulate`: outputs, --compare, plots, bad files, and the real settlement data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from monell.cli.main import cli
from tests.simulate.conftest import settlements_db

REPO = Path(__file__).resolve().parents[2]
SMALL = "run: {runs: 4, years: 3, batch_size: 2}\npopulation: {scale: 0.02}\n"


def _scenario(tmp_path: Path, body: str, name: str = "s.yaml") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def _invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_markdown_report(tmp_path: Path) -> None:
    result = _invoke(
        "simulate", _scenario(tmp_path, "extends: baseline\n" + SMALL), "--workers", "1"
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "| 2025 |" in out and "| 2027 |" in out
    assert "share of police budget" in out and "1000+" in out  # the largest LEMAS size class
    assert "99.98%" in out  # the Schwartz (2014) anchor beside the model's figure


def test_json_has_every_year_and_share(tmp_path: Path) -> None:
    result = _invoke(
        "simulate",
        _scenario(tmp_path, SMALL),
        "--format",
        "json",
        "--seed",
        "9",
        "--years",
        "2",
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["simulation"]
    assert data["seed"] == 9 and [r["year"] for r in data["per_year"]] == [2025, 2026]
    row = data["per_year"][0]
    assert set(row["shares"]) == {
        "reformed",
        "lost_coverage",
        "leadership_changed",
        "disbanded",
        "contracted_sheriff",
    }
    assert row["payouts"]["p10"] <= row["payouts"]["median"] <= row["payouts"]["p90"]
    assert len(data["by_group"]) == 11
    payers = data["payer_share_of_dollars"]
    # medians of shares over 4 runs need not add up to 1 exactly (conservation run by run is
    # tested in test_model.py); they stay near it
    assert sum(v["median"] for v in payers.values()) == pytest.approx(1.0, abs=0.1)
    assert all(0 <= v["p10"] <= v["median"] <= v["p90"] <= 1 for v in payers.values())


def test_compare_with_itself_is_zero_on_common_random_numbers(tmp_path: Path) -> None:
    a = _scenario(tmp_path, SMALL, "a.yaml")
    b = _scenario(tmp_path, "extends: a.yaml\nname: copy\n", "b.yaml")
    result = _invoke("simulate", a, "--compare", b, "--format", "json", "--workers", "1")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)["difference"]
    assert all(r["payouts"]["median"] == 0 and r["payouts"]["p90"] == 0 for r in diff["per_year"])


def test_compare_bundled_scenarios_writes_html_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    base = _scenario(tmp_path, "extends: baseline\n" + SMALL, "base.yaml")
    mand = _scenario(tmp_path, "extends: mandatory_insurance\n" + SMALL, "mand.yaml")
    out, plot = tmp_path / "r.html", tmp_path / "fan.png"
    result = _invoke(
        "simulate",
        base,
        "--compare",
        mand,
        "--format",
        "html",
        "-o",
        str(out),
        "--plot",
        str(plot),
        "--workers",
        "1",
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<h2>Compared with mandatory_insurance" in text and "data:image/png;base64," in text
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_bad_plot_suffix_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = _invoke(
        "simulate",
        _scenario(tmp_path, SMALL),
        "--plot",
        str(tmp_path / "f.gif"),
        "-o",
        str(tmp_path / "r.md"),
        "--workers",
        "1",
    )
    assert result.exit_code == 2
    assert ".png or .svg" in result.output
    assert not (tmp_path / "r.md").exists()


# (file body, what the message must name) — each a mistake a user makes
BAD_FILES = [
    ("clams: {dispersion: 2}\n", ["clams: unknown field", "claims", "population"]),
    ("population: {kind: county}\n", ["population.kind", "'national' or 'cities'"]),
    ("claims: {dispersion: -1}\n", ["claims.dispersion", "greater than 0"]),
    ("claims: {lag_probabilities: [0.5, 0.6]}\n", ["claims", "lag_probabilities must sum to 1"]),
    (
        "funding: {mix: {small: {general_fund: 0.5, self_insurance_fund: 0, risk_pool: 0, "
        "commercial_insurer: 0}}}\n",
        ["funding.mix.small", "must sum to 1"],
    ),
    (
        "funding: {mix: {tiny: {general_fund: 1, self_insurance_fund: 0, risk_pool: 0, "
        "commercial_insurer: 0}}}\n",
        ["funding.mix.tiny", "'small', 'medium' or 'large'"],
    ),
    ("run: {runs: many}\n", ["run.runs", "valid integer"]),
    ("pricing: {mod_min: 5, mod_max: 2}\n", ["pricing", "mod_min must not exceed mod_max"]),
    (
        "responses: {after_loss: {small: {self_insure: 1, join_pool: 0, contract_sheriff: 0, "
        "disband: 0, move: 0}}}\n",
        ["responses.after_loss.small.move: unknown field", "disband"],
    ),
    ("extends: nowhere\n", ["extends", "baseline", "stronger_experience_rating"]),
    ("population: {kind: cities}\n", ["population", "non-empty `cities` list"]),
    ("claims: [1, 2\n", ["not valid YAML"]),
    ("- 1\n- 2\n", ["expected a mapping"]),
]


@pytest.mark.parametrize(("body", "named"), BAD_FILES)
def test_bad_scenario_exits_2_naming_the_field(tmp_path: Path, body: str, named: list[str]) -> None:
    out = tmp_path / "r.md"
    result = CliRunner().invoke(cli, ["simulate", _scenario(tmp_path, body), "-o", str(out)])
    assert result.exit_code == 2, result.output
    for text in named:
        assert text in result.output, (text, result.output)
    assert not out.exists()


def test_bad_compare_file_exits_2(tmp_path: Path) -> None:
    bad = _scenario(tmp_path, "claims: {frequency_multiplier: -2}\n", "bad.yaml")
    result = CliRunner().invoke(cli, ["simulate", "baseline", "--compare", bad])
    assert result.exit_code == 2
    assert "claims.frequency_multiplier" in result.output


def test_missing_file_names_the_bundled_scenarios(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["simulate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "baseline" in result.output and "mandatory_insurance" in result.output


def test_every_bundled_scenario_loads() -> None:
    from monell.simulate.params import bundled_scenarios, load_params

    names = bundled_scenarios()
    assert names == [
        "baseline",
        "mandatory_insurance",
        "officers_pay_share",
        "qualified_immunity_abolished",
        "stronger_experience_rating",
    ]
    assert {load_params(n).name for n in names} == set(names)


REAL_FILES = [
    "chicago_il/chicago_edited.csv",
    "cleveland_oh/cleveland_edited.csv",
    "indianapolis_in/indianapolis_edited.csv",
    "baltimore_md/baltimore_edited.csv",
    "north_charleston_sc/north_charleston_edited.csv",
]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return settlements_db(tmp_path_factory, REAL_FILES)


def test_calibrate_on_real_settlements_then_simulate(real_db: str, tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    result = CliRunner().invoke(cli, ["simulate", "calibrate", "--db", real_db, "-o", str(params)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    cities = {c["city"]: c for c in data["population"]["cities"]}
    assert set(cities) == {"Chicago", "Cleveland", "Indianapolis", "Baltimore", "North Charleston"}
    chicago = cities["Chicago"]
    # Chicago's file: 1,515 rows 2010–2019 (some without an amount): over a hundred a year
    assert 100 < chicago["paid_claims_per_year"] < 200
    assert chicago["police_budget_usd"] > 1e9  # city budget file: $1.68B in 2020
    assert chicago["provenance"]["source_files"] == ["chicago_edited.csv"]
    assert data["provenance"]["made_by"] == "monell simulate calibrate"
    run = CliRunner().invoke(
        cli,
        [
            "simulate",
            str(params),
            "--runs",
            "6",
            "--years",
            "2",
            "--format",
            "json",
            "--workers",
            "1",
        ],
    )
    assert run.exit_code == 0, run.output
    groups = {g["group"] for g in json.loads(run.output)["simulation"]["by_group"]}
    assert "Chicago, IL" in groups


def test_backtest_on_real_settlements(real_db: str) -> None:
    result = CliRunner().invoke(
        cli, ["simulate", "backtest", "--db", real_db, "--runs", "50", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["fit_through"] == 2014 and data["cities"] >= 4
    assert 0 <= data["model"]["coverage_80"] <= 1
    assert data["model"]["mean_crps"] > 0 and data["naive"]["mean_crps"] > 0
    # the headline is the variant calibrate writes by default, counted from the rows
    chosen = data["chosen_variant"]
    better = sum(r[chosen]["crps"] < r["naive"]["crps"] for r in data["rows"])
    assert data["city_years_chosen_better"] == better
    markdown = CliRunner().invoke(
        cli, ["simulate", "backtest", "--db", real_db, "--runs", "50", "--format", "md"]
    )
    ratio = data["crps_ratio_to_naive"][chosen]
    assert f"writes by default) / naive: {ratio:.3f}" in markdown.output


def test_calibrate_on_an_empty_database_exits_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = CliRunner().invoke(
        cli, ["simulate", "calibrate", "--db", url, "-o", str(tmp_path / "p.yaml")]
    )
    assert result.exit_code == 2
    assert "monell payouts import" in result.output
    assert not (tmp_path / "p.yaml").exists()


def test_scheduler_option_runs_on_a_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    scenario = _scenario(tmp_path, SMALL)
    local = _invoke("simulate", scenario, "--format", "json", "--workers", "1")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote = _invoke(
            "simulate", scenario, "--format", "json", "--scheduler", cluster.scheduler_address
        )
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.output) == json.loads(local.output)


def _simulation_schema() -> dict:
    from importlib import resources

    text = (resources.files("monell.report") / "schema" / "simulation.schema.json").read_text()
    return json.loads(text)


def test_json_output_validates_against_its_schema(tmp_path: Path) -> None:
    """Real output, one scenario and a comparison, against report/schema/simulation.schema.json;
    a renamed or missing key is caught."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_simulation_schema())
    base = _scenario(tmp_path, "extends: baseline\n" + SMALL, "base.yaml")
    qi = _scenario(tmp_path, "extends: qualified_immunity_abolished\n" + SMALL, "qi.yaml")
    one = _invoke("simulate", base, "--format", "json", "--workers", "1")
    two = _invoke("simulate", base, "--compare", qi, "--format", "json", "--workers", "1")
    for result in (one, two):
        assert result.exit_code == 0, result.output
        validator.validate(json.loads(result.output))
    data = json.loads(two.output)
    assert set(data) == {"simulation", "compare_with", "difference"}
    renamed = json.loads(one.output)
    renamed["simulation"]["payouts_by_year"] = renamed["simulation"].pop("per_year")
    assert not validator.is_valid(renamed)
    lonely = json.loads(two.output)
    del lonely["difference"]
    assert not validator.is_valid(lonely)


def test_options_may_come_before_the_scenario(tmp_path: Path) -> None:
    """`monell simulate --runs 3 SCENARIO.yaml` is the same run as the options after it;
    subcommands still work with their options first."""
    scenario = _scenario(tmp_path, SMALL)
    after = _invoke("simulate", scenario, "--runs", "3", "--format", "json", "--workers", "1")
    before = _invoke("simulate", "--runs", "3", "--format=json", "--workers", "1", scenario)
    assert before.exit_code == 0, before.output
    assert json.loads(before.output) == json.loads(after.output)
    assert json.loads(before.output)["simulation"]["runs"] == 3
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    out = tmp_path / "p.yaml"
    calibrate = CliRunner().invoke(cli, ["simulate", "--db", url, "calibrate", "-o", str(out)])
    assert calibrate.exit_code == 2 and "monell payouts import" in calibrate.output
    assert "[OPTIONS] SCENARIO.yaml" in _invoke("simulate", "--help").output
    missing = CliRunner().invoke(cli, ["simulate", "--runs", "3"])
    assert missing.exit_code == 2
    assert "--runs runs a scenario: give one" in missing.output and "baseline" in missing.output
