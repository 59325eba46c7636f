"""What a run says: per year the median and 80% interval, shares of agencies, and the
published anchors beside the model's figures; one scenario or two compared run by run."""

from __future__ import annotations

import html
import json
from typing import Any

import numpy as np

from monell.simulate.engine import SHARES, Results
from monell.simulate.params import Layer, layer_name

LOW, HIGH = 10, 90  # the 80% interval
MONEY_SERIES = ("payouts", "premiums", "budget_cost")
RATIO_SERIES = ("budget_share", "general_fund_share")
CAVEAT = (
    "A model, not a forecast of any one city: every number below rests on the parameters in "
    "docs/simulation.md, several of them assumptions. Constant dollars of the stated year."
)
# Published figures the model is compared with (../shared/data/simulation/SOURCES.md).
ANCHORS = {
    "government_share_of_dollars": (
        0.9998,
        "Joanna C. Schwartz, Police Indemnification, 89 N.Y.U. L. Rev. 885 (2014): governments "
        "paid about 99.98% of the dollars (81 agencies, 2006–2011)",
    ),
    "median_payment_usd": (
        17_500.0,
        "The Washington Post (2022): 25 large departments, about 40,000 payments, median $17,500",
    ),
    "premium_increase_after_losses": (
        "200–400% over three years",
        "Washington Post (2022-09-19) on departments with long histories of large settlements; "
        "CIRSA (2024): +150% law-enforcement liability cost for members with police departments",
    ),
}


def _band(values: np.ndarray) -> dict[str, float | None]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"median": None, "p10": None, "p90": None}
    lo, mid, hi = np.percentile(values, [LOW, 50, HIGH])
    return {"median": float(mid), "p10": float(lo), "p90": float(hi)}


def _shares(results: Results, name: str, t: int) -> np.ndarray:
    """Share of all agencies (per run) that ever did `name` by year index t."""
    out: np.ndarray = results.shares[name][:, t].sum(axis=1) / results.group_agencies.sum()
    return out


def summarise(results: Results) -> dict[str, Any]:
    p = results.params
    per_year = []
    for t, year in enumerate(results.years):
        row: dict[str, Any] = {"year": year}
        for name in (*MONEY_SERIES, *RATIO_SERIES, "claims", "payments"):
            row[name] = _band(results.series[name][:, t])
        row["shares"] = {name: _band(_shares(results, name, t)) for name in SHARES}
        per_year.append(row)
    last = len(results.years) - 1
    by_group = []
    for g, label in enumerate(results.group_labels):
        n = results.group_agencies[g]
        entry: dict[str, Any] = {"group": label, "agencies": int(n)}
        for name in SHARES:
            entry[name] = _band(results.shares[name][:, last, g] / n)
        by_group.append(entry)
    totals = results.layers.sum(axis=1)  # (runs, layers)
    dollars = totals.sum(axis=1)
    payers = {
        layer_name(layer): _band(totals[:, layer] / np.where(dollars > 0, dollars, np.nan))
        for layer in Layer
    }
    government = 1 - totals[:, Layer.OFFICER] / np.where(dollars > 0, dollars, np.nan)
    insured = results.series["insured"].sum(axis=1)
    doubled = results.series["premium_doubled"].sum(axis=1)
    model_anchors = {
        "government_share_of_dollars": _band(government),
        "median_payment_usd": _band(results.first_year_median_payment),
        "share_of_insured_agency_years_premium_doubled": _band(
            doubled / np.where(insured > 0, insured, np.nan)
        ),
    }
    return {
        "scenario": p.name,
        "description": p.description.strip(),
        "runs": int(results.runs.shape[0]),
        "years": results.years,
        "seed": p.run.seed,
        "population": p.population.kind,
        "agencies": int(results.group_agencies.sum()),
        "dollars_year": p.claims.dollars_year,
        "interval": "80% (10th to 90th percentile across runs)",
        "per_year": per_year,
        "by_group": by_group,
        "payer_share_of_dollars": payers,
        "anchors": {
            "model": model_anchors,
            "published": {k: {"value": v, "source": s} for k, (v, s) in ANCHORS.items()},
        },
        "caveat": CAVEAT,
    }


def compare(base: Results, other: Results) -> dict[str, Any]:
    """Differences run by run (other − base) on common random numbers."""
    if not np.array_equal(base.runs, other.runs) or base.years != other.years:
        raise ValueError("the two scenarios must have the same runs and years to compare")
    per_year = []
    for t, year in enumerate(base.years):
        row: dict[str, Any] = {"year": year}
        for name in (*MONEY_SERIES, *RATIO_SERIES):
            row[name] = _band(other.series[name][:, t] - base.series[name][:, t])
        row["shares"] = {
            name: _band(_shares(other, name, t) - _shares(base, name, t)) for name in SHARES
        }
        per_year.append(row)
    return {
        "base": base.params.name,
        "other": other.params.name,
        "note": "other minus base, paired run by run on the same random numbers",
        "per_year": per_year,
    }


def report(results: Results, other: Results | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"simulation": summarise(results)}
    if other is not None:
        out["compare_with"] = summarise(other)
        out["difference"] = compare(results, other)
    return out


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        sign = "-" if value < 0 else ""
        size = abs(value)
        for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if size >= limit:
                return f"{sign}${size / limit:,.2f}{suffix}"
        return f"{sign}${size:,.0f}" if round(size) else "$0"
    if kind == "pct":
        return f"{100 * value:.2f}%"
    return f"{value:,.0f}"


