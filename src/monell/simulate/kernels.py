"""Compiled loops (numba) for the parts of a simulated year that go claim by claim or agency
by agency: splitting each payout into its payer layers and adding the slices to the year they
are paid. Same equations as `model.allocate` (tested against it); deterministic: claims are
added in their order, which depends only on the run, so batches and workers do not matter.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from monell.simulate.model import BUDGET, FUND, TOTAL
from monell.simulate.params import Arrangement, Layer

_OFFICER = int(Layer.OFFICER)
_SELF_INSURANCE_FUND = int(Layer.SELF_INSURANCE_FUND)
_GENERAL_FUND = int(Layer.GENERAL_FUND)
_COUNT = len(Layer)  # the run totals' last row: the number of payments


@njit(cache=True, nogil=True)
def settle(
    cell: np.ndarray,
    amount: np.ndarray,
    lag: np.ndarray,
    arrangement: np.ndarray,
    retention: np.ndarray,
    limit: np.ndarray,
    own_layer: np.ndarray,
    mid_layer: np.ndarray,
    officer_share: float,
    officer_cap: float,
    year: int,
    agencies: int,
    pending: np.ndarray,
    run_pending: np.ndarray,
    incurred: np.ndarray,
) -> None:
    """For each claim: officer = min(share · X, cap); own = min(rest, retention); mid =
    min(rest − own, limit); top = the rest. Adds the budget's, the self-insurance fund's and
    the whole amount to the agency's slot of the payment year, every layer and the count to
    the run's, and the insured layer to the agency's incurred losses this year."""
    lags = pending.shape[0]
    for j in range(cell.shape[0]):
        c = cell[j]
        x = amount[j]
        officer = x * officer_share
        if officer > officer_cap:
            officer = officer_cap
        rest = x - officer
        arr = arrangement[c]
        own = min(rest, retention[arr])
        rest = rest - own
        mid = min(rest, limit[arr])
        top = rest - mid
        slot = (lag[j] + year) % lags
        run = c // agencies
        agency = c - run * agencies
        own_to = own_layer[arr]
        if own_to == _SELF_INSURANCE_FUND:
            pending[slot, FUND, run, agency] += own
            pending[slot, BUDGET, run, agency] += top
        else:
            pending[slot, BUDGET, run, agency] += own + top
        pending[slot, TOTAL, run, agency] += x
        run_pending[slot, _OFFICER, run] += officer
        run_pending[slot, own_to, run] += own
        run_pending[slot, mid_layer[arr], run] += mid
        run_pending[slot, _GENERAL_FUND, run] += top
        run_pending[slot, _COUNT, run] += 1.0
        incurred[c] += mid


_SI = int(Arrangement.SELF_INSURANCE_FUND)
_POOL = int(Arrangement.RISK_POOL)  # and above it, COMMERCIAL_INSURER: the insured arrangements


@njit(cache=True, nogil=True)
def budgets(
    arrangement: np.ndarray,
    active: np.ndarray,
    mod: np.ndarray,
    reserve: np.ndarray,
    due: np.ndarray,
    manual: np.ndarray,
    own_mean: np.ndarray,
    mid_mean: np.ndarray,
    loading: np.ndarray,
    budget: np.ndarray,
    premium: np.ndarray,
    cost: np.ndarray,
    pressure: np.ndarray,
) -> None:
    """Per agency: premium = n̄ ℓ (1 + loading) M (0 if inactive); a self-insured agency's
    contribution n̄ E[min(X, R)] into the fund, its payments out, a shortfall on the budget;
    cost = budget's payments + contribution + shortfall + premium; pressure = 100 cost / B."""
    runs, n = arrangement.shape
    for i in range(runs):
        for j in range(n):
            arr = arrangement[i, j]
            on = 1.0 if active[i, j] else 0.0
            prem = manual[j] * mid_mean[arr, j] * (1 + loading[arr]) * mod[i, j] * on
            contribution = manual[j] * own_mean[arr, j] if arr == _SI and active[i, j] else 0.0
            left = reserve[i, j] + (contribution - due[FUND, i, j])
            shortfall = max(-left, 0.0)
            reserve[i, j] = max(left, 0.0)
            total = due[BUDGET, i, j] + contribution + shortfall + prem
            premium[i, j] = prem
            cost[i, j] = total
            b = budget[j]
            pressure[i, j] = 100 * total / b if np.isfinite(b) and b > 0 else 0.0


