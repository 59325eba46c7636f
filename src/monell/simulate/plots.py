"""Fan charts: per year the median and the 50% and 80% bands across runs (matplotlib's
object API, no pyplot; written whole or not at all by exposure.plots.save)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from monell.exposure.plots import data_uri, save
from monell.simulate.engine import SHARES, Results

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PANELS = (
    ("payouts", "Payouts (constant $M)", 1e-6),
    ("premiums", "Premiums and pool contributions ($M)", 1e-6),
    ("budget_share", "Liability cost, % of police budget", 100.0),
)
COLOURS = ("#3b6ea5", "#c0504d")


def _fan(ax: Axes, years: list[int], values: np.ndarray, colour: str, label: str) -> None:
    finite = np.where(np.isfinite(values), values, np.nan)
    if not np.isfinite(finite).any():
        return
    q = np.nanpercentile(finite, [10, 25, 50, 75, 90], axis=0)
    ax.fill_between(years, q[0], q[4], color=colour, alpha=0.18, lw=0)
    ax.fill_between(years, q[1], q[3], color=colour, alpha=0.35, lw=0)
    ax.plot(years, q[2], color=colour, lw=1.6, label=label)


def fan_figure(results: Results, other: Results | None = None) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 7.5), dpi=120)
    axes = fig.subplots(2, 2)
    pairs = [(results, COLOURS[0])] + ([(other, COLOURS[1])] if other is not None else [])
    for ax, (name, title, scale) in zip(axes.flat[:3], PANELS, strict=True):
        for res, colour in pairs:
            _fan(ax, res.years, res.series[name] * scale, colour, res.params.name)
        ax.set_title(title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
    ax = axes.flat[3]
    styles = ("-", "--", ":", "-.", (0, (1, 3)))
    for res, colour in pairs:
        total = res.group_agencies.sum()
        for name, style in zip(SHARES, styles, strict=True):
            share = res.shares[name].sum(axis=2) / total * 100
            ax.plot(
                res.years,
                np.median(share, axis=0),
                color=colour,
                ls=style,
                label=f"{res.params.name}: {name.replace('_', ' ')}",
            )
    ax.set_title("Agencies that ever … (% of all, median)", fontsize=10)
    ax.legend(fontsize=6, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    axes.flat[0].legend(fontsize=8, frameon=False)
    fig.text(
        0.01,
        0.005,
        "Bands: 50% and 80% of runs. A model with documented assumptions "
        "(docs/simulation.md), not a forecast for any one city.",
        fontsize=7,
        color="#555",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def save_fan(results: Results, path: Path, other: Results | None = None) -> Path:
    return save(fan_figure(results, other), path)


def fan_data_uri(results: Results, other: Results | None = None) -> str:
    return data_uri(fan_figure(results, other))
