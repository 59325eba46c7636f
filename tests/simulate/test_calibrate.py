"""Calibration recovers known parameters from synthetic data, and runs on the real files."""

from __future__ import annotations

import numpy as np
import pytest

from monell.simulate.backtest import crps, naive_samples
from monell.simulate.calibrate import (
    Payment,
    calibrate,
    fit_count_levels,
    fit_count_walk,
    fit_counts,
    fit_lags,
    fit_severity,
    fit_severity_levels,
    lag_concentration,
    local_level,
)
from monell.simulate.engine import simulate


def _synthetic(
    rng: np.random.Generator,
    mean: float,
    k: float,
    mu: float,
    sigma: float,
    years: range,
    city: str = "Springfield",
    state: str = "IL",
) -> list[Payment]:
    out = []
    for year in years:
        n = rng.negative_binomial(k, k / (k + mean))
        for amount in np.exp(mu + sigma * rng.standard_normal(n)):
            out.append(Payment(city, state, year, float(amount), int(rng.integers(0, 4)), "x.csv"))
    return out


def test_negative_binomial_and_lognormal_are_recovered() -> None:
    rng = np.random.default_rng(15)
    counts = rng.negative_binomial(3.0, 3.0 / (3.0 + 40.0), size=3000)
    mean, se, k = fit_counts(counts)
    assert mean == pytest.approx(40.0, rel=0.03)
    assert k == pytest.approx(3.0, rel=0.15)
    assert se == pytest.approx(np.sqrt(40 + 40**2 / 3) / np.sqrt(3000) / 40, rel=0.1)
    mu, mu_se, sigma = fit_severity(np.exp(11.0 + 1.5 * rng.standard_normal(20_000)))
    assert mu == pytest.approx(11.0, abs=0.03)
    assert sigma == pytest.approx(1.5, rel=0.02)
    assert mu_se == pytest.approx(1.5 / np.sqrt(20_000), rel=0.02)


def test_poisson_counts_give_the_cap() -> None:
    assert fit_counts([5, 5, 5, 5])[2] == 1000.0


def test_calibrate_then_simulate_reproduces_the_city() -> None:
    rng = np.random.default_rng(3)
    payments = _synthetic(rng, 60.0, 4.0, 10.5, 1.3, range(1800, 2020))
    params = calibrate(payments, dollars_year=2022, source="synthetic")
    (city,) = params.population.cities
    assert city.paid_claims_per_year == pytest.approx(60.0, rel=0.1)
    assert city.provenance["mean_over_the_years"]["dispersion"] == pytest.approx(4.0, rel=0.35)
    lags = fit_lags(payments) or ()
    assert sum(lags) == pytest.approx(1.0)
    # the incident-year frailty is the payment-year k times Σp² (lag mixing)
    assert params.claims.rate_drift_sd <= 0.05  # a steady rate: no walk
    assert city.dispersion == pytest.approx(4.0 * lag_concentration(lags), rel=0.35)
    assert city.severity_mu == pytest.approx(10.5, abs=0.1)
    run = params.model_copy(
        update={
            "run": params.run.model_copy(update={"runs": 40, "years": 3, "batch_size": 20}),
            "responses": params.responses.model_copy(update={"enabled": False}),
        }
    )
    result = simulate(run, workers=1)
    assert result.series["claims"].mean() == pytest.approx(60.0, rel=0.1)
    # the walks, the year shifts and the parameter uncertainty widen the forecast but keep
    # its mean: yearly payouts ≈ 60 claims × e^(10.5 + 1.3²/2), and ≈ the data's mean
    paid = float(np.mean([p.amount for p in payments])) * 60
    assert result.series["payouts"].mean() == pytest.approx(
        60 * np.exp(10.5 + 1.3**2 / 2), rel=0.15
    )
    assert result.series["payouts"].mean() == pytest.approx(paid, rel=0.15)


def test_crps_of_a_point_mass_is_the_absolute_error() -> None:
    assert crps(np.full(100, 10.0), 13.0) == pytest.approx(3.0)
    # the CRPS of a wide forecast centred on the truth beats a narrow one far off
    rng = np.random.default_rng(0)
    assert crps(rng.normal(0, 1, 4000), 0.0) < crps(rng.normal(5, 0.1, 4000), 0.0)


