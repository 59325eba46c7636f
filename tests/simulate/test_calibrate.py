"""Calibration recovers known parameters from synthetic data, and runs on the real files."""

from __future__ import annotations

import numpy as np
import pytest

from monell.simulate.backtest import crps, naive_samples
from monell.simulate.calibrate import (
    Payment,
    calibrate,
    fit_counts,
    fit_lags,
    fit_severity,
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
    assert city.dispersion == pytest.approx(4.0, rel=0.35)
    assert city.severity_mu == pytest.approx(10.5, abs=0.05)
    assert sum(fit_lags(payments) or ()) == pytest.approx(1.0)
    run = params.model_copy(
        update={
            "run": params.run.model_copy(update={"runs": 40, "years": 3, "batch_size": 20}),
            "responses": params.responses.model_copy(update={"enabled": False}),
        }
    )
    claims = simulate(run, workers=1).series["claims"]
    assert claims.mean() == pytest.approx(60.0, rel=0.1)


def test_crps_of_a_point_mass_is_the_absolute_error() -> None:
    assert crps(np.full(100, 10.0), 13.0) == pytest.approx(3.0)
    # the CRPS of a wide forecast centred on the truth beats a narrow one far off
    rng = np.random.default_rng(0)
    assert crps(rng.normal(0, 1, 4000), 0.0) < crps(rng.normal(5, 0.1, 4000), 0.0)


def test_naive_baseline_bootstraps_the_last_three_years() -> None:
    samples = naive_samples([100.0, 1.0, 2.0, 3.0], 500, np.random.default_rng(1))
    assert samples.min() >= 1.0 and samples.max() <= 3.0
    assert samples.mean() == pytest.approx(2.0, abs=0.1)


def test_rate_drift_is_recovered_from_random_walks() -> None:
    from monell.simulate.calibrate import fit_drift

    rng = np.random.default_rng(5)
    series = []
    for _ in range(60):
        log_rate = np.log(300.0) + np.cumsum(0.2 * rng.standard_normal(30))
        series.append(list(rng.poisson(np.exp(log_rate))))
    assert fit_drift(series) == pytest.approx(0.2, rel=0.15)
    steady = [list(rng.poisson(300.0, 30)) for _ in range(60)]
    assert (fit_drift(steady) or 0.0) < 0.03
