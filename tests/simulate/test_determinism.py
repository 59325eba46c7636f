"""Same seed → identical numbers, whatever the batch size or the number of workers."""

from __future__ import annotations

import numpy as np
import pytest

from monell.simulate.engine import Results, simulate
from monell.simulate.params import Params
from tests.simulate.conftest import small


def _same(a: Results, b: Results) -> None:
    assert np.array_equal(a.runs, b.runs)
    for key in a.series:
        assert np.array_equal(a.series[key], b.series[key], equal_nan=True), key
    for key in a.shares:
        assert np.array_equal(a.shares[key], b.shares[key]), key
    assert np.array_equal(a.layers, b.layers)
    assert np.array_equal(a.first_year_median_payment, b.first_year_median_payment)


def _with(params: Params, **run: int) -> Params:
    return params.model_copy(update={"run": params.run.model_copy(update=run)})


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_batch_size_does_not_change_results(baseline: Params, batch_size: int) -> None:
    reference = simulate(_with(baseline, batch_size=6), workers=1)
    _same(reference, simulate(_with(baseline, batch_size=batch_size), workers=1))


def test_worker_count_does_not_change_results(baseline: Params) -> None:
    one = simulate(_with(baseline, batch_size=2), workers=1)
    _same(one, simulate(_with(baseline, batch_size=2), workers=2))


def test_a_run_is_the_same_inside_a_larger_experiment(baseline: Params) -> None:
    """Run 3 of a 4-run experiment equals run 3 of a 6-run one (streams keyed by run index)."""
    four = simulate(_with(baseline, runs=4), workers=1)
    six = simulate(baseline, workers=1)
    assert np.array_equal(four.series["payouts"][3], six.series["payouts"][3])


def test_another_seed_gives_other_numbers(baseline: Params) -> None:
    a = simulate(baseline, workers=1)
    b = simulate(_with(baseline, seed=baseline.run.seed + 1), workers=1)
    assert not np.array_equal(a.series["payouts"], b.series["payouts"])


def test_dask_local_cluster_gives_the_same_numbers(baseline: Params) -> None:
    distributed = pytest.importorskip("distributed")
    params = _with(baseline, batch_size=2)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = simulate(params, scheduler=cluster.scheduler_address)
    _same(simulate(params, workers=1), on_dask)


def test_small_run_is_within_the_published_anchors() -> None:
    """Not a calibration test: the baseline's own anchors stay where docs/simulation.md says."""
    from monell.simulate.params import load_params
    from monell.simulate.summary import summarise

    s = summarise(simulate(small(load_params("baseline"), runs=4, years=3), workers=1))
    anchors = s["anchors"]["model"]
    assert anchors["government_share_of_dollars"]["median"] == pytest.approx(0.9998, abs=1e-6)
    assert 14_000 < anchors["median_payment_usd"]["median"] < 22_000  # WaPo (2022): $17,500


@pytest.mark.parametrize("batch_size", [1, 4])
def test_trend_uncertainty_damping_and_common_shock_keep_determinism(
    baseline: Params, batch_size: int
) -> None:
    """The runs' trend, damping and common-shock draws come from each run's own streams."""
    moving = baseline.model_copy(
        update={
            "claims": baseline.claims.model_copy(
                update={
                    "rate_drift_sd": 0.2,
                    "rate_drift_sd_se": 0.05,
                    "rate_common_sd": 0.1,
                    "severity_drift_sd": 0.2,
                    "severity_common_sd": 0.1,
                    "rate_trend": 0.05,
                    "rate_trend_se": 0.05,
                    "severity_trend": 0.02,
                    "severity_trend_se": 0.03,
                    "trend_damping_low": 0.8,
                    "trend_damping_high": 0.98,
                    "walk_lead_years": 3,
                    "walk_mean_one": False,
                }
            )
        }
    )
    reference = simulate(_with(moving, batch_size=6), workers=1)
    _same(reference, simulate(_with(moving, batch_size=batch_size), workers=1))
    _same(reference, simulate(_with(moving, batch_size=batch_size), workers=2))
    assert not np.array_equal(reference.series["payouts"], simulate(baseline).series["payouts"])