@njit(cache=True, nogil=True)
def renew(
    history: np.ndarray,
    position: int,
    incurred: np.ndarray,
    arrangement: np.ndarray,
    active: np.ndarray,
    mod: np.ndarray,
    reformed: np.ndarray,
    freq_mult: np.ndarray,
    manual: np.ndarray,
    mid_mean: np.ndarray,
    loading: np.ndarray,
    credibility_k: float,
    mod_min: float,
    mod_max: float,
    max_increase: float,
    nonrenewal_loss_ratio: float,
    nonrenewal_probability: np.float32,
    mandated_mod: float,
    mandated_probability: np.float32,
    effect_low: float,
    effect_high: float,
    u: np.ndarray,
    live: bool,
    dropped: np.ndarray,
) -> None:
    """Experience rating (credibility-weighted, clipped, moved at most ×c a year), then, when
    `live`, non-renewal and insurer-mandated reform; `dropped` marks the agencies dropped."""
    years, runs, n = history.shape
    for i in range(runs):
        for j in range(n):
            history[position, i, j] = incurred[i, j]
            actual = 0.0
            for h in range(years):
                actual += history[h, i, j]
            arr = arrangement[i, j]
            n_expected = years * manual[j]
            expected = n_expected * mid_mean[arr, j]
            z = n_expected / (n_expected + credibility_k)
            ratio = actual / expected if expected > 0 else 1.0
            new = min(max(z * ratio + (1 - z), mod_min), mod_max)
            old = mod[i, j]
            new = min(max(new, old / max_increase), old * max_increase)
            on = active[i, j]
            insured = on and arr >= _POOL  # a risk pool or a commercial insurer
            if insured or (on and arr == _SI):
                mod[i, j] = new
            dropped[i, j] = False
            if not live or not insured:
                continue
            loss_ratio = actual / (expected * (1 + loading[arr])) if expected > 0 else 0.0
            if loss_ratio > nonrenewal_loss_ratio and u[0, i, j] < nonrenewal_probability:
                dropped[i, j] = True
            elif (
                not reformed[i, j]
                and mod[i, j] >= mandated_mod
                and u[1, i, j] < mandated_probability
            ):
                reformed[i, j] = True
                freq_mult[i, j] = 1 - (effect_low + (effect_high - effect_low) * u[4, i, j])


@njit(cache=True, nogil=True)
def invert_negative_binomial(
    u: np.ndarray,
    p0: np.ndarray,
    q: np.ndarray,
    k: np.ndarray,
    agencies: int,
    max_count: int,
    out: np.ndarray,
) -> None:
    """out = the least n with F(n) > u for each cell, F the negative binomial's distribution
    function: P(0) = p0, P(n) = P(n − 1) (k + n − 1) / n · q, k the cell's agency's. Cells
    with p0 = inf (a large mean, drawn otherwise) get 0."""
    for c in range(u.shape[0]):
        pmf = p0[c]
        if u[c] < pmf:
            out[c] = 0
            continue
        cdf = pmf
        n = 0
        shape = k[c % agencies]
        while u[c] >= cdf and n < max_count:
            n += 1
            pmf = pmf * (shape + n - 1) / n * q[c]
            cdf += pmf
        out[c] = n


@njit(cache=True, nogil=True)
def cells_of(counts: np.ndarray) -> np.ndarray:
    """The cell of each claim: cell c repeated counts[c] times (np.repeat of the indices)."""
    out = np.empty(counts.sum(), dtype=np.int64)
    j = 0
    for c in range(counts.shape[0]):
        for _ in range(counts[c]):
            out[j] = c
            j += 1
    return out


