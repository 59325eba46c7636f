"""Charts a lawyer can paste into a memo: payouts per year for a city, and where comparables fall.

Matplotlib's object API with the Agg canvas (no pyplot, so no global backend or GUI), the
bundled DejaVu fonts (nothing downloaded), and fixed SVG metadata so a chart is byte-for-byte
reproducible. Each chart carries the data's caveat in its footer, because a chart travels
without the text around it.
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monell.exposure.comparables import Comparables, paid_amount, paid_year
from monell.exposure.models import Settlement
from monell.storage.files import write_atomically

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

# Matplotlib is imported only when a chart is drawn (it is the `plots` extra, and importing it
# costs most of a second and makes its font cache): a memo without charts never loads it.

FORMATS = ("png", "svg")
SHORT_CAVEAT = (
    "Source: FiveThirtyEight / The Marshall Project settlement files. Not comparable across "
    "cities; only cautiously across years."
)
TIER_LABELS = {
    "same_agency": "Same agency",
    "same_city": "Same city",
    "same_state": "Same state",
    "anywhere": "Anywhere else",
}


class PlotError(ValueError):
    """A plot was asked for a format or path it cannot write."""


def _money(value: float, _pos: object = None) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            return f"${value / limit:,.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"${value:,.0f}"


@dataclass(frozen=True)
class TierBand:
    """One row of the comparables chart: a tier's summary and the amounts to dot."""

    label: str
    count: int
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    values: tuple[float, ...]


def per_year(records: Iterable[Settlement]) -> dict[int, tuple[Decimal, int]]:
    """Nominal total and count of payouts by the year paid; rows without either are skipped."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    for r in records:
        amount, _ = paid_amount(r)
        year = paid_year(r)
        if amount is None or year is None or amount <= 0:
            continue
        totals[year] += amount
        counts[year] += 1
    return {y: (totals[y], counts[y]) for y in sorted(totals)}


def payouts_per_year_figure(years: Mapping[int, tuple[Decimal | float, int]], title: str) -> Figure:
    """Total paid per calendar year (nominal dollars), with the number of payouts on each bar."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(8, 4.5), dpi=150)
    ax = fig.add_subplot()
    ordered = sorted(years)
    if ordered:
        bars = ax.bar(ordered, [float(years[y][0]) for y in ordered], color="#3b6ea5")
        for bar, y in zip(bars, ordered, strict=True):
            ax.annotate(
                f"n={years[y][1]}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xticks(ordered)
        ax.tick_params(axis="x", labelrotation=45)
    else:
        ax.text(0.5, 0.5, "No payouts in the loaded data", ha="center", va="center",
                transform=ax.transAxes)  # fmt: skip
    ax.set_title(title)
    ax.set_ylabel("Total paid (nominal dollars)")
    ax.yaxis.set_major_formatter(FuncFormatter(_money))
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, SHORT_CAVEAT, fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def bands_from_comparables(comparables: Comparables) -> list[TierBand]:
    return [
        TierBand(
            label=TIER_LABELS[t.tier.value],
            count=t.quantiles.count,
            p25=_f(t.quantiles.p25),
            median=_f(t.quantiles.median),
            p75=_f(t.quantiles.p75),
            p90=_f(t.quantiles.p90),
            values=tuple(float(c.adjusted) for c in t.cases),
        )
        for t in comparables.tiers
        if t.cases
    ]


def bands_from_json(data: Mapping[str, Any]) -> list[TierBand]:
    """Rebuild the chart rows from a `comparables` section (dots: the cases it lists)."""
    return [
        TierBand(
            label=TIER_LABELS[t["tier"]],
            count=t["count"],
            p25=t["p25"],
            median=t["median"],
            p75=t["p75"],
            p90=t["p90"],
            values=tuple(c["adjusted_amount"] for c in t["cases"]),
        )
        for t in data["tiers"]
        if t["count"]
    ]


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def comparables_figure(bands: Sequence[TierBand], dollars_year: int, title: str) -> Figure:
    """Each tier's amounts as dots on a log scale, with its p25–p75 box, median and p90."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(8, 1.6 + 0.9 * max(len(bands), 1)), dpi=150)
    ax = fig.add_subplot()
    if not bands:
        ax.text(0.5, 0.5, "No comparable settlements in the loaded data", ha="center",
                va="center", transform=ax.transAxes)  # fmt: skip
        ax.set_yticks([])
    for row, band in enumerate(reversed(bands)):
        # Deterministic spread so overlapping dots stay visible without randomness.
        offsets = [((i * 7919) % 41 - 20) / 100 for i in range(len(band.values))]
        ax.scatter(list(band.values), [row + o for o in offsets], s=8, alpha=0.45,
                   color="#3b6ea5", linewidths=0)  # fmt: skip
        if band.p25 is not None and band.p75 is not None:
            ax.add_patch(_box(band.p25, band.p75, row))
        if band.median is not None:
            ax.plot([band.median] * 2, [row - 0.3, row + 0.3], color="#b03a2e", lw=2)
        if band.p90 is not None:
            ax.plot([band.p90] * 2, [row - 0.2, row + 0.2], color="#444444", lw=1, ls="--")
    if bands:
        ax.set_xscale("log")
        ax.set_yticks(range(len(bands)))
        ax.set_yticklabels([f"{b.label} (n={b.count})" for b in reversed(bands)])
        ax.set_ylim(-0.6, len(bands) - 0.4)
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_xlabel(
        f"Amount paid, {dollars_year} dollars (CPI-U); box p25–p75, red median, dashed p90"
    )
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, SHORT_CAVEAT, fontsize=7, color="#555555")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _box(low: float, high: float, row: int) -> Rectangle:
    from matplotlib.patches import Rectangle

    return Rectangle((low, row - 0.3), high - low, 0.6, fill=False, edgecolor="#222222", lw=1.2)


def render(fig: Figure, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise PlotError(f"plot format {fmt!r}: use one of {', '.join(FORMATS)}")
    import matplotlib

    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "monell", "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def save(fig: Figure, path: Path) -> Path:
    """Write PNG or SVG, chosen by the file's suffix."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise PlotError(f"{path}: the file name must end in .png or .svg")
    write_atomically(path, render(fig, fmt))  # the whole chart or nothing
    return path


def data_uri(fig: Figure) -> str:
    """A PNG data URI for the html memo (no external files to lose)."""
    return "data:image/png;base64," + base64.b64encode(render(fig, "png")).decode("ascii")
