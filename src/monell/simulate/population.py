"""The agencies a run simulates: the national population by size class, or named cities.

National: BJS LEMAS 2020 size classes (`data/agencies_by_size_2020.csv`), each agency with
its class's mean full-time sworn officers and median 2020 operating budget. Named cities: the
frequencies and severities `monell simulate calibrate` fitted, one agency each.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from monell.exposure.cpi import load_cpi
from monell.simulate.params import BAND_LIMITS, Arrangement, Band, Params

DATA_PACKAGE = "monell.simulate.data"
AGENCIES_FILE = "agencies_by_size_2020.csv"
BUDGET_YEAR = 2020  # LEMAS 2020 operating budgets are in 2020 dollars
# Agencies with no full-time sworn officer (part-time only) still have exposure; LEMAS counts
# none. Assumption: half an officer-year each.
PART_TIME_ONLY_EXPOSURE = 0.5
# The stream that assigns funding arrangements: the same for every run, so all runs simulate
# the same population (a fixed key far from any run index).
POPULATION_STREAM = 2**31 - 1
BANDS = tuple(Band)


@dataclass(frozen=True)
class SizeClass:
    label: str
    min_officers: int
    agencies: int  # weighted count (BJS LEMAS 2020)
    officers: int
    median_budget_usd: float


@dataclass(frozen=True)
class Agencies:
    """One entry per agency; arrays of length `n`."""

    group: np.ndarray  # index into group_labels (size class or city)
    group_labels: tuple[str, ...]
    band: np.ndarray  # index into BANDS
    exposure: np.ndarray  # officers (national) or 1 (a city's rate is per year)
    rate: np.ndarray  # paid claims per exposure unit per year
    rate_se: np.ndarray  # relative standard error of the rate (parameter uncertainty)
    dispersion: np.ndarray  # negative-binomial k
    mu: np.ndarray  # log severity, constant dollars
    mu_se: np.ndarray
    sigma: np.ndarray
    budget: np.ndarray  # police budget, constant dollars; NaN where unknown
    arrangement: np.ndarray  # initial Arrangement
    # (4, n): each agency's trend deviations and their standard deviations (rate, rate se,
    # severity, severity se; zeros for the national population)
    trend_deviation: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))

    @property
    def n(self) -> int:
        return int(self.group.shape[0])


@cache
def size_classes() -> tuple[SizeClass, ...]:
    text = resources.files(DATA_PACKAGE).joinpath(AGENCIES_FILE).read_text("utf-8")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        lo, hi = row["ft_sworn_min"], row["ft_sworn_max"]
        label = f"{lo}+" if not hi else (lo if lo == hi else f"{lo}-{hi}")
        out.append(
            SizeClass(
                label=label,
                min_officers=int(lo),
                agencies=int(row["weighted_agencies"]),
                officers=int(row["weighted_ft_sworn"]),
                median_budget_usd=float(row["median_opbudget_2020_usd"]),
            )
        )
    return tuple(out)


def dollars(to_year: int, from_year: int = BUDGET_YEAR) -> float:
    """CPI-U factor from `from_year` dollars to `to_year` dollars (exposure/cpi.py)."""
    cpi = load_cpi()
    return float(cpi.value(to_year) / cpi.value(from_year))


def band_of(officers: float) -> int:
    if officers < BAND_LIMITS[Band.SMALL]:
        return BANDS.index(Band.SMALL)
    if officers < BAND_LIMITS[Band.MEDIUM]:
        return BANDS.index(Band.MEDIUM)
    return BANDS.index(Band.LARGE)


def _assign_arrangements(params: Params, band: np.ndarray, forced: np.ndarray | None) -> np.ndarray:
    rng = np.random.default_rng(
        np.random.SeedSequence(params.run.seed, spawn_key=(POPULATION_STREAM,))
    )
    u: np.ndarray = rng.random(int(band.shape[0]))
    arrangement = np.zeros(band.shape[0], dtype=np.int8)
    for i, b in enumerate(BANDS):
        cdf = np.cumsum(params.funding.mix[b].probabilities())
        cdf[-1] = 1.0
        mask = band == i
        arrangement[mask] = np.searchsorted(cdf, u[mask], side="right")
    if forced is not None:
        arrangement = np.where(forced >= 0, forced, arrangement).astype(np.int8)
    if params.funding.mandatory_insurance:
        # every agency must carry cover: the uninsured buy a commercial policy
        uninsured = (arrangement == Arrangement.GENERAL_FUND) | (
            arrangement == Arrangement.SELF_INSURANCE_FUND
        )
        arrangement[uninsured] = Arrangement.COMMERCIAL_INSURER
    return arrangement


def build_agencies(params: Params) -> Agencies:
    claims = params.claims
    if params.population.kind == "cities":
        cities = params.population.cities
        n = len(cities)
        band = np.array(
            [
                band_of(c.officers) if c.officers is not None else BANDS.index(Band.LARGE)
                for c in cities
            ],
            dtype=np.int8,
        )
        forced = np.array([Arrangement[c.arrangement.upper()] for c in cities], dtype=np.int8)
        return Agencies(
            group=np.arange(n, dtype=np.int32),
            group_labels=tuple(f"{c.city}, {c.state}" for c in cities),
            band=band,
            exposure=np.ones(n),
            rate=np.array([c.paid_claims_per_year for c in cities], dtype=float),
            rate_se=np.array([c.rate_se for c in cities], dtype=float),
            dispersion=np.array([c.dispersion for c in cities], dtype=float),
            mu=np.array([c.severity_mu for c in cities], dtype=float),
            mu_se=np.array([c.severity_mu_se for c in cities], dtype=float),
            sigma=np.array([c.severity_sigma for c in cities], dtype=float),
            budget=np.array(
                [c.police_budget_usd if c.police_budget_usd else np.nan for c in cities],
                dtype=float,
            ),
            arrangement=_assign_arrangements(params, band, forced),
            trend_deviation=np.array(
                [
                    [c.rate_trend_deviation for c in cities],
                    [c.rate_trend_deviation_se for c in cities],
                    [c.severity_trend_deviation for c in cities],
                    [c.severity_trend_deviation_se for c in cities],
                ],
                dtype=float,
            ),
        )
    classes = size_classes()
    counts = [max(1, round(c.agencies * params.population.scale)) for c in classes]
    group = np.repeat(np.arange(len(classes), dtype=np.int32), counts)
    officers = np.array(
        [c.officers / c.agencies if c.officers else PART_TIME_ONLY_EXPOSURE for c in classes]
    )[group]
    band = np.array([band_of(c.min_officers) for c in classes], dtype=np.int8)[group]
    n = int(group.shape[0])
    return Agencies(
        group=group,
        group_labels=tuple(c.label for c in classes),
        band=band,
        exposure=officers,
        rate=np.full(n, claims.paid_claims_per_officer_year),
        rate_se=np.zeros(n),
        dispersion=np.full(n, claims.dispersion),
        mu=np.full(n, math.log(claims.severity_median_usd)),
        mu_se=np.zeros(n),
        sigma=np.full(n, claims.severity_sigma),
        budget=np.array([c.median_budget_usd for c in classes])[group]
        * dollars(claims.dollars_year),
        arrangement=_assign_arrangements(params, band, None),
        trend_deviation=np.zeros((4, n)),
    )