@njit(cache=True, nogil=True)
def severities(
    cell: np.ndarray,
    z: np.ndarray,
    u: np.ndarray,
    mu: np.ndarray,
    sigma: np.ndarray,
    shift: np.ndarray,
    agencies: int,
    trend: float,
    lag_edges: np.ndarray,
    amount: np.ndarray,
    lag: np.ndarray,
) -> None:
    """amount = exp(μ_cell + shift_cell + σ_agency z) · trend (shift empty: none); lag = the
    number of lag-distribution edges at or below the claim's uniform."""
    shifted = shift.shape[0] > 0
    for j in range(cell.shape[0]):
        c = cell[j]
        x = mu[c] + sigma[c % agencies] * z[j]
        if shifted:
            x += shift[c]
        amount[j] = np.exp(x) * trend
        b = 0
        for e in range(lag_edges.shape[0]):
            if u[j] >= lag_edges[e]:
                b += 1
        lag[j] = b


@njit(cache=True, nogil=True)
def claim_means(
    rate: np.ndarray,
    exposure: np.ndarray,
    freq_mult: np.ndarray,
    active: np.ndarray,
    multiplier: float,
    log_drift: np.ndarray,
    drifting: bool,
    k: np.ndarray,
    max_mean: float,
    mean: np.ndarray,
    p0: np.ndarray,
    q: np.ndarray,
    fresh: bool,
) -> None:
    """Expected claims per cell, λ E f m (× e^W with a drifting rate; 0 when inactive), and,
    where it changed (or everywhere when `fresh`), the negative binomial's P(N = 0) =
    (1 − q)^k and odds q = m / (k + m); P(N = 0) = inf where the mean exceeds `max_mean`."""
    runs, n = rate.shape
    for i in range(runs):
        for j in range(n):
            m = rate[i, j] * exposure[j] * freq_mult[i, j] * multiplier if active[i, j] else 0.0
            if drifting:
                m *= np.exp(log_drift[i, j])
            if fresh or m != mean[i, j]:
                mean[i, j] = m
                odds = m / (k[j] + m)
                q[i, j] = odds
                p0[i, j] = np.inf if m > max_mean else np.exp(k[j] * np.log1p(-odds))


@njit(cache=True, nogil=True)
def respond(
    pressure: np.ndarray,
    active: np.ndarray,
    reformed: np.ndarray,
    freq_mult: np.ndarray,
    leadership: np.ndarray,
    u: np.ndarray,
    reform_intercept: float,
    reform_slope: float,
    effect_low: float,
    effect_high: float,
    leadership_intercept: float,
    leadership_slope: float,
) -> None:
    """Reform (if not yet) with probability logistic(α_r + β_r P), its effect drawn from
    U[low, high]; leadership change with probability logistic(α_l + β_l P); active only."""
    runs, n = pressure.shape
    for i in range(runs):
        for j in range(n):
            if not active[i, j]:
                continue
            p = pressure[i, j]
            if not reformed[i, j]:
                p_reform = 1 / (1 + np.exp(-(reform_intercept + reform_slope * p)))
                if u[2, i, j] < p_reform:
                    reformed[i, j] = True
                    freq_mult[i, j] = 1 - (effect_low + (effect_high - effect_low) * u[4, i, j])
            p_lead = 1 / (1 + np.exp(-(leadership_intercept + leadership_slope * p)))
            if u[3, i, j] < p_lead:
                leadership[i, j] = True


@njit(cache=True, nogil=True)
def tally(
    group: np.ndarray,
    budget_known: np.ndarray,
    before: np.ndarray,
    premium: np.ndarray,
    cost: np.ndarray,
    paid: np.ndarray,
    flags: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    by_group: np.ndarray,
    shares: np.ndarray,
    per_run: np.ndarray,
) -> None:
    """One reported year's sums in one pass over the agencies: payments by group; agencies
    flagged (reformed, lost coverage, …) by group; per run the premiums, the cost, the cost
    where the budget is known, premiums at least doubled, and agencies with a premium in
    both years."""
    runs, n = premium.shape
    for i in range(runs):
        for j in range(n):
            g = group[j]
            by_group[i, g] += paid[i, j]
            for f in range(len(flags)):
                if flags[f][i, j]:
                    shares[f, i, g] += 1.0
            per_run[i, 0] += premium[i, j]
            per_run[i, 1] += cost[i, j]
            if budget_known[j]:
                per_run[i, 2] += cost[i, j]
            if before[i, j] > 0 and premium[i, j] > 0:
                per_run[i, 4] += 1.0
                if premium[i, j] >= 2 * before[i, j]:
                    per_run[i, 3] += 1.0
