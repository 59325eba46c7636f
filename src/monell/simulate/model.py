"""One year of the model as pure, vectorised steps over (runs × agencies) arrays.

claims arrive → each payout is split into payer layers → payments fall due after a lag →
budgets, reserves and premiums → renewals (experience rating, non-renewal, insurer-mandated
reform) → responses to pressure (reform, leadership change) and to lost coverage (self-insure,
join a pool, contract with the sheriff, disband).

Every random draw comes from a generator derived from (seed, run, year, purpose) with
SeedSequence spawn keys, so a run's numbers do not depend on the batch it is in, the worker
that ran it or the scenario beside it (common random numbers for `--compare`).
Equations and sources: docs/simulation.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from monell.simulate.params import Arrangement, Layer, Params
from monell.simulate.population import BANDS, Agencies

N_LAYERS = len(Layer)
N_ARR = len(Arrangement)
YEAR, PARAMETERS = 0, 1  # stream purposes: a run's year, a run's parameter draws
N_RESPONSE_DRAWS = 6


def stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


# --- layers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """Per funding arrangement (index = Arrangement): the agency's own retention, the
    insured layer above it, who pays each, and the insured layer's loading."""

    retention: np.ndarray
    limit: np.ndarray
    own_layer: np.ndarray
    mid_layer: np.ndarray
    loading: np.ndarray

    @classmethod
    def from_params(cls, params: Params) -> Terms:
        f = params.funding
        return cls(
            retention=np.array(
                [
                    np.inf,
                    f.self_insurance.retention_usd,
                    f.risk_pool.deductible_usd,
                    f.commercial_insurer.deductible_usd,
                ]
            ),
            limit=np.array(
                [
                    0.0,
                    f.self_insurance.excess_limit_usd,
                    f.risk_pool.limit_usd,
                    f.commercial_insurer.limit_usd,
                ]
            ),
            own_layer=np.array(
                [
                    Layer.GENERAL_FUND,
                    Layer.SELF_INSURANCE_FUND,
                    Layer.ENTITY_BUDGET,
                    Layer.ENTITY_BUDGET,
                ],
                dtype=np.int64,
            ),
            mid_layer=np.array(
                [
                    Layer.COMMERCIAL_INSURER,
                    Layer.COMMERCIAL_INSURER,
                    Layer.RISK_POOL,
                    Layer.COMMERCIAL_INSURER,
                ],
                dtype=np.int64,
            ),
            loading=np.array(
                [
                    0.0,
                    f.commercial_insurer.loading,
                    f.risk_pool.loading,
                    f.commercial_insurer.loading,
                ]
            ),
        )


@dataclass(frozen=True)
class Split:
    """One payout split into slices; `own_layer` / `mid_layer` say which Layer each pays."""

    officer: np.ndarray
    own: np.ndarray
    own_layer: np.ndarray
    mid: np.ndarray
    mid_layer: np.ndarray
    top: np.ndarray  # general fund: above every limit

    def matrix(self) -> np.ndarray:
        """(claims × Layer) amounts; each row sums to the payout."""
        out = np.zeros((self.officer.shape[0], N_LAYERS))
        rows = np.arange(self.officer.shape[0])
        out[:, Layer.OFFICER] = self.officer
        out[rows, self.own_layer] += self.own
        out[rows, self.mid_layer] += self.mid
        out[:, Layer.GENERAL_FUND] += self.top
        return out


def allocate(
    amount: np.ndarray,
    arrangement: np.ndarray,
    terms: Terms,
    officer_share: float,
    officer_cap: float | None,
) -> Split:
    """Split each payout into layers; the slices sum to `amount`.

    The officer pays `officer_share` of the payout (capped per claim); the agency its
    retention; the pool, insurer or excess insurer the layer above up to its limit; whatever
    is left falls back on the general fund.
    """
    officer = amount * officer_share
    if officer_cap is not None:
        officer = np.minimum(officer, officer_cap)
    rest = amount - officer
    own = np.minimum(rest, terms.retention[arrangement])
    rest = rest - own
    mid = np.minimum(rest, terms.limit[arrangement])
    return Split(
        officer=officer,
        own=own,
        own_layer=terms.own_layer[arrangement],
        mid=mid,
        mid_layer=terms.mid_layer[arrangement],
        top=rest - mid,
    )


