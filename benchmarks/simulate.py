"""Speed and memory of `monell simulate` on the national population (printed, never asserted).

    nice -n 10 .venv/bin/python benchmarks/simulate.py                      # 1,000 runs × 20 years
    nice -n 10 .venv/bin/python benchmarks/simulate.py --runs 100           # a quick look

Vectorised: the national population (BJS LEMAS 2020, 14,724 agencies) × YEARS × RUNS in
batches over a local process pool; wall time and peak RSS (this process and the largest
worker). Baseline, in the same run: a straightforward per-agency Python loop of the same
model (the same equations, one agency, one claim at a time) on a small slice of agencies and
runs; the figure is the ratio of the time per agency-year.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time

import numpy as np

from monell.simulate import model
from monell.simulate.engine import simulate
from monell.simulate.params import Arrangement, Layer, Params, load_params
from monell.simulate.population import BANDS, build_agencies


def _params(runs: int, years: int, batch_size: int, scale: float = 1.0) -> Params:
    p = load_params("baseline")
    return p.model_copy(
        update={
            "population": p.population.model_copy(update={"scale": scale}),
            "run": p.run.model_copy(
                update={"runs": runs, "years": years, "batch_size": batch_size}
            ),
        }
    )


def naive_loop(params: Params, agencies_n: int, runs: int) -> tuple[float, int]:
    """The same model, agency by agency and claim by claim. Returns (seconds, agency-years)."""
    agencies = build_agencies(params)
    idx = np.linspace(0, agencies.n - 1, agencies_n).astype(int)  # every size class
    terms = model.Terms.from_params(params)
    own_mean, mid_mean = model.layer_means(agencies, terms, params.indemnification.officer_share)
    pr, rs, c = params.pricing, params.responses, params.claims
    lag_cdf = np.cumsum(c.lag_probabilities)
    lags = len(c.lag_probabilities)
    years = params.burn_in + params.run.years
    start = time.perf_counter()
    for run in range(runs):
        rng = np.random.default_rng(np.random.SeedSequence(params.run.seed, spawn_key=(run,)))
        for a in idx:
            arr = int(agencies.arrangement[a])
            mod, reserve, freq, active, reformed = 1.0, 0.0, 1.0, True, False
            history = [0.0] * pr.experience_years
            pending = [[0.0, 0.0] for _ in range(lags)]  # budget, fund
            manual = agencies.rate[a] * agencies.exposure[a]
            for year in range(years):
                lam = manual * freq * active
                n = rng.poisson(lam * rng.gamma(agencies.dispersion[a], 1 / agencies.dispersion[a]))
                incurred = 0.0
                for _ in range(n):
                    x = math.exp(agencies.mu[a] + agencies.sigma[a] * rng.standard_normal())
                    officer = x * params.indemnification.officer_share
                    rest = x - officer
                    own = min(rest, terms.retention[arr])
                    mid = min(rest - own, terms.limit[arr])
                    top = rest - own - mid
                    lag = int(np.searchsorted(lag_cdf, rng.random(), side="right"))
                    slot = pending[(year + lag) % lags]
                    if terms.own_layer[arr] == Layer.SELF_INSURANCE_FUND:
                        slot[1] += own
                    else:
                        slot[0] += own
                    slot[0] += top
                    incurred += mid
                due = pending[year % lags]
                pending[year % lags] = [0.0, 0.0]
                premium = manual * mid_mean[arr, a] * (1 + terms.loading[arr]) * mod * active
                contribution = (
                    manual * own_mean[arr, a] if arr == Arrangement.SELF_INSURANCE_FUND else 0.0
                )
                reserve += contribution - due[1]
                shortfall = max(-reserve, 0.0)
                reserve = max(reserve, 0.0)
                cost = due[0] + contribution + shortfall + premium
                budget = agencies.budget[a]
                pressure = 100 * cost / budget if budget > 0 else 0.0
                history = [incurred, *history[:-1]]
                expected = len(history) * manual * mid_mean[arr, a]
                z = len(history) * manual / (len(history) * manual + pr.credibility_k)
                ratio = sum(history) / expected if expected > 0 else 1.0
                new = min(max(z * ratio + 1 - z, pr.mod_min), pr.mod_max)
                mod = min(max(new, mod / pr.max_increase_per_year), mod * pr.max_increase_per_year)
                u = rng.random(6)
                if year < params.burn_in or not active:
                    continue
                insured = arr in (Arrangement.RISK_POOL, Arrangement.COMMERCIAL_INSURER)
                lr = sum(history) / (expected * (1 + terms.loading[arr])) if expected > 0 else 0.0
                if insured and lr > pr.nonrenewal_loss_ratio and u[0] < pr.nonrenewal_probability:
                    probs = np.cumsum(rs.after_loss[BANDS[agencies.band[a]]].probabilities())
                    choice = int(np.searchsorted(probs, u[5], side="right"))
                    if choice == 0:
                        arr, mod = Arrangement.SELF_INSURANCE_FUND, 1.0
                    elif choice == 1:
                        arr, mod = Arrangement.RISK_POOL, pr.replacement_surcharge
                    else:
                        active = False
                p_reform = 1 / (1 + math.exp(-(rs.reform_intercept + rs.reform_slope * pressure)))
                if active and not reformed and u[2] < p_reform:
                    reformed = True
                    freq = 1 - (
                        rs.reform_effect_low + (rs.reform_effect_high - rs.reform_effect_low) * u[4]
                    )
    seconds = time.perf_counter() - start
    agency_years = runs * agencies_n * params.run.years
    return seconds, agency_years


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--batch-size", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--loop-agencies", type=int, default=300)
    ap.add_argument("--loop-runs", type=int, default=3)
    args = ap.parse_args()

    params = _params(args.runs, args.years, args.batch_size)
    agencies = build_agencies(params).n
    print(f"load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    simulate(_params(2, 1, 2, scale=0.01), workers=1)  # compiled loops: load them from cache
    start, cpu0 = time.perf_counter(), cpu_seconds()
    results = simulate(params, workers=args.workers)
    wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
    own, children = peak_rss_mb()
    agency_years = args.runs * args.years * agencies
    print(
        f"vectorised: {agencies:,} agencies × {args.years} years (+{params.burn_in} burn-in) × "
        f"{args.runs:,} runs, batches of {args.batch_size}, {args.workers} workers"
    )
    print(
        f"  wall {wall:.1f} s, CPU {cpu:.1f} s (all processes), "
        f"{agency_years / wall / 1e6:.2f} M agency-years/s; "
        f"peak RSS parent {own:.0f} MB, largest worker {children:.0f} MB"
    )
    print(f"  mean payouts per agency-year ${results.series['payouts'].mean() / agencies:,.0f}")
    print(f"  CPU-bound estimate on {args.workers} idle cores: {cpu / args.workers:.0f} s")

    cpu0 = cpu_seconds()
    loop_s, loop_ay = naive_loop(params, args.loop_agencies, args.loop_runs)
    loop_cpu = cpu_seconds() - cpu0
    print(
        f"per-agency Python loop: {args.loop_agencies} agencies × {args.years} years × "
        f"{args.loop_runs} runs in {loop_s:.1f} s wall, {loop_cpu:.1f} s CPU "
        f"(a slice across size classes)"
    )
    single = _params(min(args.runs, 40), args.years, args.batch_size)
    cpu0 = cpu_seconds()
    simulate(single, workers=1)
    one_cpu = (cpu_seconds() - cpu0) / (single.run.runs * args.years * agencies)
    print(
        f"ratio of CPU time per agency-year, loop / vectorised (1 process, {single.run.runs} "
        f"runs): {loop_cpu / loop_ay / one_cpu:,.0f}×; wall time per agency-year, loop / "
        f"vectorised with {args.workers} workers: {loop_s / loop_ay / (wall / agency_years):,.0f}×"
    )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
