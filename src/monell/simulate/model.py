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
    walk_sd: np.ndarray  # (2, runs): each run's sizes of the rate's and the severity's walks
    mu: np.ndarray  # per-run severity (parameter uncertainty)
    rate: np.ndarray
    # (2, runs, agencies): each run's trend step of the log rate and of the log severity
    # (common trend + the agency's deviation, drawn from their uncertainty), and (runs,) the
    # run's damping φ: the step in the h-th simulated year is trend·φ^h
    trend: np.ndarray = field(default_factory=lambda: np.zeros((2, 0, 0)))
    damping: np.ndarray = field(default_factory=lambda: np.ones(0))
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    history_position: int = 0  # the slot of `history` the next year's losses go to


def initial_state(params: Params, agencies: Agencies, runs: list[int]) -> State:
    r, a = len(runs), agencies.n
    mu = np.empty((r, a))
    rate = np.empty((r, a))
    c = params.claims
    walk_sd = np.empty((2, r))  # per run: the rate's walk, the severity's walk
    trend = np.empty((2, r, a))
    trend[0], trend[1] = c.rate_trend, c.severity_trend
    damping = np.ones(r)
    dev = agencies.trend_deviation
    uncertain = c.rate_trend_se > 0 or c.severity_trend_se > 0 or bool(dev[[1, 3]].any())
    damped = c.trend_damping_low < 1
    trend += dev[[0, 2], None, :]
    for i, run in enumerate(runs):
        rng = stream(params.run.seed, run, PARAMETERS)
        z_mu, z_rate = rng.standard_normal((2, a))
        z_walk = rng.standard_normal(2)  # after the others: earlier draws stay as they were
        walk_sd[0, i] = max(0.0, c.rate_drift_sd + c.rate_drift_sd_se * z_walk[0])
        walk_sd[1, i] = max(0.0, c.severity_drift_sd + c.severity_drift_sd_se * z_walk[1])
        # mean one on the dollar scale: the uncertainty widens, it does not inflate the mean
        mu[i] = agencies.mu + agencies.mu_se * z_mu - agencies.mu_se**2 / 2
        # lognormal factor with mean 1 and the rate's relative standard error
        s = np.log1p(agencies.rate_se**2) ** 0.5
        rate[i] = agencies.rate * np.exp(s * z_rate - s**2 / 2)
        # drawn after the others and only when used, so earlier draws stay as they were
        if uncertain:  # the common trend, then each agency's deviation
            z_trend = rng.standard_normal(2)
            z_dev = rng.standard_normal((2, a))
            trend[0, i] += c.rate_trend_se * z_trend[0] + dev[1] * z_dev[0]
            trend[1, i] += c.severity_trend_se * z_trend[1] + dev[3] * z_dev[1]
        if damped:
            lo, hi = c.trend_damping_low, c.trend_damping_high
            damping[i] = lo + (hi - lo) * rng.random()
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
        walk_sd=walk_sd,
        mu=mu,
        rate=rate,
        trend=trend,
        damping=damping,
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


# Agency-years expecting at most this many claims draw their count by inverting the
# negative-binomial distribution function at one uniform (most draw 0: one comparison);
# larger ones draw a gamma frailty and a Poisson count.
INVERSION_MAX_MEAN = 2.0
INVERSION_MAX_COUNT = 400