def _cell(band: dict[str, float | None], kind: str) -> str:
    return f"{_fmt(band['median'], kind)} ({_fmt(band['p10'], kind)} – {_fmt(band['p90'], kind)})"


KINDS = {
    "payouts": "money",
    "premiums": "money",
    "budget_cost": "money",
    "budget_share": "pct",
    "general_fund_share": "pct",
}


def _tables(s: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    money = [[str(r["year"]), *(_cell(r[k], v) for k, v in KINDS.items())] for r in s["per_year"]]
    shares = [
        [str(r["year"]), *(_cell(r["shares"][k], "pct") for k in SHARES)] for r in s["per_year"]
    ]
    groups = [
        [g["group"], str(g["agencies"]), *(_cell(g[k], "pct") for k in SHARES)]
        for g in s["by_group"]
    ]
    anchors = s["anchors"]
    anchor_rows = [
        [
            "government share of dollars",
            _cell(anchors["model"]["government_share_of_dollars"], "pct"),
            "99.98%",
            anchors["published"]["government_share_of_dollars"]["source"],
        ],
        [
            "median payment",
            _cell(anchors["model"]["median_payment_usd"], "money"),
            "$17,500",
            anchors["published"]["median_payment_usd"]["source"],
        ],
        [
            "insured agency-years whose premium at least doubled",
            _cell(anchors["model"]["share_of_insured_agency_years_premium_doubled"], "pct"),
            "200–400% over three years after large losses",
            anchors["published"]["premium_increase_after_losses"]["source"],
        ],
    ]
    payers = [[k, _cell(v, "pct")] for k, v in s["payer_share_of_dollars"].items()]
    share_head = ["reformed", "lost coverage", "leadership changed", "disbanded", "contracted"]
    return [
        (
            "Money per year (median and 80% interval)",
            [
                "year",
                "payouts",
                "premiums",
                "budget cost",
                "share of police budget",
                "share of general fund",
            ],
            money,
        ),
        ("Agencies that ever … by year (share of all agencies)", ["year", *share_head], shares),
        ("By size class / city, final year", ["group", "agencies", *share_head], groups),
        ("Who pays (share of all dollars paid)", ["payer", "share"], payers),
        ("Published anchors", ["figure", "model", "published", "source"], anchor_rows),
    ]


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _header(s: dict[str, Any]) -> str:
    return (
        f"Scenario **{s['scenario']}**: {s['runs']} runs × {len(s['years'])} years "
        f"({s['years'][0]}–{s['years'][-1]}), seed {s['seed']}, {s['agencies']:,} agencies "
        f"({s['population']}), {s['dollars_year']} dollars. {s['description']}"
    )


def to_markdown(data: dict[str, Any]) -> str:
    s = data["simulation"]
    parts = ["# Simulation", "", _header(s), "", f"_{s['caveat']}_", ""]
    for title, head, rows in _tables(s):
        parts += [f"## {title}", "", _md_table(head, rows), ""]
    if "difference" in data:
        d = data["difference"]
        parts += [
            f"# Compared with {d['other']}",
            "",
            _header(data["compare_with"]),
            "",
            f"Differences: {d['note']}.",
            "",
        ]
        rows = [
            [
                str(r["year"]),
                *(_cell(r[k], v) for k, v in KINDS.items()),
                *(_cell(r["shares"][k], "pct") for k in SHARES),
            ]
            for r in d["per_year"]
        ]
        head = [
            "year",
            "payouts",
            "premiums",
            "budget cost",
            "budget share",
            "general fund share",
            "reformed",
            "lost coverage",
            "leadership",
            "disbanded",
            "contracted",
        ]
        parts += [_md_table(head, rows), ""]
    return "\n".join(parts)


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def to_html(data: dict[str, Any], chart_uri: str | None = None) -> str:
    s = data["simulation"]
    esc = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Simulation: {esc(s['scenario'])}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}</style>",
        "</head><body>",
        f"<h1>Simulation: {esc(s['scenario'])}</h1>",
        f"<p>{esc(_header(s).replace('**', ''))}</p>",
        f"<p><em>{esc(s['caveat'])}</em></p>",
    ]
    if chart_uri:
        parts.append(
            f'<img alt="Fan charts of payouts, premiums, budget share and responses" '
            f'src="{chart_uri}" style="max-width:100%">'
        )
    for title, head, rows in _tables(s):
        parts.append(f"<h2>{esc(title)}</h2><table><tr>")
        parts.append("".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>")
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>")
        parts.append("</table>")
    if "difference" in data:
        d = data["difference"]
        parts.append(f"<h2>Compared with {esc(d['other'])} ({esc(d['note'])})</h2><table>")
        parts.append("<tr><th>year</th>" + "".join(f"<th>{esc(k)}</th>" for k in KINDS) + "</tr>")
        for r in d["per_year"]:
            cells = "".join(f"<td>{esc(_cell(r[k], v))}</td>" for k, v in KINDS.items())
            parts.append(f"<tr><td>{r['year']}</td>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
