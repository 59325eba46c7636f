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


def fit_drift(count_series: Iterable[Sequence[int]]) -> float | None:
    """Standard deviation of the yearly random walk in log claim rates, pooled over cities.

    Year-to-year changes of log counts have variance ≈ 2/m (Poisson sampling at mean m) plus
    the drift's variance s²; s² is their pooled excess, floored at 0."""
    excess, weights = 0.0, 0
    for counts in count_series:
        x = np.log(np.asarray(counts, dtype=float) + 0.5)
        m = float(np.mean(counts))
        if x.size < 3 or m <= 0:
            continue
        diffs = np.diff(x)
        excess += (float(diffs.var(ddof=1)) - 2 / m) * diffs.size
        weights += diffs.size
    if weights == 0:
        return None
    return round(math.sqrt(max(0.0, excess / weights)), 4)


def fit_lags(payments: Iterable[Payment]) -> tuple[float, ...] | None:
    lags = [min(p.lag, MAX_LAG) for p in payments if p.lag is not None]
    if len(lags) < 20:
        return None
    counts = np.bincount(lags, minlength=MAX_LAG + 1).astype(float)
    probs = counts / counts.sum()
    head = [round(float(x), 4) for x in probs[:-1]]
    return (*head, round(1 - sum(head), 4))


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


def calibrate(
    payments: Sequence[Payment],
    *,
    dollars_year: int,
    source: str,
    fit_through: int | None = None,
    base: Params | None = None,
    drift: bool = False,
) -> Params:
    """A `cities` parameter set from payments (those after `fit_through` are left out).

    `drift`: also fit the yearly random walk of the claim rate (off by default: in the
    backtest it widened the intervals but scored worse on CRPS; docs/simulation.md)."""
    base = base or Params()
    used = [p for p in payments if fit_through is None or p.year <= fit_through]
    by_city: dict[tuple[str, str], list[Payment]] = defaultdict(list)
    for p in used:
        by_city[(p.city, p.state)].append(p)
    budgets = police_budgets(dollars_year)
    cities, skipped = [], []
    count_series: list[list[int]] = []
    for (city, state), rows in sorted(by_city.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        first = min(p.year for p in rows)
        last = fit_through if fit_through is not None else max(p.year for p in rows)
        if len(rows) < MIN_PAYMENTS or last - first + 1 < MIN_YEARS:
            skipped.append(f"{city}, {state} ({len(rows)} payments, {first}–{last})")
            continue
        fit = fit_city(rows, first, last)
        per_year = Counter(p.year for p in rows)
        count_series.append([per_year.get(y, 0) for y in range(first, last + 1)])
        budget = budgets.get(city)
        cities.append(
            CityParams(
                city=city,
                state=state,
                paid_claims_per_year=round(fit.paid_claims_per_year, 4),
                dispersion=round(fit.dispersion, 4),
                severity_mu=round(fit.severity_mu, 5),
                severity_sigma=round(fit.severity_sigma, 5),
                severity_mu_se=round(fit.severity_mu_se, 5),
                rate_se=round(fit.rate_se, 5),
                police_budget_usd=round(budget[0]) if budget else None,
                provenance={
                    "payments": fit.payments,
                    "years": f"{fit.first_year}–{fit.last_year}",
                    "source_files": sorted({p.source_file for p in rows}),
                    "police_budget": (
                        f"{budget[1]} total police spending, police_budgets_2017_2020.csv "
                        "(MartenThompson/pd-budgets), CPI-adjusted"
                        if budget
                        else "unknown"
                    ),
                },
            )
        )
    if not cities:
        raise CalibrationError(
            f"no city has {MIN_PAYMENTS}+ payments over {MIN_YEARS}+ years in the data; "
            "load settlements first: monell payouts import data/settlements/*/*.csv"
        )
    lags = fit_lags(used)
    claims = base.claims.model_copy(update={"dollars_year": dollars_year})
    if lags is not None:
        claims = Claims.model_validate({**claims.model_dump(), "lag_probabilities": lags})
    drift_sd = fit_drift(count_series) if drift else None
    if drift_sd is not None:
        claims = claims.model_copy(update={"rate_drift_sd": drift_sd})
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
                "frequency": "negative binomial, method of moments on payments per year",
                "severity": "lognormal, maximum likelihood on log amounts",
                "lag": "incident year to payment year, pooled"
                if lags
                else "default (too few incident dates)",
                "drift": "yearly random walk of log claim rates, pooled excess variance of "
                "year-to-year changes in log counts over Poisson sampling"
                if drift_sd is not None
                else "none (constant claim rate)",
                "fit_through": fit_through,
                "skipped": skipped,
                "caveat": "The FiveThirtyEight / Marshall Project files are not comparable "
                "across cities, and only cautiously across years.",
            },
        }
    )
