"""Runs of the model in batches: in this process, a local process pool, or a Dask cluster.

A batch is a list of run indices; each run's random numbers depend only on (seed, run), so
the results, put back in run order, are the same whatever the batch size or worker count.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np

from monell.simulate import kernels, model
from monell.simulate.params import Layer, Params
from monell.simulate.population import Agencies, build_agencies

SHARES = ("reformed", "lost_coverage", "leadership_changed", "disbanded", "contracted_sheriff")


@dataclass
class Results:
    """Per run and year (and per group for the shares); arrays in run order."""

    params: Params
    years: list[int]
    group_labels: tuple[str, ...]
    group_agencies: np.ndarray  # agencies per group
    runs: np.ndarray  # run indices
    series: dict[str, np.ndarray] = field(default_factory=dict)  # (runs, years)
    payouts_by_group: np.ndarray = field(
        default_factory=lambda: np.zeros(0)
    )  # (runs, years, groups)
    layers: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (runs, years, layers)
    shares: dict[str, np.ndarray] = field(default_factory=dict)  # (runs, years, groups) counts
    first_year_median_payment: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @staticmethod
    def concat(parts: list[Results]) -> Results:
        parts = sorted(parts, key=lambda p: int(p.runs[0]))
        first = parts[0]
        return Results(
            params=first.params,
            years=first.years,
            group_labels=first.group_labels,
            group_agencies=first.group_agencies,
            runs=np.concatenate([p.runs for p in parts]),
            series={k: np.concatenate([p.series[k] for p in parts]) for k in first.series},
            layers=np.concatenate([p.layers for p in parts]),
            payouts_by_group=np.concatenate([p.payouts_by_group for p in parts]),
            shares={k: np.concatenate([p.shares[k] for p in parts]) for k in first.shares},
            first_year_median_payment=np.concatenate([p.first_year_median_payment for p in parts]),
        )


def _onehot(agencies: Agencies) -> np.ndarray:
    out = np.zeros((agencies.n, len(agencies.group_labels)))
    out[np.arange(agencies.n), agencies.group] = 1.0
    return out


def run_batch(params: Params, runs: list[int], agencies: Agencies | None = None) -> Results:
    """Simulate `runs` (indices) for the burn-in and the reported years."""
    agencies = agencies or build_agencies(params)
    terms = model.Terms.from_params(params)
    ind = params.indemnification
    own_mean, mid_mean = model.layer_means(agencies, terms, ind.officer_share)
    multiplier = params.claims.frequency_multiplier * (1 - ind.deterrence_frequency_effect)
    manual_claims = agencies.rate * agencies.exposure * multiplier
    state = model.initial_state(params, agencies, runs)
    onehot = _onehot(agencies)
    n_groups = len(agencies.group_labels)
    budget = np.where(np.isfinite(agencies.budget), agencies.budget, 0.0)
    known_budget = budget.sum()
    r, years, burn = len(runs), params.run.years, params.burn_in
    series_names = (
        "payouts",
        "premiums",
        "budget_cost",
        "budget_share",
        "general_fund_share",
        "claims",
        "payments",
        "premium_doubled",
        "insured",
    )
    series = {k: np.zeros((r, years)) for k in series_names}
    layers = np.zeros((r, years, len(Layer)))
    by_group = np.zeros((r, years, len(agencies.group_labels)))
    shares = {k: np.zeros((r, years, len(agencies.group_labels))) for k in SHARES}
    median_payment = np.full(r, np.nan)
    for step in range(burn + years):
        live = step >= burn and params.responses.enabled
        rngs = model.year_streams(params, runs, step)
        u = model.draw_uniforms(rngs, agencies.n)
        if step:
            model.clear_paid(state, step - 1)
        claims = model.draw_claims(params, agencies, state, rngs, step)
        incurred = model.settle(
            state, claims, terms, ind.officer_share, ind.officer_cap_per_claim_usd, step
        )
        due, due_run = model.pay(state, step)
        before = state.premium  # budgets() puts a new array in its place
        money = model.budgets(
            params, agencies, state, due, manual_claims, own_mean, mid_mean, terms
        )
        dropped = model.renew(
            params, agencies, state, incurred, manual_claims, mid_mean, terms, u, live
        )
        if live:
            model.after_loss(params, agencies, state, dropped, u[5])
            model.respond(params, state, money, u)
        if step < burn:
            continue
        t = step - burn
        if t == 0:
            run_of = claims.cell // agencies.n
            bounds = np.searchsorted(run_of, np.arange(r + 1))
            for i in range(r):
                chunk = claims.amount[bounds[i] : bounds[i + 1]]
                if chunk.size:
                    median_payment[i] = float(np.median(chunk))
        series["payouts"][:, t] = due_run[: len(Layer)].sum(axis=0)
        flag_counts = np.zeros((len(SHARES), r, n_groups))
        group_paid = np.zeros((r, n_groups))
        per_run = np.zeros((r, 5))
        kernels.tally(
            agencies.group,
            budget > 0,
            before,
            money.premium,
            money.cost,
            due[model.TOTAL],
            (
                state.reformed,
                state.lost_coverage,
                state.leadership,
                state.disbanded,
                state.contracted,
            ),
            group_paid,
            flag_counts,
            per_run,
        )
        series["premiums"][:, t] = per_run[:, 0]
        series["budget_cost"][:, t] = per_run[:, 1]
        cost_known = per_run[:, 2]
        if known_budget > 0:
            series["budget_share"][:, t] = cost_known / known_budget
            police_share = params.budget.police_share_of_general_fund
            series["general_fund_share"][:, t] = cost_known / (known_budget / police_share)
        else:
            series["budget_share"][:, t] = np.nan
            series["general_fund_share"][:, t] = np.nan
        series["claims"][:, t] = np.bincount(claims.cell // agencies.n, minlength=r)
        series["payments"][:, t] = due_run[len(Layer)]
        series["premium_doubled"][:, t] = per_run[:, 3]
        series["insured"][:, t] = per_run[:, 4]
        layers[:, t] = due_run[: len(Layer)].T
        by_group[:, t] = group_paid
        for f, name in enumerate(SHARES):
            shares[name][:, t] = flag_counts[f]
    first = params.run.first_year
    return Results(
        params=params,
        years=list(range(first, first + years)),
        group_labels=agencies.group_labels,
        group_agencies=onehot.sum(axis=0),
        runs=np.asarray(runs, dtype=np.int64),
        series=series,
        layers=layers,
        payouts_by_group=by_group,
        shares=shares,
        first_year_median_payment=median_payment,
    )


def batches(runs: int, batch_size: int) -> list[list[int]]:
    return [list(range(s, min(s + batch_size, runs))) for s in range(0, runs, batch_size)]


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def simulate(
    params: Params,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """All of `params.run.runs`, in batches of `params.run.batch_size`."""
    plan = batches(params.run.runs, params.run.batch_size)
    parts = list(_execute(params, plan, workers, scheduler, progress))
    return Results.concat(parts)


def _execute(
    params: Params,
    plan: list[list[int]],
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int], None] | None,
) -> Iterator[Results]:
    def tick(part: Results) -> Results:
        if progress is not None:
            progress(len(part.runs))
        return part

    if scheduler is not None:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler, timeout="10s") as client:  # type: ignore[no-untyped-call]
            futures = client.map(run_batch, [params] * len(plan), plan, pure=False)
            for future in dask_completed(futures):  # type: ignore[no-untyped-call]
                yield tick(future.result())
        return
    workers = default_workers() if workers is None else workers
    if workers <= 1 or len(plan) == 1:
        agencies = build_agencies(params)
        for runs in plan:
            yield tick(run_batch(params, runs, agencies))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_batch, params, runs) for runs in plan]
        for future in as_completed(futures):
            yield tick(future.result())