def lognormal_lev(mu: np.ndarray, sigma: np.ndarray, limit: np.ndarray | float) -> np.ndarray:
    """E[min(X, limit)] for X lognormal(mu, sigma): the limited expected value."""
    limit = np.asarray(limit, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_limit = np.log(np.where(limit > 0, limit, 1.0))
        full = np.exp(mu + sigma**2 / 2)
        below = full * ndtr((log_limit - mu - sigma**2) / sigma)
        above = np.where(np.isfinite(limit), limit, 0.0) * (1 - ndtr((log_limit - mu) / sigma))
    lev = np.where(np.isinf(limit), full, below + above)
    return np.where(limit > 0, lev, 0.0)


def layer_means(
    agencies: Agencies, terms: Terms, officer_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expected own-layer and insured-layer loss per claim, (arrangement × agency)."""
    mu = agencies.mu + math.log(max(1e-12, 1 - officer_share))
    sigma = agencies.sigma
    own = np.empty((N_ARR, agencies.n))
    mid = np.empty((N_ARR, agencies.n))
    for a in range(N_ARR):
        r, lim = terms.retention[a], terms.limit[a]
        own[a] = lognormal_lev(mu, sigma, r)
        mid[a] = 0.0 if lim == 0 else lognormal_lev(mu, sigma, r + lim) - own[a]
    return own, mid


# --- state --------------------------------------------------------------------------------


@dataclass
class State:
    """Everything that carries from one year to the next, shape (runs, agencies)."""

    active: np.ndarray
    arrangement: np.ndarray
    mod: np.ndarray
    premium: np.ndarray
    reserve: np.ndarray
    freq_mult: np.ndarray
    reformed: np.ndarray
    lost_coverage: np.ndarray
    leadership: np.ndarray
    disbanded: np.ndarray
    contracted: np.ndarray
    history: np.ndarray  # (experience_years, runs, agencies) insured-layer losses by year
    pending: np.ndarray  # (max lag + 1, CHANNELS, runs, agencies): payments falling due
    run_pending: np.ndarray  # (max lag + 1, layers + 1, runs): every layer and the count
    log_drift: np.ndarray  # random walk of the log claim rate (claims.rate_drift_sd)
    mu: np.ndarray  # per-run severity (parameter uncertainty)
    rate: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def initial_state(params: Params, agencies: Agencies, runs: list[int]) -> State:
    r, a = len(runs), agencies.n
    mu = np.empty((r, a))
    rate = np.empty((r, a))
    for i, run in enumerate(runs):
        rng = stream(params.run.seed, run, PARAMETERS)
        z_mu, z_rate = rng.standard_normal((2, a))
        mu[i] = agencies.mu + agencies.mu_se * z_mu
        # lognormal factor with mean 1 and the rate's relative standard error
        s = np.log1p(agencies.rate_se**2) ** 0.5
        rate[i] = agencies.rate * np.exp(s * z_rate - s**2 / 2)
    lags = len(params.claims.lag_probabilities)
    return State(
        active=np.ones((r, a), dtype=bool),
        arrangement=np.broadcast_to(agencies.arrangement, (r, a)).copy(),
        mod=np.ones((r, a)),
        premium=np.zeros((r, a)),
        reserve=np.zeros((r, a)),
        freq_mult=np.ones((r, a)),
        reformed=np.zeros((r, a), dtype=bool),
        lost_coverage=np.zeros((r, a), dtype=bool),
        leadership=np.zeros((r, a), dtype=bool),
        disbanded=np.zeros((r, a), dtype=bool),
        contracted=np.zeros((r, a), dtype=bool),
        history=np.zeros((params.pricing.experience_years, r, a)),
        pending=np.zeros((lags, CHANNELS, r, a)),
        run_pending=np.zeros((lags, N_LAYERS + 1, r)),
        log_drift=np.zeros((r, a)),
        mu=mu,
        rate=rate,
    )


# --- the steps ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claims:
    cell: np.ndarray  # run × agency cell of each claim (flat index)
    amount: np.ndarray  # constant dollars
    lag: np.ndarray  # years from incident to payment


def year_streams(params: Params, runs: list[int], year: int) -> list[np.random.Generator]:
    """One generator per run for this year. Each year draws the response uniforms first (a
    fixed number), then the claims, so two scenarios share both (common random numbers)."""
    return [stream(params.run.seed, run, year, YEAR) for run in runs]


def draw_claims(
    params: Params, agencies: Agencies, state: State, rngs: list[np.random.Generator], year: int
) -> Claims:
    """Negative-binomial counts (a gamma-mixed Poisson), lognormal severities, lags."""
    c = params.claims
    ind = params.indemnification
    multiplier = c.frequency_multiplier * (1 - ind.deterrence_frequency_effect)
    lam = state.rate * agencies.exposure * state.freq_mult * multiplier * state.active
    trend = (1 + c.real_severity_trend) ** year
    lag_cdf = np.cumsum(c.lag_probabilities)
    lag_cdf[-1] = 1.0
    k = agencies.dispersion
    shape = float(k[0]) if k.size and (k == k[0]).all() else k
    drift = c.rate_drift_sd if year >= params.burn_in else 0.0  # the walk starts at T + 1
    tau = c.severity_year_sd
    mu_drift = c.severity_drift_sd if year >= params.burn_in else 0.0
    counts, normals, uniforms, shifts = [], [], [], []
    for i, rng in enumerate(rngs):
        if drift > 0:  # drawn only when used: common random numbers need equal drift settings
            state.log_drift[i] += drift * rng.standard_normal(k.shape[0]) - drift**2 / 2
        frailty = rng.gamma(shape, 1 / shape, k.shape[0])
        if drift > 0 or state.log_drift[i].any():
            frailty = frailty * np.exp(state.log_drift[i])
        n = rng.poisson(lam[i] * frailty)
        total = int(n.sum())
        counts.append(n)
        normals.append(rng.standard_normal(total))
        uniforms.append(rng.random(total))
        if tau > 0:  # after the claims: they stay aligned across scenarios
            shifts.append(tau * rng.standard_normal(k.shape[0]))
        if mu_drift > 0:
            state.mu[i] += mu_drift * rng.standard_normal(k.shape[0])
    n_all = np.concatenate(counts)
    cell = np.repeat(np.arange(n_all.shape[0]), n_all)
    z = np.concatenate(normals)
    sigma = agencies.sigma
    if sigma.size and (sigma == sigma[0]).all():  # one severity for all (national): no gather
        log_amount = sigma[0] * z
    else:
        log_amount = sigma[cell % agencies.n] * z
    mu = state.mu
    if mu.size and (mu == mu.flat[0]).all():
        log_amount += mu.flat[0]
    else:
        log_amount += mu.ravel()[cell]
    if tau > 0:
        log_amount += np.concatenate(shifts)[cell]
    amount = np.exp(log_amount) * trend
    lag = np.searchsorted(lag_cdf, np.concatenate(uniforms), side="right")
    return Claims(cell=cell, amount=amount, lag=lag)


# per-agency pending channels: borne by the budget, paid by the SI fund, paid by anyone
BUDGET, FUND, TOTAL = 0, 1, 2
CHANNELS = 3


def schedule(state: State, claims: Claims, split: Split, year: int) -> np.ndarray:
    """Add each claim's slices to the year it is paid; returns this year's incurred insured
    layer per cell (what experience rating sees when the claim is reported).

    Per agency only what the budget and the self-insurance fund pay is kept; per run every
    layer and the count of payments."""
    lags, _, r, a = state.pending.shape
    cells = r * a
    slot = (year + claims.lag) % lags
    own_si = split.own_layer == Layer.SELF_INSURANCE_FUND
    mid_pool_or_insurer = split.mid  # every mid layer is a pool's or an insurer's
    budget = np.where(own_si, 0.0, split.own) + split.top
    budget_index = slot * (CHANNELS * cells) + BUDGET * cells + claims.cell
    flat = state.pending.reshape(-1)
    np.add.at(flat, budget_index, budget)
    np.add.at(flat, budget_index + TOTAL * cells, claims.amount)
    if own_si.any():
        np.add.at(flat, (budget_index + FUND * cells)[own_si], split.own[own_si])
    run_slot = slot * r + claims.cell // a
    by_run = state.run_pending.reshape(lags, N_LAYERS + 1, r)
    size = lags * r
    by_run[:, Layer.OFFICER] += np.bincount(run_slot, split.officer, size).reshape(lags, r)
    for layers, amount in ((split.own_layer, split.own), (split.mid_layer, split.mid)):
        combined = np.bincount(run_slot * N_LAYERS + layers, amount, size * N_LAYERS)
        by_run[:, :N_LAYERS] += combined.reshape(lags, r, N_LAYERS).transpose(0, 2, 1)
    by_run[:, Layer.GENERAL_FUND] += np.bincount(run_slot, split.top, size).reshape(lags, r)
    by_run[:, N_LAYERS] += np.bincount(run_slot, None, size).reshape(lags, r)
    incurred = np.zeros(cells)
    np.add.at(incurred, claims.cell, mid_pool_or_insurer)
    return incurred.reshape(r, a)


def pay(state: State, year: int) -> tuple[np.ndarray, np.ndarray]:
    """This year's payments: per agency (channels, runs, agencies) and per run
    (layers + count, runs); the slots are emptied."""
    slot = year % state.pending.shape[0]
    due = state.pending[slot].copy()
    state.pending[slot] = 0.0
    due_run = state.run_pending[slot].copy()
    state.run_pending[slot] = 0.0
    return due, due_run


@dataclass(frozen=True)
class Money:
    premium: np.ndarray  # premiums and pool contributions (incl. excess cover)
    cost: np.ndarray  # what the agency's budget bears
    pressure_pct: np.ndarray  # cost as % of the police budget (0 where the budget is unknown)


def budgets(
    params: Params,
    agencies: Agencies,
    state: State,
    due: np.ndarray,
    manual_claims: np.ndarray,
    own_mean: np.ndarray,
    mid_mean: np.ndarray,
    terms: Terms,
) -> Money:
    """Premiums from manual rates × experience mod; the self-insurance reserve; the cost."""
    arr = state.arrangement
    cols = np.arange(agencies.n)
    expected_mid = manual_claims * mid_mean[arr, cols]
    premium = expected_mid * (1 + terms.loading[arr]) * state.mod * state.active
    is_si = arr == Arrangement.SELF_INSURANCE_FUND
    contribution = np.where(is_si & state.active, manual_claims * own_mean[arr, cols], 0.0)
    si_paid = due[FUND]
    state.reserve += contribution - si_paid
    shortfall = np.maximum(-state.reserve, 0.0)
    state.reserve = np.maximum(state.reserve, 0.0)
    # paid from the fund: already budgeted through contributions; a shortfall hits the budget
    cost = due[BUDGET] + contribution + shortfall + premium
    state.premium = premium
    budget = agencies.budget
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(np.isfinite(budget) & (budget > 0), 100 * cost / budget, 0.0)
    return Money(premium=premium, cost=cost, pressure_pct=pct)


def _logistic(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1 / (1 + np.exp(-x))
    return out


def draw_uniforms(rngs: list[np.random.Generator], agencies: int) -> np.ndarray:
    """(draws, runs, agencies) uniforms for renewals and responses (single precision: they
    are only compared with probabilities)."""
    out = np.empty((N_RESPONSE_DRAWS, len(rngs), agencies), dtype=np.float32)
    for i, rng in enumerate(rngs):
        out[:, i] = rng.random((N_RESPONSE_DRAWS, agencies), dtype=np.float32)
    return out


def renew(
    params: Params,
    agencies: Agencies,
    state: State,
    incurred: np.ndarray,
    manual_claims: np.ndarray,
    mid_mean: np.ndarray,
    terms: Terms,
    u: np.ndarray,
    live: bool,
) -> np.ndarray:
    """Experience rating, non-renewal and insurer-mandated reform at the year's renewal.

    Returns the mask of agencies that lost coverage this year."""
    p = params.pricing
    state.history = np.roll(state.history, 1, axis=0)
    state.history[0] = incurred
    arr = state.arrangement
    cols = np.arange(agencies.n)
    years = state.history.shape[0]
    expected = years * manual_claims * mid_mean[arr, cols]
    actual = state.history.sum(axis=0)
    n_expected = years * manual_claims
    z = n_expected / (n_expected + p.credibility_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, actual / expected, 1.0)
    raw = z * ratio + (1 - z)
    new_mod = np.clip(raw, p.mod_min, p.mod_max)
    new_mod = np.clip(
        new_mod, state.mod / p.max_increase_per_year, state.mod * p.max_increase_per_year
    )
    insured = state.active & (
        (arr == Arrangement.RISK_POOL) | (arr == Arrangement.COMMERCIAL_INSURER)
    )
    priced = insured | (state.active & (arr == Arrangement.SELF_INSURANCE_FUND))
    state.mod = np.where(priced, new_mod, state.mod)
    if not live:
        return np.zeros_like(insured)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss_ratio = np.where(expected > 0, actual / (expected * (1 + terms.loading[arr])), 0.0)
    dropped = insured & (loss_ratio > p.nonrenewal_loss_ratio) & (u[0] < p.nonrenewal_probability)
    mandated = (
        insured
        & ~dropped
        & ~state.reformed
        & (state.mod >= p.mandated_reform_mod)
        & (u[1] < p.mandated_reform_probability)
    )
    _reform(params, state, mandated, u[4])
    out: np.ndarray = dropped
    return out


def _reform(params: Params, state: State, mask: np.ndarray, u: np.ndarray) -> None:
    r = params.responses
    effect = r.reform_effect_low + (r.reform_effect_high - r.reform_effect_low) * u
    state.freq_mult = np.where(mask, 1 - effect, state.freq_mult)
    state.reformed |= mask


def after_loss(
    params: Params, agencies: Agencies, state: State, dropped: np.ndarray, u: np.ndarray
) -> None:
    """Self-insure, join another pool (at a surcharge), contract with the sheriff, or disband."""
    state.lost_coverage |= dropped
    choice = np.zeros(dropped.shape, dtype=np.int8)
    for i, band in enumerate(BANDS):
        probs = np.array(params.responses.after_loss[band].probabilities())
        if params.funding.mandatory_insurance:  # self-insurance is no longer an option
            probs[1] += probs[0]
            probs[0] = 0.0
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        mask = agencies.band == i
        choice[:, mask] = np.searchsorted(cdf, u[:, mask], side="right")
    self_insure = dropped & (choice == 0)
    join_pool = dropped & (choice == 1)
    contract = dropped & (choice == 2)
    disband = dropped & (choice == 3)
    state.arrangement = np.where(self_insure, Arrangement.SELF_INSURANCE_FUND, state.arrangement)
    state.arrangement = np.where(join_pool, Arrangement.RISK_POOL, state.arrangement).astype(
        np.int8
    )
    state.mod = np.where(join_pool, params.pricing.replacement_surcharge, state.mod)
    state.mod = np.where(self_insure, 1.0, state.mod)
    state.history[:, self_insure | join_pool] = 0.0
    state.contracted |= contract
    state.disbanded |= disband
    state.active &= ~(contract | disband)


def respond(params: Params, state: State, money: Money, u: np.ndarray) -> None:
    """Reform and leadership change, each with a probability rising with the pressure."""
    r = params.responses
    pressure = money.pressure_pct
    p_reform = _logistic(r.reform_intercept + r.reform_slope * pressure)
    reform = state.active & ~state.reformed & (u[2] < p_reform)
    _reform(params, state, reform, u[4])
    p_lead = _logistic(r.leadership_intercept + r.leadership_slope * pressure)
    state.leadership |= state.active & (u[3] < p_lead)