def test_naive_baseline_bootstraps_the_last_three_years() -> None:
    samples = naive_samples([100.0, 1.0, 2.0, 3.0], 500, np.random.default_rng(1))
    assert samples.min() >= 1.0 and samples.max() <= 3.0
    assert samples.mean() == pytest.approx(2.0, abs=0.1)


def test_random_walks_of_rate_and_severity_are_recovered() -> None:
    """Pooled maximum likelihood over cities finds the walk's standard deviation, and none
    where the rate is steady."""
    rng = np.random.default_rng(5)
    series = []
    for _ in range(60):
        log_rate = np.log(300.0) + np.cumsum(0.2 * rng.standard_normal(30))
        series.append(list(rng.poisson(np.exp(log_rate))))
    walk, extra = fit_count_levels(series)
    assert walk == pytest.approx(0.2, abs=0.05)
    assert extra < 0.02
    assert 0 < fit_count_walk(series).walk_se < 0.05  # 60 cities × 30 years pin it down
    steady = [list(rng.poisson(300.0, 30)) for _ in range(60)]
    assert fit_count_levels(steady)[0] <= 0.025
    cities = []
    for _ in range(40):
        level = 10.0 + np.cumsum(0.3 * rng.standard_normal(12))
        shift = 0.2 * rng.standard_normal(12)
        cities.append(
            [
                list(np.exp(m + s + 1.2 * rng.standard_normal(25)))
                for m, s in zip(level, shift, strict=True)
            ]
        )
    walk_mu, tau = fit_severity_levels(cities)
    assert walk_mu == pytest.approx(0.3, abs=0.075)
    assert tau == pytest.approx(0.2, abs=0.1)


def test_local_level_filter_follows_a_shift_and_knows_its_uncertainty() -> None:
    """After a level shift the filtered level is near the new level; without a walk it is the
    plain mean; missing years add the walk's variance."""
    y = [1.0] * 5 + [3.0] * 5
    _, walking = local_level(y, [0.1] * 10, 0.25)
    _, fixed = local_level(y, [0.1] * 10, 0.0)
    assert walking.level == pytest.approx(3.0, abs=0.05)
    assert fixed.level == pytest.approx(2.0, abs=1e-9)
    assert fixed.variance == pytest.approx(0.1 / 10)
    _, gap = local_level([1.0, float("nan"), float("nan")], [0.1, 0.1, 0.1], 0.25)
    assert gap.variance == pytest.approx(0.1 + 0.5)


def test_a_pooled_trend_is_recovered_and_compounds_in_the_simulation() -> None:
    """Counts growing 10% a year (log 0.0953) in 40 cities: fit_trend finds it; a city run
    with that rate trend has about e^(0.0953·t) times the claims t years on."""
    from monell.simulate.calibrate import fit_trend, log_count_series

    rng = np.random.default_rng(11)
    series = []
    for _ in range(40):
        log_rate = (
            np.log(200.0) + 0.0953 * np.arange(12) + np.cumsum(0.05 * rng.standard_normal(12))
        )
        series.append(list(rng.poisson(np.exp(log_rate))))
    walk, extra = fit_count_levels(series)
    trend = fit_trend([log_count_series(c, 0.0) for c in series], walk, extra)
    assert trend == pytest.approx(0.0953, abs=0.02)
    payments = _synthetic(rng, 100.0, 1000.0, 10.0, 1.0, range(2000, 2012))
    params = calibrate(payments, dollars_year=2022, source="synthetic", drift=False)
    params = params.model_copy(
        update={
            "claims": params.claims.model_copy(update={"rate_trend": 0.1}),
            "run": params.run.model_copy(update={"runs": 20, "years": 8, "batch_size": 10}),
            "responses": params.responses.model_copy(update={"enabled": False}),
        }
    )
    claims = simulate(params, workers=1).series["claims"].mean(axis=0)
    assert claims[-1] / claims[0] == pytest.approx(np.exp(0.7), rel=0.1)
