"""Fit each city's paid-claim frequency and severity from the loaded settlements.

Frequency: payments per calendar year over the years the city's file covers (a year with no
payment counts as zero), negative binomial by the method of moments (mean m, variance v:
k = m² / (v − m); v ≤ m is Poisson, k capped at K_MAX). Severity: lognormal by maximum
likelihood on payments in constant dollars (exposure/cpi.py). Lag: incident year to payment
year, pooled over the cities that give incident dates. Standard errors go into the file, and
the simulator draws each run's parameters from them (parameter uncertainty).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

import numpy as np

from monell.exposure.comparables import paid_amount, paid_year
from monell.exposure.cpi import load_cpi
from monell.exposure.models import Settlement
from monell.simulate.params import CityParams, Claims, Params, Population
from monell.simulate.population import DATA_PACKAGE

K_MAX = 1000.0
# the damped trend's φ: the range within which it is usually set, 0.80–0.98 (Hyndman &
# Athanasopoulos, Forecasting: Principles and Practice, damped trend methods; Gardner &
# McKenzie 1985); each run draws φ uniformly from it
DAMPING = (0.80, 0.98)
MIN_CITIES_A_YEAR = 3  # a year's mean change across cities needs at least this many
MIN_PAYMENTS = 5
MIN_YEARS = 3
MAX_LAG = 5
BUDGETS_FILE = "police_budgets_2017_2020.csv"


class CalibrationError(ValueError):
    """No city in the data has enough payments to fit."""


@dataclass(frozen=True)
class Payment:
    city: str
    state: str
    year: int
    amount: float  # constant dollars
    lag: int | None  # payment year − incident year
    source_file: str
    date: dt.date | None = None  # the payment's (closing) date where the file gives one


def payments_from_records(records: Iterable[Settlement], dollars_year: int) -> list[Payment]:
    """Positive payments with a year, in `dollars_year` dollars."""
    cpi = load_cpi()
    out = []
    for r in records:
        amount, _basis = paid_amount(r)
        year = paid_year(r)
        if amount is None or amount <= 0 or year is None:
            continue
        constant = float(cpi.adjust(Decimal(amount), year, dollars_year))
        lag = year - r.incident_date.year if r.incident_date is not None else None
        out.append(
            Payment(
                r.city,
                r.state,
                year,
                constant,
                lag if lag is None or lag >= 0 else None,
                r.source_file,
                r.closed_date,
            )
        )
    return out


@dataclass(frozen=True)
class Fit:
    paid_claims_per_year: float
    rate_se: float  # relative
    dispersion: float
    severity_mu: float
    severity_mu_se: float
    severity_sigma: float
    payments: int
    first_year: int
    last_year: int


def fit_counts(counts: Sequence[int]) -> tuple[float, float, float]:
    """(mean, relative standard error of the mean, negative-binomial k)."""
    x = np.asarray(counts, dtype=float)
    m = float(x.mean())
    v = float(x.var(ddof=1)) if x.size > 1 else m
    k = K_MAX if v <= m or m == 0 else min(K_MAX, m * m / (v - m))
    se = math.sqrt(max(v, m) / x.size) / m if m > 0 else 0.0
    return m, se, k


def fit_severity(amounts: Sequence[float]) -> tuple[float, float, float]:
    """(mu, standard error of mu, sigma) of a lognormal, by maximum likelihood."""
    logs = np.log(np.asarray(amounts, dtype=float))
    mu = float(logs.mean())
    sigma = float(logs.std(ddof=1)) if logs.size > 1 else 1.0
    sigma = min(5.0, max(0.05, sigma))
    return mu, sigma / math.sqrt(logs.size), sigma


def fit_city(payments: Sequence[Payment], first_year: int, last_year: int) -> Fit:
    per_year = Counter(p.year for p in payments)
    counts = [per_year.get(y, 0) for y in range(first_year, last_year + 1)]
    mean, rate_se, k = fit_counts(counts)
    mu, mu_se, sigma = fit_severity([p.amount for p in payments])
    return Fit(mean, rate_se, k, mu, mu_se, sigma, len(payments), first_year, last_year)


@dataclass(frozen=True)
class Level:
    """A local-level (random walk plus noise) fit of one city's yearly series at its last year:
    the filtered level and its variance (the Kalman filter's m_T, P_T)."""

    level: float
    variance: float


def local_level(
    y: Sequence[float], obs_var: Sequence[float], walk_var: float, trend: float = 0.0
) -> tuple[float, Level]:
    """(log likelihood, filtered level at the end) of y_t = x_t + e_t, e_t ~ N(0, R_t),
    x_t = x_{t−1} + δ + w_t, w_t ~ N(0, Q); a diffuse start (the first observation sets the
    level); missing years (NaN) only add δ and Q. The likelihood leaves out the first
    observation."""
    level, var, loglik, started = 0.0, math.inf, 0.0, False
    for obs, noise in zip(y, obs_var, strict=True):
        if started:
            var += walk_var
            level += trend
        if math.isnan(obs):
            continue
        if not started:
            level, var, started = obs, noise, True
            continue
        total = var + noise
        loglik -= 0.5 * (math.log(2 * math.pi * total) + (obs - level) ** 2 / total)
        gain = var / total
        level += gain * (obs - level)
        var *= 1 - gain
    return loglik, Level(level, var)


def log_count_series(counts: Sequence[int], extra_var: float) -> tuple[list[float], list[float]]:
    """log(n + ½) per year and its variance ≈ 1/m + extra (Poisson on the log scale, m the
    city's mean count, floored at ½, plus an extra-Poisson part)."""
    m = max(float(np.mean(counts)), 0.5)
    return [math.log(n + 0.5) for n in counts], [1 / m + extra_var] * len(counts)


def log_severity_series(
    by_year: Sequence[Sequence[float]], within_var: float, year_var: float
) -> tuple[list[float], list[float]]:
    """Mean log amount per year (NaN for a year without payments) and its variance
    σ_w²/n_t + τ² (within-year sampling plus the year's own shift)."""
    y, r = [], []
    for amounts in by_year:
        if len(amounts):
            y.append(float(np.mean(np.log(np.asarray(amounts, dtype=float)))))
            r.append(within_var / len(amounts) + year_var)
        else:
            y.append(math.nan)
            r.append(math.inf)
    return y, r


WALK_GRID = tuple(round(0.025 * i, 3) for i in range(33))  # 0 … 0.8 per year (log scale)
NOISE_GRID = tuple(round(0.05 * i, 2) for i in range(25))  # 0 … 1.2


@dataclass(frozen=True)
class WalkFit:
    """A pooled local-level fit: the walk's standard deviation s (maximum likelihood) and its
    uncertainty (the standard deviation of s under the profile likelihood on the grid, a flat
    prior), and the extra noise's standard deviation."""

    walk: float
    walk_se: float
    noise: float
    # the posterior mean of s (same profile, flat prior): what the simulation centres each
    # run's draw on; near the boundary 0 the maximum is biased low (a short series often
    # puts it at 0 while the likelihood still allows a sizeable walk)
    walk_mean: float = 0.0


def _pooled_walk_fit(prepared: Sequence[tuple[list[float], list[float]]]) -> WalkFit:
    """Maximise the summed local-level likelihood of the prepared series over the walk's
    standard deviation (WALK_GRID) and an extra noise standard deviation (NOISE_GRID) added
    to every observation's variance."""
    profile = []
    best = (-math.inf, 0.0, 0.0)
    for s in WALK_GRID:
        top = -math.inf
        for v in NOISE_GRID:
            ll = sum(local_level(y, [r + v * v for r in noise], s * s)[0] for y, noise in prepared)
            top = max(top, ll)
            if ll > best[0]:
                best = (ll, s, v)
        profile.append(top)
    grid = np.array(WALK_GRID)
    weights = np.exp(np.array(profile) - max(profile))
    weights /= weights.sum()
    mean = float((weights * grid).sum())
    se = math.sqrt(max(0.0, float((weights * grid**2).sum()) - mean**2))
    return WalkFit(best[1], round(se, 4), best[2], round(mean, 4))


TREND_GRID = tuple(round(0.01 * i, 2) for i in range(-20, 31))  # −0.20 … +0.30 a year


def fit_trend(
    prepared: Sequence[tuple[list[float], list[float]]], walk: float, extra: float
) -> float:
    """The pooled drift δ of the walk (log per year) by maximum likelihood over a grid, the
    walk's and the noise's sizes held at their fitted values."""
    best = (-math.inf, 0.0)
    for d in TREND_GRID:
        ll = sum(
            local_level(y, [r + extra for r in noise], walk * walk, d)[0] for y, noise in prepared
        )
        if ll > best[0]:
            best = (ll, d)
    return best[1]


@dataclass(frozen=True)
class TrendFit:
    """A hierarchical trend of cities' yearly log series (a common trend plus each city's
    deviation, shrunk toward it) with its uncertainty, and the common year shock.

    `common` is the pooled maximum-likelihood drift (`fit_trend`); `common_se` its standard
    error clustered by year: the spread over years of the cities' mean yearly change divided
    by √(years), so a shock shared by every city in a year counts once, not once per city
    (at least the model's own standard error). `common_shock` is the standard deviation of
    that shared yearly change beyond what the cities' own walks and noise explain (method of
    moments). Each city's deviation is its mean change less the year's mean change, shrunk
    toward 0 by empirical Bayes (between-city variance by DerSimonian–Laird), with its
    posterior standard deviation."""

    common: float
    common_se: float
    years: int
    common_shock: float
    city_sd: float
    deviations: tuple[float, ...]
    deviation_se: tuple[float, ...]


def fit_hierarchical_trend(
    series: Sequence[tuple[int, Sequence[float], Sequence[float]]],
    walk: float,
    extra: float,
    common: float,
    between_method: str = "moments",
) -> TrendFit:
    """The trend's uncertainty and the cities' deviations from it.

    `series`: per city (first year, yearly values, their noise variances; NaN for a year
    without a value); `walk`, `extra`: the pooled walk's standard deviation and the extra
    noise variance (as fitted); `common`: the pooled trend; `between_method`: "moments"
    (the between-city variance by DerSimonian–Laird, a point estimate, often 0 from a few
    changes) or "bayes" (`between_city_posterior`: averaged over its posterior)."""
    changes: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for c, (first, y, noise) in enumerate(series):
        for t in range(1, len(y)):
            if math.isnan(y[t]) or math.isnan(y[t - 1]):
                continue
            var = walk * walk + noise[t] + noise[t - 1] + 2 * extra
            changes[first + t].append((c, y[t] - y[t - 1], var))
    year_mean: dict[int, float] = {}
    year_var: dict[int, float] = {}
    for year, rows in list(changes.items()):
        if len(rows) < MIN_CITIES_A_YEAR:  # one city's change is not a common year's
            del changes[year]
            continue
        w = np.array([1 / v for _, _, v in rows])
        d = np.array([x for _, x, _ in rows])
        year_mean[year] = float((w * d).sum() / w.sum())
        year_var[year] = float(1 / w.sum())
    n_years = len(year_mean)
    means = np.array(list(year_mean.values()))
    model_var = float(np.mean(list(year_var.values()))) if n_years else 0.0
    spread = float(means.var(ddof=1)) if n_years > 1 else model_var
    shock = math.sqrt(max(0.0, spread - model_var))
    se = math.sqrt(max(spread, model_var) / n_years) if n_years else 0.0
    # each city's deviation: its mean change less the year's mean change; sampling variance
    # of a mean of n consecutive changes of a local level ≈ s²/n + 2R/n² (they telescope)
    own = walk * walk - min(shock, walk) ** 2
    raw: list[tuple[float, float] | None] = []
    for c, (_first, _y, noise) in enumerate(series):
        mine = [
            (x - year_mean[year]) for year, rows in changes.items() for i, x, _ in rows if i == c
        ]
        if not mine:
            raw.append(None)
            continue
        n = len(mine)
        r = float(np.mean([v for v in noise if math.isfinite(v)])) + extra
        raw.append((float(np.mean(mine)), own / n + 2 * r / (n * n)))
    usable = [x for x in raw if x is not None]
    between = 0.0
    deviations: list[float] = []
    deviation_se: list[float] = []
    if between_method == "bayes" and len(usable) >= 3:
        posterior = between_city_posterior([m for m, _ in usable], [v for _, v in usable])
        between = posterior.variance
        shrunk = iter(zip(posterior.deviations, posterior.deviation_se, strict=True))
        for x in raw:  # a city without changes: the prior predictive of a deviation
            own_dev, own_se = next(shrunk) if x is not None else (0.0, math.sqrt(between))
            deviations.append(own_dev)
            deviation_se.append(own_se)
    else:
        if len(usable) >= 3:
            _, between = dersimonian_laird([m for m, _ in usable], [v for _, v in usable])
        for x in raw:
            if x is None or between == 0:
                deviations.append(0.0)
                deviation_se.append(math.sqrt(between))
                continue
            weight = between / (between + x[1])
            deviations.append(weight * x[0])
            deviation_se.append(math.sqrt(weight * x[1]))
    return TrendFit(
        common=common,
        common_se=se,
        years=n_years,
        common_shock=shock,
        city_sd=math.sqrt(between),
        deviations=tuple(deviations),
        deviation_se=tuple(deviation_se),
    )


# the between-city standard deviation of trends (log per year): a uniform prior on it
# (Gelman 2006, Bayesian Analysis 1(3):515–534, §7: uniform on the standard deviation for a
# hierarchical model with more than a few groups) over the same range as TREND_GRID's upper end
BETWEEN_SD_GRID = tuple(round(0.0025 * i, 4) for i in range(121))  # 0 … 0.30


BETWEEN_TEXT = {
    "bayes": "integrated over its posterior (uniform prior on its standard deviation, Gelman 2006)",
    "moments": "by DerSimonian–Laird",
}


@dataclass(frozen=True)
class BetweenPosterior:
    """Units' effects shrunk toward 0 with the between-unit variance integrated out: the
    posterior mean of V, and each unit's posterior mean and standard deviation."""

    variance: float
    sd_mean: float
    deviations: tuple[float, ...]
    deviation_se: tuple[float, ...]


def between_city_posterior(
    estimates: Sequence[float], variances: Sequence[float]
) -> BetweenPosterior:
    """x_c ~ N(θ_c, v_c), θ_c ~ N(0, V), a uniform prior on √V (BETWEEN_SD_GRID): the
    posterior of √V from the marginal likelihood Π N(x_c; 0, V + v_c), then each θ_c's
    posterior mean E[w_c] x_c and variance E[w_c v_c] + Var(w_c) x_c², w_c = V / (V + v_c),
    averaged over V (the law of total variance). Unlike a point estimate of V, which from a
    few noisy estimates is often 0 and shrinks every unit to 0, this keeps the units'
    deviations in proportion to the evidence that they differ."""
    x = np.asarray(estimates, dtype=float)
    v = np.asarray(variances, dtype=float)
    sd = np.asarray(BETWEEN_SD_GRID)
    total = sd[:, None] ** 2 + v[None, :]  # (grid, units)
    loglik = -0.5 * (np.log(total) + x[None, :] ** 2 / total).sum(axis=1)
    post = np.exp(loglik - loglik.max())
    post /= post.sum()
    w = sd[:, None] ** 2 / total
    mean_w = (post[:, None] * w).sum(axis=0)
    var_w = (post[:, None] * w**2).sum(axis=0) - mean_w**2
    within = (post[:, None] * w * v[None, :]).sum(axis=0)
    dev_var = within + np.maximum(var_w, 0.0) * x**2
    return BetweenPosterior(
        variance=float((post * sd**2).sum()),
        sd_mean=float((post * sd).sum()),
        deviations=tuple(float(d) for d in mean_w * x),
        deviation_se=tuple(float(s) for s in np.sqrt(dev_var)),
    )


def fit_count_levels(count_series: Sequence[Sequence[int]]) -> tuple[float, float]:
    """(s, φ): the pooled random-walk standard deviation of log claim rates and the pooled
    extra-Poisson variance of log counts, by maximum likelihood over a grid."""
    fit = fit_count_walk(count_series)
    return fit.walk, fit.noise * fit.noise


def fit_count_walk(count_series: Sequence[Sequence[int]]) -> WalkFit:
    return _pooled_walk_fit([log_count_series(c, 0.0) for c in count_series])


def fit_severity_levels(
    amount_series: Sequence[Sequence[Sequence[float]]],
) -> tuple[float, float]:
    """(s_μ, τ): the pooled random-walk standard deviation of cities' log severity and the
    pooled standard deviation of a year's own shift, by maximum likelihood over a grid (each
    city's within-year variance of log amounts from its own data)."""
    fit = fit_severity_walk(amount_series)
    return fit.walk, fit.noise


def fit_severity_walk(amount_series: Sequence[Sequence[Sequence[float]]]) -> WalkFit:
    return _pooled_walk_fit(
        [log_severity_series(years, _log_within_var(years), 0.0) for years in amount_series]
    )


def _log_within_var(by_year: Sequence[Sequence[float]]) -> float:
    """Pooled within-year variance of a city's log amounts (1 when no year has two, or when
    the years with two or more hold only identical amounts: Richmond's two 2018 rows are the
    same payment, and a variance of 0 made the filter's likelihood log 0 once its walk and
    noise were 0 too)."""
    logs = [np.log(np.asarray(y, dtype=float)) for y in by_year if len(y)]
    df = sum(x.size - 1 for x in logs)
    var = float(sum(((x - x.mean()) ** 2).sum() for x in logs)) / df if df else 0.0
    return var if var > 0 else 1.0


def _within(by_year: Sequence[Sequence[float]]) -> tuple[float, int]:
    """(σ², degrees of freedom) of a city's lognormal severity, σ² = 2 (ln mean − mean ln):
    the lognormal whose median is the geometric mean and whose mean is the mean paid (a
    maximum-likelihood σ, from the spread of log amounts, overstates the mean several times
    where many small payments stretch the left tail: Los Angeles 2010–2016, $1.18M against
    $0.35M paid on average)."""
    amounts = [np.asarray(y, dtype=float) for y in by_year if len(y)]
    every = np.concatenate(amounts)
    df = every.size - 1
    if df < 1:
        return 1.0, 0
    var = 2 * (math.log(float(every.mean())) - float(np.log(every).mean()))
    return max(var, 0.01), df


def dersimonian_laird(
    estimates: Sequence[float], variances: Sequence[float]
) -> tuple[float, float]:
    """(weighted centre, between-unit variance V) of estimates with known sampling
    variances, by DerSimonian–Laird: Q = Σ w (x − x̄)², E[Q] = (n − 1) + V (Σw − Σw²/Σw)."""
    x = np.asarray(estimates, dtype=float)
    w = 1 / np.asarray(variances, dtype=float)
    centre = float((w * x).sum() / w.sum())
    q = float((w * (x - centre) ** 2).sum())
    return centre, max(0.0, (q - (x.size - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def shrink_sigmas(within: Sequence[tuple[float, int]]) -> list[float]:
    """Each city's within-year log-severity variance shrunk toward the cities' common value
    (empirical Bayes, normal on log σ: the sampling variance of log s is ≈ 1/(2 df); the
    between-city variance V by DerSimonian–Laird; weight V / (V + 1/(2 df))).
    A city with few payments gets a spread close to the others' instead of its few values'."""
    usable = [(math.log(v) / 2, df) for v, df in within if df >= 2 and v > 0]
    if len(usable) < 3:
        return [v for v, _ in within]
    centre, between = dersimonian_laird([x for x, _ in usable], [1 / (2 * df) for _, df in usable])
    out = []
    for v, df in within:
        if df < 2 or v <= 0:
            out.append(math.exp(2 * centre))
            continue
        w = between / (between + 1 / (2 * df))
        out.append(math.exp(2 * (w * math.log(v) / 2 + (1 - w) * centre)))
    return out


def fit_lags(payments: Iterable[Payment]) -> tuple[float, ...] | None:
    lags = [min(p.lag, MAX_LAG) for p in payments if p.lag is not None]
    if len(lags) < 20:
        return None
    counts = np.bincount(lags, minlength=MAX_LAG + 1).astype(float)
    rounded = [round(float(x), 4) for x in counts / counts.sum()]
    # the rounding's residual goes to the largest bucket (putting it in the last one made it
    # −0.0001 when no payment had the longest lag and the others rounded up)
    top = int(np.argmax(rounded))
    rounded[top] = round(rounded[top] + 1 - sum(rounded), 4)
    return tuple(rounded)


def police_budgets(dollars_year: int) -> dict[str, tuple[float, int]]:
    """City → (police budget in constant dollars, budget year), the latest year given."""
    text = resources.files(DATA_PACKAGE).joinpath(BUDGETS_FILE).read_text("utf-8")
    cpi = load_cpi()
    out: dict[str, tuple[float, int]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["country"] != "USA" or not row["tot_pol_spending"]:
            continue
        year = int(row["year"])
        if row["city"] in out and out[row["city"]][1] > year:
            continue
        spend = cpi.adjust(Decimal(row["tot_pol_spending"]), year, dollars_year)
        out[row["city"]] = (float(spend), year)
    return out


def _describe_trend(
    rate: TrendFit,
    severity: TrendFit,
    trend: bool,
    uncertainty: bool,
    damping: tuple[float, float] | None,
) -> str:
    if not trend:
        return "none"
    text = (
        "the walks' pooled mean step by maximum likelihood (rate_trend, severity_trend, log "
        "per year), also in the filtered levels"
    )
    if uncertainty:
        text += (
            f"; each run draws it from its standard error clustered by year (rate "
            f"{rate.common_se:.3f}, severity {severity.common_se:.3f}, {rate.years} years of "
            f"changes), each city its own deviation shrunk toward it (between-city standard "
            f"deviation: rate {rate.city_sd:.3f}, severity {severity.city_sd:.3f})"
        )
    if damping:
        text += (
            f"; damped (Gardner & McKenzie 1985): the step in the h-th simulated year is "
            f"trend·φ^h, φ drawn per run from U[{damping[0]}, {damping[1]}]"
        )
    else:
        text += "; it compounds"
    return text


def mean_lag_years(lags: Sequence[float]) -> int:
    """The mean incident-to-payment lag in whole years (rounded): how many incident years
    before the first simulated year the walks start, so that payments follow them from it."""
    return round(sum(j * p for j, p in enumerate(lags)))


def lag_concentration(lags: Sequence[float]) -> float:
    """Σ pⱼ²: the share of an incident year's variance that stays in one payment year.

    A payment year mixes the claims of several incident years; a shock common to one incident
    year's claims (the gamma frailty of the count, the severity shift) reaches each payment
    year with weight pⱼ, so its variance in yearly payments is Σ pⱼ² of what it was. The fits
    are made on payment years; dividing by Σ pⱼ² gives the incident-year shock that reproduces
    them."""
    return float(sum(p * p for p in lags))


def calibrate(
    payments: Sequence[Payment],
    *,
    dollars_year: int,
    source: str,
    fit_through: int | None = None,
    base: Params | None = None,
    drift: bool = True,
    trend: bool = False,
    trend_uncertainty: bool = True,
    damping: tuple[float, float] | None = DAMPING,
    common_shock: bool = True,
    walk_mean_one: bool | None = None,
    walk_lead: bool = True,
    trend_between: str = "bayes",
    trend_centred: bool = True,
) -> Params:
    """A `cities` parameter set from payments (those after `fit_through` are left out).

    Per city: rate and negative-binomial k of payments per year, lognormal severity; pooled
    over cities: the lag, the year-to-year variation of severity (τ), and with `drift` the
    yearly random walk of the claim rate. Shocks fitted on payment years are converted to the
    incident-year shocks the model draws (`lag_concentration`).

    With `trend`, the walks get the pooled trend; with `trend_uncertainty` each run draws it
    from its year-clustered standard error and each city its own shrunk deviation
    (`fit_hierarchical_trend`), and with `damping` (φ low, high) the trend is damped, φ drawn
    per run. With `common_shock` (and `drift`) the part of the walks shared by every city in a
    year is drawn once per run-year. With `walk_lead` the walks and the trend start the mean
    lag before the first simulated year (they are fitted on payment years). `walk_mean_one`
    (default: without a trend) subtracts s²/2 from each walk step. `trend_between`: how the
    between-city variance of the trends is estimated ("moments": DerSimonian–Laird; "bayes":
    integrated over its posterior, `between_city_posterior`, the default since the third
    backtest round). With `trend_centred` (the default since then) the levels
    are filtered with the trend but the simulation draws it around 0 (its standard errors
    kept): the median path stays at the current level, the trend's uncertainty widens it."""
    if trend_between not in BETWEEN_TEXT:
        raise ValueError(f"trend_between: one of {', '.join(BETWEEN_TEXT)}, not {trend_between!r}")
    base = base or Params()
    used = [p for p in payments if fit_through is None or p.year <= fit_through]
    by_city: dict[tuple[str, str], list[Payment]] = defaultdict(list)
    for p in used:
        by_city[(p.city, p.state)].append(p)
    budgets = police_budgets(dollars_year)
    lags = fit_lags(used)
    lag_probs = lags if lags is not None else base.claims.lag_probabilities
    concentration = lag_concentration(lag_probs)
    fitted: list[tuple[str, str, list[Payment], Fit]] = []
    skipped: list[str] = []
    count_series: list[list[int]] = []
    amount_groups: list[list[list[float]]] = []
    first_years: list[int] = []
    for (city, state), rows in sorted(by_city.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        first = min(p.year for p in rows)
        last = fit_through if fit_through is not None else max(p.year for p in rows)
        if len(rows) < MIN_PAYMENTS or last - first + 1 < MIN_YEARS:
            skipped.append(f"{city}, {state} ({len(rows)} payments, {first}–{last})")
            continue
        fitted.append((city, state, rows, fit_city(rows, first, last)))
        per_year = Counter(p.year for p in rows)
        count_series.append([per_year.get(y, 0) for y in range(first, last + 1)])
        by_year: dict[int, list[float]] = defaultdict(list)
        for p in rows:
            by_year[p.year].append(p.amount)
        # every year in order, empty where nothing was paid (a missing year in the filter)
        amount_groups.append([by_year.get(y, []) for y in range(first, last + 1)])
        first_years.append(first)
    if not fitted:
        raise CalibrationError(
            f"no city has {MIN_PAYMENTS}+ payments over {MIN_YEARS}+ years in the data; "
            "load settlements first: monell payouts import data/settlements/*/*.csv"
        )
    count_walk = fit_count_walk(count_series)
    severity_walk = fit_severity_walk(amount_groups)
    walk, extra = count_walk.walk, count_walk.noise**2
    walk_mu, tau = severity_walk.walk, severity_walk.noise
    rate_trend = severity_trend = 0.0
    count_logs = [log_count_series(c, 0.0) for c in count_series]
    severity_logs = [log_severity_series(g, _log_within_var(g), 0.0) for g in amount_groups]
    if trend:
        rate_trend = fit_trend(count_logs, walk, extra)
        severity_trend = fit_trend(severity_logs, walk_mu, tau * tau)
    rate_h = fit_hierarchical_trend(
        [(f, *x) for f, x in zip(first_years, count_logs, strict=True)],
        walk,
        extra,
        rate_trend,
        trend_between,
    )
    severity_h = fit_hierarchical_trend(
        [(f, *x) for f, x in zip(first_years, severity_logs, strict=True)],
        walk_mu,
        tau * tau,
        severity_trend,
        trend_between,
    )
    hierarchical = trend and trend_uncertainty
    n_cities = len(count_series)
    rate_dev = rate_h.deviations if hierarchical else (0.0,) * n_cities
    severity_dev = severity_h.deviations if hierarchical else (0.0,) * n_cities
    k_paid = K_MAX if extra <= 1 / K_MAX else 1 / extra
    k = max(0.05, k_paid * concentration)
    tau_incident = tau / math.sqrt(concentration)
    cities = []
    sigmas2 = shrink_sigmas([_within(g) for g in amount_groups])
    for c_index, ((city, state, rows, fit), counts, groups, within) in enumerate(
        zip(fitted, count_series, amount_groups, sigmas2, strict=True)
    ):
        own_rate_trend = rate_trend + rate_dev[c_index]
        own_severity_trend = severity_trend + severity_dev[c_index]
        # the incident-year shift τ is part of the spread: σ_w² = σ² − τ² (at least σ²/4), the
        # mean amount e^(μ + σ²/2) kept (μ lowered by what the floor adds)
        within_year = max(within - tau_incident**2, within / 4)
        mu_shift = (within - within_year - tau_incident**2) / 2
        _, rate_level = local_level(*log_count_series(counts, extra), walk * walk, own_rate_trend)
        mean_logs = log_severity_series(groups, _log_within_var(groups), tau * tau)
        _, mu_level = local_level(*mean_logs, walk_mu**2, own_severity_trend)
        # back from the log scale: E[n] ≈ exp(x + R/2) − ½ with R the log count's noise
        noise = log_count_series(counts, extra)[1][0]
        rate = max(0.05, math.exp(rate_level.level + noise / 2) - 0.5)
        budget = budgets.get(city)
        cities.append(
            CityParams(
                city=city,
                state=state,
                paid_claims_per_year=round(rate, 4),
                dispersion=round(k, 4),
                severity_mu=round(mu_level.level + mu_shift, 5),
                severity_sigma=round(min(5.0, max(0.05, math.sqrt(within_year))), 5),
                severity_mu_se=round(math.sqrt(mu_level.variance), 5),
                rate_se=round(math.sqrt(rate_level.variance), 5),
                police_budget_usd=round(budget[0]) if budget else None,
                rate_trend_deviation=0.0 if trend_centred else round(rate_dev[c_index], 5),
                rate_trend_deviation_se=round(rate_h.deviation_se[c_index], 5)
                if hierarchical
                else 0.0,
                severity_trend_deviation=0.0 if trend_centred else round(severity_dev[c_index], 5),
                severity_trend_deviation_se=round(severity_h.deviation_se[c_index], 5)
                if hierarchical
                else 0.0,
                provenance={
                    "payments": fit.payments,
                    "years": f"{fit.first_year}–{fit.last_year}",
                    "source_files": sorted({p.source_file for p in rows}),
                    "mean_over_the_years": {
                        "paid_claims_per_year": round(fit.paid_claims_per_year, 4),
                        "dispersion": round(fit.dispersion, 4),
                        "severity_mu": round(fit.severity_mu, 5),
                        "severity_sigma": round(fit.severity_sigma, 5),
                    },
                    "police_budget": (
                        f"{budget[1]} total police spending, police_budgets_2017_2020.csv "
                        "(MartenThompson/pd-budgets), CPI-adjusted"
                        if budget
                        else "unknown"
                    ),
                },
            )
        )
    claims = base.claims.model_copy(update={"dollars_year": dollars_year})
    if lags is not None:
        claims = Claims.model_validate({**claims.model_dump(), "lag_probabilities": lags})
    claims = claims.model_copy(
        update={
            "severity_year_sd": round(tau_incident, 4),
            "rate_drift_sd": count_walk.walk_mean if drift else 0.0,
            "severity_drift_sd": severity_walk.walk_mean if drift else 0.0,
            "rate_drift_sd_se": count_walk.walk_se if drift else 0.0,
            "severity_drift_sd_se": severity_walk.walk_se if drift else 0.0,
            "rate_trend": 0.0 if trend_centred else rate_trend,
            "severity_trend": 0.0 if trend_centred else severity_trend,
            "rate_trend_se": round(rate_h.common_se, 5) if hierarchical else 0.0,
            "severity_trend_se": round(severity_h.common_se, 5) if hierarchical else 0.0,
            # with a trend fitted on the log series the walks keep the median (their mean
            # step is the fitted drift of the log level); without one, mean one in dollars
            "walk_mean_one": (not trend) if walk_mean_one is None else walk_mean_one,
            "walk_lead_years": mean_lag_years(lag_probs) if walk_lead else 0,
            "trend_damping_low": damping[0] if trend and damping else 1.0,
            "trend_damping_high": damping[1] if trend and damping else 1.0,
            "rate_common_sd": round(min(rate_h.common_shock, count_walk.walk_mean), 5)
            if drift and common_shock
            else 0.0,
            "severity_common_sd": round(min(severity_h.common_shock, severity_walk.walk_mean), 5)
            if drift and common_shock
            else 0.0,
        }
    )
    return base.model_copy(
        update={
            "name": "calibrated",
            "description": "Frequency and severity per city fitted from the loaded settlements.",
            "population": Population(kind="cities", cities=tuple(cities)),
            "claims": claims,
            "provenance": {
                "made_by": "monell simulate calibrate",
                "made_on": dt.date.today().isoformat(),
                "data": source,
                "amounts": f"amount_awarded (else total_incurred) in {dollars_year} dollars, "
                "CPI-U annual averages (exposure/data/cpi_u_annual.csv)",
                "year": "calendar_year (else the closing date's year)",
                "frequency": "local level (random walk plus noise) of log(payments + 1/2) per "
                "year, Kalman-filtered to the last fitted year: the rate is that level, its "
                "relative se the filtered standard deviation; pooled by maximum likelihood: "
                f"random walk s = {walk} a year, extra-Poisson variance {extra:.3f} (negative "
                f"binomial k = {k_paid:.4g} on payment years, × Σp² = {concentration:.3f} for "
                "the incident-year frailty, lag mixing)",
                "severity": "lognormal; the mean log amount per year as a local level, "
                "Kalman-filtered to the last fitted year (severity_mu and its se); sigma the "
                "city's within-year spread; pooled by maximum likelihood: random walk "
                f"s_mu = {walk_mu} a year, a year's own shift tau = {tau} on payment years "
                "(severity_year_sd = tau / sqrt(Σp²) for incident years)",
                "lag": "incident year to payment year, pooled"
                if lags
                else "default (too few incident dates)",
                "drift": "random walks of the log claim rate and the log severity from the "
                "first simulated year, each run drawing its walks' sizes from their "
                "uncertainty: rate_drift_sd, severity_drift_sd the posterior mean of s and the "
                "*_se its standard deviation under the profile likelihood (flat prior on the "
                f"grid; maximum likelihood, used by the filters: rate {walk}, severity "
                f"{walk_mu})"
                if drift
                else "none (the levels stay at their last fitted values)",
                "trend": _describe_trend(rate_h, severity_h, trend, trend_uncertainty, damping)
                + (
                    f"; the between-city variance {BETWEEN_TEXT[trend_between]}"
                    + (
                        f"; centred: fitted rate {rate_trend:+.2f}, severity "
                        f"{severity_trend:+.2f} log a year filter the levels, and the "
                        "simulation draws the trend and each city's deviation around 0 from "
                        "their standard errors (rate_trend, severity_trend 0)"
                        if trend_centred
                        else ""
                    )
                    if trend
                    else ""
                ),
                "trend_fitted": {"rate": rate_trend, "severity": severity_trend},
                "trend_centred": trend and trend_centred,
                "common_year_shock": f"standard deviation of the yearly change shared by every "
                f"city beyond the walks' own (method of moments on the year means of the "
                f"cities' changes): rate {rate_h.common_shock:.3f}, severity "
                f"{severity_h.common_shock:.3f} over {rate_h.years} years; "
                + (
                    "drawn once per run-year as part of the walks (rate_common_sd, "
                    "severity_common_sd, at most the walk)"
                    if drift and common_shock
                    else "not used"
                ),
                "fit_through": fit_through,
                "skipped": skipped,
                "caveat": "The FiveThirtyEight / Marshall Project files are not comparable "
                "across cities, and only cautiously across years.",
            },
        }
    )
