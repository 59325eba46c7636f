"""Backtest: fit on payments up to year T, forecast each city's yearly totals for the next
five years, and score the forecasts against what was paid.

Scores: coverage of the 80% interval (it should hold about 80% of city-years) and the
continuous ranked probability score (CRPS, lower is better) against a naive baseline: the
mean of the last three years' totals, its spread from a bootstrap of those three years.
The simulated forecasts run with responses off (reform and coverage changes are not what a
five-year backtest of one city's payments can check).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from monell.simulate.calibrate import Payment, calibrate
from monell.simulate.engine import simulate
from monell.simulate.params import Params

HORIZON = 5

# The forecasts scored, by key: `calibrate`'s options for each. `model` is calibrate's default
# (walks, no trend); `model_with_trend` is `calibrate --trend` (since the third round: the
# between-city variance integrated over its posterior, the trend drawn around 0); the second
# round's variants keep their options (`SECOND_ROUND`: DerSimonian–Laird, the trend's point
# estimate as the centre), each changing one piece of `model_with_uncentred_trend`.
SECOND_ROUND: dict[str, Any] = {"trend_between": "moments", "trend_centred": False}
VARIANTS: dict[str, dict[str, Any]] = {
    "model": {},
    "model_constant_level": {"drift": False},
    "model_with_trend": {"trend": True},  # calibrate --trend
    "model_with_uncentred_trend": {"trend": True, **SECOND_ROUND},  # the second round's
    "model_with_fixed_trend": {
        "trend": True,
        "trend_uncertainty": False,
        "damping": None,
        **SECOND_ROUND,
    },
    "model_with_undamped_trend": {"trend": True, "damping": None, **SECOND_ROUND},
    "model_with_damped_fixed_trend": {"trend": True, "trend_uncertainty": False, **SECOND_ROUND},
    "model_without_common_shock": {"trend": True, "common_shock": False, **SECOND_ROUND},
    "model_with_trend_mean_one_walks": {"trend": True, "walk_mean_one": True, **SECOND_ROUND},
    "model_with_trend_without_lead": {"trend": True, "walk_lead": False, **SECOND_ROUND},
    "model_without_lead": {"walk_lead": False},
    # third round (docs/simulation.md): each of the two pieces alone
    "model_with_trend_bayes_deviations": {"trend": True, "trend_centred": False},
    "model_with_centred_trend": {"trend": True, "trend_between": "moments"},
}
# the variant chosen by the rules stated before the folds were scored (docs/simulation.md):
# the trend with its estimation uncertainty, damped, the cities' deviations with the
# between-city variance integrated over its posterior, drawn around 0
CHOSEN = "model_with_trend"


def crps(samples: np.ndarray, observed: float) -> float:
    """CRPS of a sample forecast: E|X − y| − ½ E|X − X′|."""
    x = np.sort(np.asarray(samples, dtype=float))
    m = x.size
    first = float(np.abs(x - observed).mean())
    weights = 2 * np.arange(1, m + 1) - m - 1
    second = float((weights * x).sum()) / (m * m)
    return first - second


def naive_samples(history: Sequence[float], n: int, rng: np.random.Generator) -> np.ndarray:
    last = np.asarray(history[-3:], dtype=float)
    picks = rng.integers(0, last.size, size=(n, last.size))
    out: np.ndarray = last[picks].mean(axis=1)
    return out


def _forecast(
    params: Params, fit_through: int, runs: int, seed: int, workers: int | None
) -> np.ndarray:
    """(runs, HORIZON, cities) yearly totals simulated after `fit_through`, responses off."""
    params = params.model_copy(
        update={
            "responses": params.responses.model_copy(update={"enabled": False}),
            "run": params.run.model_copy(
                update={
                    "runs": runs,
                    "years": HORIZON,
                    "seed": seed,
                    "first_year": fit_through + 1,
                    "batch_size": max(1, min(runs, 100)),
                }
            ),
        }
    )
    return simulate(params, workers=workers).payouts_by_group  # one agency per city


def last_complete_year(payments: Sequence[Payment]) -> int | None:
    """The last year dated payments cover in full: the latest date's year if it falls in
    December, else the year before (None without dates)."""
    dates = [p.date for p in payments if p.date is not None]
    if not dates:
        return None
    latest = max(dates)
    return latest.year if latest.month == 12 else latest.year - 1


def complete_through(payments: Sequence[Payment]) -> dict[str, int | None]:
    """Per city, the last year its data cover in full (`last_complete_year` of the city's
    dated payments; a city without dates takes the median of the other cities' years). The
    FiveThirtyEight / Marshall Project requests were answered in 2020 and the files stop
    between March 2019 (Columbia) and July 2020 (Paterson); the Law Department's at August
    30, 2021."""
    by_city: dict[str, list[Payment]] = defaultdict(list)
    for p in payments:
        by_city[f"{p.city}, {p.state}"].append(p)
    own = {city: last_complete_year(rows) for city, rows in by_city.items()}
    dated = sorted(y for y in own.values() if y is not None)
    others = dated[(len(dated) - 1) // 2] if dated else None  # the median (lower) city's
    return {city: year if year is not None else others for city, year in own.items()}


def _score(draws: np.ndarray, observed: float) -> tuple[bool, float, float]:
    """(inside the 80% interval, CRPS, PIT: the share of draws below the observed value;
    above 0.9 a miss above the interval, below 0.1 one below it)."""
    lo, hi = np.percentile(draws, [10, 90])
    pit = float((draws < observed).mean() + 0.5 * (draws == observed).mean())
    return bool(lo <= observed <= hi), crps(draws, observed), pit


def backtest(
    payments: Sequence[Payment],
    *,
    fit_through: int,
    dollars_year: int,
    runs: int = 400,
    seed: int = 2026,
    workers: int | None = 1,
    source: str = "",
) -> dict[str, Any]:
    """Scores the forecasts of every city-year after `fit_through` that the data cover in
    full: the calibrated model (levels filtered to T, then walking, as `calibrate` writes by
    default; `model_with_drift` repeats it under its old key), the same with the levels held
    (`calibrate --no-drift`), the same with the pooled trend, its uncertainty and damping
    (`calibrate --trend`, the chosen variant), the other `VARIANTS` (one piece changed each),
    and the naive baseline. Everything is fitted on payments up to T only."""
    fits = {
        name: calibrate(
            payments, dollars_year=dollars_year, source=source, fit_through=fit_through, **options
        )
        for name, options in VARIANTS.items()
    }
    drifting, constant, trending = fits["model"], fits["model_constant_level"], fits[CHOSEN]
    forecasts = {
        name: _forecast(fit, fit_through, runs, seed, workers) for name, fit in fits.items()
    }
    complete = complete_through(payments)
    totals: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    last_year: dict[str, int] = {}
    for p in payments:
        key = f"{p.city}, {p.state}"
        totals[key][p.year] += p.amount
        last_year[key] = max(last_year.get(key, p.year), p.year)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31 - 2,)))
    rows: list[dict[str, Any]] = []
    for c, city in enumerate(constant.population.cities):
        key = f"{city.city}, {city.state}"
        history = [totals[key].get(y, 0.0) for y in range(fit_through - 2, fit_through + 1)]
        naive = naive_samples(history, runs, rng)
        for t in range(HORIZON):
            year = fit_through + 1 + t
            if year > last_year.get(key, fit_through):
                continue  # the city's file ends before this year
            last_full = complete.get(key)
            if last_full is not None and year > last_full:
                continue  # the city's data end part way through this year
            observed = totals[key].get(year, 0.0)
            row: dict[str, Any] = {"city": key, "year": year, "observed": observed}
            for name, draws in (*((k, v[:, t, c]) for k, v in forecasts.items()), ("naive", naive)):
                covered, score, pit = _score(draws, observed)
                row[name] = {"covered": covered, "crps": score, "pit": pit}
            rows.append(row)
    if not rows:
        raise ValueError(f"no city has payments after {fit_through} to score; choose an earlier T")
    n = len(rows)
    summary = {
        name: {
            "coverage_80": sum(r[name]["covered"] for r in rows) / n,
            "mean_crps": float(np.mean([r[name]["crps"] for r in rows])),
            "missed_above": sum(not r[name]["covered"] and r[name]["pit"] > 0.5 for r in rows) / n,
            "missed_below": sum(not r[name]["covered"] and r[name]["pit"] <= 0.5 for r in rows) / n,
        }
        for name in (*VARIANTS, "naive")
    }
    summary["model_with_drift"] = summary["model"]  # the model has drift since 2026-12-04
    naive_crps = summary["naive"]["mean_crps"]
    return {
        "fit_through": fit_through,
        "horizon_years": HORIZON,
        "cities": len({r["city"] for r in rows}),
        "city_years": n,
        "scored_through": {c: complete.get(c) for c in sorted({r["city"] for r in rows})},
        "runs": runs,
        "dollars_year": dollars_year,
        "rate_drift_sd": drifting.claims.rate_drift_sd,
        "severity_drift_sd": drifting.claims.severity_drift_sd,
        "severity_year_sd": drifting.claims.severity_year_sd,
        **summary,
        "crps_ratio_model_to_naive": summary["model"]["mean_crps"] / naive_crps,
        "crps_ratio_drift_to_naive": summary["model_with_drift"]["mean_crps"] / naive_crps,
        "crps_ratio_constant_level_to_naive": summary["model_constant_level"]["mean_crps"]
        / naive_crps,
        "crps_ratio_trend_to_naive": summary["model_with_trend"]["mean_crps"] / naive_crps,
        # the fitted trend (the chosen variant draws it around 0: see trend_centred)
        "rate_trend": trending.provenance["trend_fitted"]["rate"],
        "severity_trend": trending.provenance["trend_fitted"]["severity"],
        "trend_centred": trending.provenance["trend_centred"],
        "rate_trend_se": trending.claims.rate_trend_se,
        "severity_trend_se": trending.claims.severity_trend_se,
        "trend_damping": [trending.claims.trend_damping_low, trending.claims.trend_damping_high],
        "rate_common_sd": drifting.claims.rate_common_sd,
        "severity_common_sd": drifting.claims.severity_common_sd,
        "variants": {name: dict(options) for name, options in VARIANTS.items()},
        "chosen_variant": CHOSEN,
        "crps_ratio_to_naive": {name: summary[name]["mean_crps"] / naive_crps for name in VARIANTS},
        "city_years_model_better": sum(r["model"]["crps"] < r["naive"]["crps"] for r in rows),
        # the chosen variant is what `monell simulate calibrate` writes by default
        "city_years_chosen_better": sum(r[CHOSEN]["crps"] < r["naive"]["crps"] for r in rows),
        "rows": rows,
    }


def to_markdown(result: dict[str, Any]) -> str:
    m, c, n = result["model"], result["model_constant_level"], result["naive"]
    w = result["model_with_trend"]
    ratio = result["crps_ratio_model_to_naive"]
    scored = result.get("scored_through") or {}
    cut = sorted(f"{c} {y}" for c, y in scored.items() if y is not None and y < 2100)
    lines = [
        f"# Backtest: fit through {result['fit_through']}, forecast "
        f"{result['horizon_years']} years",
        "",
        f"{result['cities']} cities, {result['city_years']} city-years, {result['runs']} runs, "
        f"{result['dollars_year']} dollars"
        + (
            "; scored through the last year each city's data cover in full: " + ", ".join(cut) + "."
            if cut
            else "."
        ),
        "",
        "| forecast | 80% interval coverage | mean CRPS |",
        "|---|---|---|",
        f"| model (levels walk: rate s = {result['rate_drift_sd']}, severity s = "
        f"{result['severity_drift_sd']} a year) | {m['coverage_80']:.0%} | "
        f"${m['mean_crps']:,.0f} |",
        f"| model, levels held at the last fit | {c['coverage_80']:.0%} | ${c['mean_crps']:,.0f} |",
        f"| model with the pooled trend (rate {result['rate_trend']:+.2f} ± "
        f"{result['rate_trend_se']:.2f}, severity {result['severity_trend']:+.2f} ± "
        f"{result['severity_trend_se']:.2f} log a year, damped: φ in "
        f"[{result['trend_damping'][0]}, {result['trend_damping'][1]}]"
        + ("; drawn around 0" if result.get("trend_centred") else "")
        + "; the chosen variant) | "
        f"{w['coverage_80']:.0%} | ${w['mean_crps']:,.0f} |",
        *(
            f"| {name.replace('_', ' ')} | {result[name]['coverage_80']:.0%} | "
            f"${result[name]['mean_crps']:,.0f} |"
            for name in VARIANTS
            if name not in ("model", "model_constant_level", CHOSEN)
        ),
        f"| naive (last 3 years, bootstrap) | {n['coverage_80']:.0%} | ${n['mean_crps']:,.0f} |",
        "",
        f"CRPS ratio of the chosen variant (what `monell simulate calibrate` writes by "
        f"default) / naive: {result['crps_ratio_to_naive'][CHOSEN]:.3f} (below 1: the model is "
        f"better); better in {result['city_years_chosen_better']} of {result['city_years']} "
        "city-years.",
        f"CRPS ratio model without the trend (`calibrate --no-trend`) / naive: {ratio:.3f}; "
        f"better in {result['city_years_model_better']} of {result['city_years']} city-years.",
        "",
        "Caveat: the settlement files are not comparable across cities, and only cautiously "
        "across years.",
        "",
    ]
    return "\n".join(lines)