def draw_claims(
    params: Params, agencies: Agencies, state: State, rngs: list[np.random.Generator], year: int
) -> Claims:
    """Negative-binomial counts (a gamma-mixed Poisson), lognormal severities, lags.

    Per run, in this order from its year stream: the rate's walk (when it drifts), one
    uniform per agency (its count, by inversion, for small means), gamma and Poisson draws for
    the agencies with a large mean, a normal and a uniform per claim (severity, lag), the
    agency-year severity shifts and the severity walk (when used)."""
    from monell.simulate import kernels

    c = params.claims
    ind = params.indemnification
    multiplier = c.frequency_multiplier * (1 - ind.deterrence_frequency_effect)
    r, a = state.rate.shape
    lag_edges = np.cumsum(c.lag_probabilities)[:-1].astype(np.float32)
    k = agencies.dispersion
    # the walks and the trend start with the first simulated year, or `walk_lead_years`
    # earlier (incident years in the burn-in) so that payments, which lag the incidents,
    # follow them from the first simulated year
    start = max(0, params.burn_in - c.walk_lead_years)
    walking = year >= start
    drift = c.rate_drift_sd if walking else 0.0
    tau = c.severity_year_sd
    mu_drift = c.severity_drift_sd if walking else 0.0
    half = 0.5 if c.walk_mean_one else 0.0  # the walks' steps: −s²/2 keeps them mean one
    rate_trending = bool(state.trend[0].any())
    severity_trending = bool(state.trend[1].any())
    # the trend's step in the h-th simulated year, h = 1, 2, …: trend · φ^h (damped)
    damp = state.damping[:, None] ** (year - start + 1)
    if drift > 0:  # drawn only when used: common random numbers need equal drift settings
        for i, rng in enumerate(rngs):
            own, common = _walk_parts(state.walk_sd[0, i], c.rate_common_sd)
            if common > 0:  # the run's common year shock, before the agencies' own steps
                state.log_drift[i] += common * rng.standard_normal() - half * common**2
            state.log_drift[i] += own * rng.standard_normal(a) - half * own**2
    if walking and rate_trending:
        state.log_drift += state.trend[0] * damp
    cache = state.extra
    fresh = "nb_mean" not in cache
    if fresh:
        cache.update(nb_mean=np.empty((r, a)), nb_p0=np.empty((r, a)), nb_q=np.empty((r, a)))
    mean, p0, q = cache["nb_mean"], cache["nb_p0"], cache["nb_q"]
    kernels.claim_means(
        state.rate,
        agencies.exposure,
        state.freq_mult,
        state.active,
        multiplier,
        state.log_drift,
        c.rate_drift_sd > 0 or rate_trending,  # 0 until it starts (after the burn-in)
        k,
        INVERSION_MAX_MEAN,
        mean,
        p0,
        q,
        fresh,
    )
    u = np.empty((r, a))
    for i, rng in enumerate(rngs):
        u[i] = rng.random(a)
    counts = np.empty((r, a), dtype=np.int64)
    kernels.invert_negative_binomial(
        u.reshape(-1),
        p0.reshape(-1),
        q.reshape(-1),
        k,
        a,
        INVERSION_MAX_COUNT,
        counts.reshape(-1),
    )
    big = np.isinf(p0)
    normals, uniforms, shifts = [], [], []
    for i, rng in enumerate(rngs):
        cols = np.flatnonzero(big[i])
        if cols.size:
            shape = k[cols]
            counts[i, cols] = rng.poisson(mean[i, cols] * rng.gamma(shape, 1 / shape))
        total = int(counts[i].sum())
        # single precision: ample for a severity draw and a lag bucket, and half the work
        normals.append(rng.standard_normal(total, dtype=np.float32))
        uniforms.append(rng.random(total, dtype=np.float32))
        if tau > 0:  # after the claims: they stay aligned across scenarios
            shifts.append(tau * rng.standard_normal(a))
        if mu_drift > 0:
            own, common = _walk_parts(state.walk_sd[1, i], c.severity_common_sd)
            if common > 0:
                state.mu[i] += common * rng.standard_normal() - half * common**2
            state.mu[i] += own * rng.standard_normal(a) - half * own**2  # mean one (half)
        if walking and severity_trending:
            state.mu[i] += state.trend[1, i] * damp[i]
    cell = kernels.cells_of(counts.reshape(-1))
    amount = np.empty(cell.shape[0])
    lag = np.empty(cell.shape[0], dtype=np.uint8)
    kernels.severities(
        cell,
        np.concatenate(normals),
        np.concatenate(uniforms),
        state.mu.reshape(-1),
        agencies.sigma,
        np.concatenate(shifts) if shifts else np.zeros(0),
        a,
        float((1 + c.real_severity_trend) ** year),
        lag_edges,
        amount,
        lag,
    )
    return Claims(cell=cell, amount=amount, lag=lag)


def _walk_parts(walk: float, common: float) -> tuple[float, float]:
    """(own, common) standard deviations of a walk's step of size `walk` of which `common`
    is shared by every agency of the run (at most the whole walk)."""
    if common <= 0:
        return walk, 0.0
    common = min(common, walk)
    return math.sqrt(walk * walk - common * common), common


# per-agency pending channels: borne by the budget, paid by the SI fund, paid by anyone
BUDGET, FUND, TOTAL = 0, 1, 2
CHANNELS = 3


def settle(
    state: State,
    claims: Claims,
    terms: Terms,
    officer_share: float,
    officer_cap: float | None,
    year: int,
) -> np.ndarray:
    """Split each claim into its payer layers (`allocate`'s equations) and add the slices to
    the year it is paid; returns this year's incurred insured layer per cell (what experience
    rating sees when the claim is reported).

    Per agency only what the budget and the self-insurance fund pay (and the whole amount)
    is kept; per run every layer and the count of payments. A compiled loop (kernels.py)."""
    from monell.simulate.kernels import settle as kernel

    lags, _, r, a = state.pending.shape
    incurred = np.zeros(r * a)
    kernel(
        claims.cell,
        claims.amount,
        claims.lag,
        state.arrangement.reshape(-1),
        terms.retention,
        terms.limit,
        terms.own_layer,
        terms.mid_layer,
        float(officer_share),
        math.inf if officer_cap is None else float(officer_cap),
        year % lags,
        a,
        state.pending,
        state.run_pending,
        incurred,
    )
    return incurred.reshape(r, a)


