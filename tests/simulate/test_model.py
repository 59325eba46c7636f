"""The model's steps: layers add up, premiums are never negative, expected values are right."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monell.simulate import model
from monell.simulate.engine import run_batch
from monell.simulate.params import Arrangement, Layer, Params, load_params
from monell.simulate.population import build_agencies
from tests.simulate.conftest import small

amounts = st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=50)


@settings(max_examples=60, deadline=None)
@given(
    amounts=amounts,
    arrangement=st.sampled_from(list(Arrangement)),
    share=st.floats(min_value=0, max_value=1),
    cap=st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
)
def test_layers_sum_to_each_payout(
    amounts: list[float], arrangement: Arrangement, share: float, cap: float | None
) -> None:
    terms = model.Terms.from_params(Params())
    x = np.array(amounts)
    split = model.allocate(x, np.full(x.size, arrangement), terms, share, cap)
    matrix = split.matrix()
    assert np.allclose(matrix.sum(axis=1), x, rtol=1e-12, atol=1e-6)
    assert (matrix >= -1e-9).all()
    if cap is not None:
        assert (matrix[:, Layer.OFFICER] <= cap + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(
    amounts=amounts,
    arrangements=st.lists(st.sampled_from(list(Arrangement)), min_size=4, max_size=4),
    share=st.floats(min_value=0, max_value=1),
    cap=st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)),
    lags=st.lists(st.integers(0, 5), min_size=50, max_size=50),
)
def test_compiled_settlement_matches_allocate(
    amounts: list[float],
    arrangements: list[Arrangement],
    share: float,
    cap: float | None,
    lags: list[int],
) -> None:
    """kernels.settle (the engine's loop) puts each layer where `allocate` says, in the year
    the lag says: per run and layer, per agency the budget's and the fund's slices."""
    params = Params()
    terms = model.Terms.from_params(params)
    agencies = build_agencies(small(params, scale=0.0001))  # 11 agencies, one per class
    state = model.initial_state(params, agencies, [0, 1])
    state.arrangement[:] = np.resize(np.array(arrangements, dtype=np.int8), state.arrangement.shape)
    x = np.array(amounts)
    cells = np.sort(np.random.default_rng(len(amounts)).integers(0, 2 * agencies.n, x.size))
    lag = np.array(lags[: x.size], dtype=np.uint8)
    claims = model.Claims(cell=cells, amount=x, lag=lag)
    incurred = model.settle(state, claims, terms, share, cap, 3)
    split = model.allocate(x, state.arrangement.reshape(-1)[cells], terms, share, cap)
    matrix = split.matrix()
    slot = (3 + lag) % state.pending.shape[0]
    run = cells // agencies.n
    for s in range(state.pending.shape[0]):
        for r in range(2):
            mine = (slot == s) & (run == r)
            got = state.run_pending[s, : len(Layer), r]
            assert np.allclose(got, matrix[mine].sum(axis=0), rtol=1e-9, atol=1e-6)
            assert state.run_pending[s, len(Layer), r] == mine.sum()
    assert np.allclose(state.pending[:, model.TOTAL].sum(), x.sum(), rtol=1e-9, atol=1e-6)
    fund = state.pending[:, model.FUND].sum()
    assert fund == pytest.approx(matrix[:, Layer.SELF_INSURANCE_FUND].sum(), rel=1e-9, abs=1e-6)
    assert incurred.sum() == pytest.approx(split.mid.sum(), rel=1e-9, abs=1e-6)


def test_every_dollar_of_every_run_year_reaches_a_payer(baseline: Params) -> None:
    """Conservation over whole runs: the payer layers and the size classes each add up to
    the year's payouts, run by run."""
    result = run_batch(baseline, [0, 1, 2])
    payouts = result.series["payouts"]
    assert (payouts > 0).all()
    assert np.allclose(result.layers.sum(axis=2), payouts, rtol=1e-9)
    assert np.allclose(result.payouts_by_group.sum(axis=2), payouts, rtol=1e-9)


@pytest.mark.parametrize(("mean", "k"), [(0.05, 1.5), (0.8, 1.5), (1.9, 0.4), (30.0, 1.5)])
def test_claim_counts_are_negative_binomial(mean: float, k: float) -> None:
    """Small means (drawn by inverting the distribution function) and large ones (gamma and
    Poisson) both give the mean m and the variance m + m²/k."""
    base = Params()
    params = base.model_copy(
        update={
            "population": base.population.model_copy(update={"scale": 0.02}),
            "claims": base.claims.model_copy(update={"dispersion": k}),
        }
    )
    agencies = build_agencies(params)
    runs = list(range(200))
    state = model.initial_state(params, agencies, runs)
    state.rate[:] = mean / agencies.exposure  # every agency-year expects `mean` claims
    counts = []
    for year in range(6):
        claims = model.draw_claims(
            params, agencies, state, model.year_streams(params, runs, year), year
        )
        counts.append(np.bincount(claims.cell, minlength=len(runs) * agencies.n))
    n = np.concatenate(counts).astype(float)
    assert n.mean() == pytest.approx(mean, rel=0.03)
    assert n.var() == pytest.approx(mean + mean**2 / k, rel=0.06)


@pytest.mark.parametrize(
    ("arrangement", "amount", "expected"),
    [
        # a $50,000 payout in a pool with a $10,000 deductible: $10,000 own budget, rest pool
        (
            Arrangement.RISK_POOL,
            50_000.0,
            {Layer.ENTITY_BUDGET: 10_000.0, Layer.RISK_POOL: 40_000.0},
        ),
        # $12M under a $5M commercial limit over a $25,000 deductible: $6,975,000 back on the city
        (
            Arrangement.COMMERCIAL_INSURER,
            12e6,
            {
                Layer.ENTITY_BUDGET: 25_000.0,
                Layer.COMMERCIAL_INSURER: 5e6,
                Layer.GENERAL_FUND: 6.975e6,
            },
        ),
        # self-insured: $1M retention from the fund, excess insurer above it
        (
            Arrangement.SELF_INSURANCE_FUND,
            3e6,
            {Layer.SELF_INSURANCE_FUND: 1e6, Layer.COMMERCIAL_INSURER: 2e6},
        ),
        (Arrangement.GENERAL_FUND, 3e6, {Layer.GENERAL_FUND: 3e6}),
    ],
)
def test_layer_table(arrangement: Arrangement, amount: float, expected: dict[Layer, float]) -> None:
    terms = model.Terms.from_params(Params())
    row = model.allocate(np.array([amount]), np.array([arrangement]), terms, 0.0, None).matrix()[0]
    for layer in Layer:
        assert row[layer] == pytest.approx(expected.get(layer, 0.0))


def test_limited_expected_value_matches_monte_carlo() -> None:
    rng = np.random.default_rng(7)
    mu, sigma = np.log(17_500), 1.74
    x = np.exp(mu + sigma * rng.standard_normal(2_000_000))
    for limit in (10_000.0, 1e6, np.inf):
        exact = float(model.lognormal_lev(np.array([mu]), np.array([sigma]), limit)[0])
        assert exact == pytest.approx(float(np.minimum(x, limit).mean()), rel=0.03)


@pytest.mark.parametrize(
    "scenario", ["baseline", "stronger_experience_rating", "mandatory_insurance"]
)
def test_no_negative_premiums_even_with_extreme_pricing(scenario: str) -> None:
    params = small(load_params(scenario), runs=3, years=6)
    harsh = params.model_copy(
        update={
            "pricing": params.pricing.model_copy(
                update={"mod_min": 1e-6, "mod_max": 50.0, "max_increase_per_year": 50.0}
            ),
            "claims": params.claims.model_copy(update={"paid_claims_per_officer_year": 0.5}),
        }
    )
    agencies = build_agencies(harsh)
    terms = model.Terms.from_params(harsh)
    own, mid = model.layer_means(agencies, terms, 0.0)
    state = model.initial_state(harsh, agencies, [0, 1, 2])
    rng = np.random.default_rng(1)
    state.mod = rng.uniform(1e-6, 50, state.mod.shape)
    state.arrangement = rng.integers(0, 4, state.mod.shape).astype(np.int8)
    due = np.zeros((model.CHANNELS, 3, agencies.n))
    money = model.budgets(
        harsh, agencies, state, due, agencies.rate * agencies.exposure, own, mid, terms
    )
    assert (money.premium >= 0).all() and (money.cost >= 0).all()
    result = run_batch(harsh, [0, 1, 2])
    assert (result.series["premiums"] >= 0).all()


def test_national_population_matches_lemas() -> None:
    agencies = build_agencies(Params())
    assert agencies.n == 14_724  # the rounded class counts (BJS: about 14,700)
    # the class rows sum to 708,154 officers (BJS: 708,153 unrounded; about 708,000 published),
    # plus half an officer-year for each of the 281 agencies with no full-time officer
    assert agencies.exposure.sum() == pytest.approx(708_154 + 281 * 0.5)
    assert set(np.unique(agencies.arrangement)) <= {int(a) for a in Arrangement}


def test_mandatory_insurance_leaves_no_agency_uninsured() -> None:
    agencies = build_agencies(load_params("mandatory_insurance"))
    assert not np.isin(
        agencies.arrangement, [Arrangement.GENERAL_FUND, Arrangement.SELF_INSURANCE_FUND]
    ).any()


def test_reform_lowers_claims(baseline: Params) -> None:
    """Every agency reformed at the maximum effect: fewer claims on the same random numbers."""
    forced = baseline.model_copy(
        update={
            "responses": baseline.responses.model_copy(
                update={
                    "reform_intercept": 50.0,
                    "reform_effect_low": 0.5,
                    "reform_effect_high": 0.5,
                }
            )
        }
    )
    base = run_batch(baseline, [0, 1, 2])
    reformed = run_batch(forced, [0, 1, 2])
    # all but the few that lost coverage and disbanded or contracted out in the first year
    assert (reformed.shares["reformed"][:, 0].sum(axis=1) >= 0.98 * base.group_agencies.sum()).all()
    assert reformed.series["claims"][:, 1:].sum() < 0.6 * base.series["claims"][:, 1:].sum()


def test_qualified_immunity_scenario_raises_payouts_on_common_numbers() -> None:
    base = run_batch(small(load_params("baseline"), runs=4), [0, 1, 2, 3])
    qi = run_batch(small(load_params("qualified_immunity_abolished"), runs=4), [0, 1, 2, 3])
    assert qi.series["claims"].sum() > base.series["claims"].sum()


def test_officers_pay_share_moves_dollars_to_officers() -> None:
    base = run_batch(small(load_params("baseline")), [0, 1])
    officers = run_batch(small(load_params("officers_pay_share")), [0, 1])

    def share(r: object) -> float:
        layers = r.layers.sum(axis=(0, 1))  # type: ignore[attr-defined]
        return float(layers[Layer.OFFICER] / layers.sum())

    assert share(base) == pytest.approx(0.0002, rel=1e-6)  # Schwartz (2014): about 0.02%
    assert 0.01 < share(officers) <= 0.05


def _one_city(**claims: float) -> Params:
    from monell.simulate.params import CityParams, Population

    cities = tuple(
        CityParams(
            city=f"City{i}",
            state="IL",
            paid_claims_per_year=500.0,
            dispersion=1000.0,
            severity_mu=10.0,
            severity_sigma=1.0,
        )
        for i in range(2)
    )
    base = Params()
    return base.model_copy(
        update={
            "population": Population(kind="cities", cities=cities),
            "claims": base.claims.model_copy(update=claims),
            "responses": base.responses.model_copy(update={"enabled": False}),
            "run": base.run.model_copy(update={"runs": 200, "years": 8, "batch_size": 50}),
        }
    )


def test_a_damped_trend_flattens_and_an_uncertain_trend_spreads_the_runs() -> None:
    """Rate trend 0.3 damped with φ = 0.5: year 8 has e^(0.3 Σ_{h=2..8} 0.5^h) ≈ 1.16 times
    year 1's claims (undamped: e^(0.3·7) ≈ 8.2). A trend of 0 ± 0.2 per run: the log ratio
    of year 6 to year 1 spreads with standard deviation ≈ 0.2 · 5 across runs."""
    from monell.simulate.engine import simulate

    damped = simulate(
        _one_city(rate_trend=0.3, trend_damping_low=0.5, trend_damping_high=0.5), workers=1
    )
    claims = damped.series["claims"].mean(axis=0)
    expected = np.exp(0.3 * sum(0.5**h for h in range(2, 9)))
    assert claims[-1] / claims[0] == pytest.approx(expected, rel=0.05)
    spread = simulate(_one_city(rate_trend_se=0.2), workers=1).series["claims"]
    assert np.log(spread[:, 5] / spread[:, 0]).std() == pytest.approx(1.0, rel=0.2)


def test_a_common_year_shock_moves_the_cities_together() -> None:
    """Walks of 0.3 a year: with all of it common the two cities' claims move together run by
    run; with none they move apart; the common part does not widen one city's spread."""
    from monell.simulate.engine import simulate

    def by_city(**claims: float) -> np.ndarray:
        return simulate(_one_city(rate_drift_sd=0.3, **claims), workers=1).payouts_by_group

    shared, apart = by_city(rate_common_sd=0.3), by_city()
    last = np.log(shared[:, -1])
    assert np.corrcoef(last[:, 0], last[:, 1])[0, 1] > 0.9
    other = np.log(apart[:, -1])
    assert abs(np.corrcoef(other[:, 0], other[:, 1])[0, 1]) < 0.3
    assert last[:, 0].std() == pytest.approx(other[:, 0].std(), rel=0.25)


def test_walks_keep_the_mean_or_the_median_of_the_level() -> None:
    """Walks of 0.4 a year: mean one (the default), the run's claims keep their mean seven
    years on and the median falls (each step −0.08 in logs); walking the log level
    (walk_mean_one false), both are higher: the steps are not pulled down. (A payment year
    sums the claims of the lag's incident years, so the median is not exactly e^(−h·0.08).)"""
    from monell.simulate.engine import simulate

    def ratio(mean_one: bool) -> np.ndarray:
        claims = simulate(_one_city(rate_drift_sd=0.4, walk_mean_one=mean_one), workers=1).series[
            "claims"
        ]
        return claims[:, -1] / claims[:, 0]

    mean_one, median_kept = ratio(True), ratio(False)
    assert np.exp(-7 * 0.08) < np.median(mean_one) < 0.9
    assert mean_one.mean() == pytest.approx(1.0, rel=0.2)
    assert np.median(median_kept) > 1.3 * np.median(mean_one)
    assert median_kept.mean() > 1.3 * mean_one.mean()


def test_walks_led_by_the_lag_move_payments_from_the_first_simulated_year() -> None:
    """A rate trend of 0.1 a year, fitted on payment years: started 3 incident years (about
    the mean lag) before the first simulated year, the payouts of year h are about e^(0.1·h)
    times a flat run's; started with it, the lag delays it about three years (year 1 sees
    almost none of it)."""
    from monell.simulate.engine import simulate

    def payouts(**claims: float) -> np.ndarray:
        return simulate(_one_city(**claims), workers=1).series["payouts"].mean(axis=0)

    flat = payouts()
    led = np.log(payouts(rate_trend=0.1, walk_lead_years=3) / flat)
    late = np.log(payouts(rate_trend=0.1) / flat)
    assert led == pytest.approx(0.1 * np.arange(1, 9), abs=0.05)
    assert late[0] < 0.02 and late[-1] == pytest.approx(0.1 * (8 - 3), abs=0.05)