def pay(state: State, year: int) -> tuple[np.ndarray, np.ndarray]:
    """This year's payments: per agency (channels, runs, agencies) and per run
    (layers + count, runs). Views of the buffers: `clear_paid` empties them before the next
    year's claims are settled."""
    slot = year % state.pending.shape[0]
    return state.pending[slot], state.run_pending[slot]


def clear_paid(state: State, year: int) -> None:
    """Empty the slot `year` was paid from (it receives the claims paid `lags` years on)."""
    slot = year % state.pending.shape[0]
    state.pending[slot] = 0.0
    state.run_pending[slot] = 0.0


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
    """Premiums from manual rates × experience mod; the self-insurance reserve; the cost
    (a compiled loop over the agencies, kernels.budgets)."""
    from monell.simulate.kernels import budgets as kernel

    premium = np.empty(state.mod.shape)
    cost = np.empty(state.mod.shape)
    pct = np.empty(state.mod.shape)
    kernel(
        state.arrangement,
        state.active,
        state.mod,
        state.reserve,
        due,
        manual_claims,
        own_mean,
        mid_mean,
        terms.loading,
        agencies.budget,
        premium,
        cost,
        pct,
    )
    state.premium = premium
    return Money(premium=premium, cost=cost, pressure_pct=pct)


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
    """Experience rating, non-renewal and insurer-mandated reform at the year's renewal
    (a compiled loop over the agencies, kernels.renew).

    Returns the mask of agencies that lost coverage this year."""
    from monell.simulate.kernels import renew as kernel

    p = params.pricing
    r = params.responses
    dropped = np.empty(state.mod.shape, dtype=bool)
    kernel(
        state.history,
        state.history_position,
        incurred,
        state.arrangement,
        state.active,
        state.mod,
        state.reformed,
        state.freq_mult,
        manual_claims,
        mid_mean,
        terms.loading,
        p.credibility_k,
        p.mod_min,
        p.mod_max,
        p.max_increase_per_year,
        p.nonrenewal_loss_ratio,
        np.float32(p.nonrenewal_probability),
        p.mandated_reform_mod,
        np.float32(p.mandated_reform_probability),
        r.reform_effect_low,
        r.reform_effect_high,
        u,
        live,
        dropped,
    )
    state.history_position = (state.history_position + 1) % state.history.shape[0]
    return dropped


def after_loss(
    params: Params, agencies: Agencies, state: State, dropped: np.ndarray, u: np.ndarray
) -> None:
    """Self-insure, join another pool (at a surcharge), contract with the sheriff, or disband."""
    state.lost_coverage |= dropped
    runs, cols = np.nonzero(dropped)  # a handful a year: only they choose
    if runs.size == 0:
        return
    choice = np.empty(runs.size, dtype=np.int64)
    band_of = agencies.band[cols]
    for i, band in enumerate(BANDS):
        probs = np.array(params.responses.after_loss[band].probabilities())
        if params.funding.mandatory_insurance:  # self-insurance is no longer an option
            probs[1] += probs[0]
            probs[0] = 0.0
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        mask = band_of == i
        choice[mask] = np.searchsorted(cdf, u[runs[mask], cols[mask]], side="right")
    for option, rows in enumerate((runs[choice == c], cols[choice == c]) for c in range(4)):
        if option == 0:  # self-insure: a fund with no reserve
            state.arrangement[rows] = Arrangement.SELF_INSURANCE_FUND
            state.mod[rows] = 1.0
            state.history[(slice(None), *rows)] = 0.0
        elif option == 1:  # join another pool at a surcharge
            state.arrangement[rows] = Arrangement.RISK_POOL
            state.mod[rows] = params.pricing.replacement_surcharge
            state.history[(slice(None), *rows)] = 0.0
        elif option == 2:
            state.contracted[rows] = True
            state.active[rows] = False
        else:
            state.disbanded[rows] = True
            state.active[rows] = False


def respond(params: Params, state: State, money: Money, u: np.ndarray) -> None:
    """Reform and leadership change, each with a probability rising with the pressure (a
    compiled loop over the agencies, kernels.respond)."""
    from monell.simulate.kernels import respond as kernel

    r = params.responses
    kernel(
        money.pressure_pct,
        state.active,
        state.reformed,
        state.freq_mult,
        state.leadership,
        u,
        r.reform_intercept,
        r.reform_slope,
        r.reform_effect_low,
        r.reform_effect_high,
        r.leadership_intercept,
        r.leadership_slope,
    )
