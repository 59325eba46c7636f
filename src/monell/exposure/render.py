"""Markdown and html for the exposure sections, from their JSON (the one contract).

The CLI's `--format md`, the memo's markdown and the html memo all render the same JSON, so
they cannot disagree. Anything not confirmed is labelled where it is printed; the settlement
data's caveat is printed before any figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.util import find_spec
from typing import Any

from monell.exposure import plots
from monell.report.text import markdown_to_html, md_fence
from monell.report.text import md_text as t

CONFIDENCE_LABEL = {
    "confirmed": "confirmed",
    "single_source": "single source",
    "disputed": "DISPUTED: sources disagree",
    "unverified": "unverified [check]",
}


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def _label(confidence: str) -> str:
    return CONFIDENCE_LABEL.get(confidence, confidence)


def _cell(text: object) -> str:
    return t(text)


def _one_line(text: object) -> str:
    """Case names in the city files carry line breaks, runs of spaces and, being other
    people's text, anything else: one line of escaped text."""
    return t(text)


# ----------------------------------------------------------------------------- payers


def payers_markdown(data: Mapping[str, Any]) -> str:
    out = [
        f"**Defendant:** {t(data['defendant'])} (on {data['on_date']}). "
        f"**Payer known:** {'yes' if data['known'] else 'no — unknown, see the request below'}. "
        f"**Confidence:** {_label(data['confidence'])}. "
        f"**Officers indemnified:** {data['officers_indemnified']}.",
        "",
    ]
    if data["payers"]:
        out += [
            "| Layer | Who pays | Kind | Officers indemnified | Confidence |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {p['layer'] or ''} | {_cell(p['payer'] or '')} | {p['payer_kind']} | "
            f"{p['officers_indemnified']} | {_label(p['confidence'])} |"
            for p in data["payers"]
        ]
        out.append("")
        for p in data["payers"]:
            out.append(_statement(p))
        out.append("")
    if data["rules"]:
        out.append("Rules that shape recovery:")
        out += [_statement(r) for r in data["rules"]]
        out.append("")
    if data["strategy_notes"]:
        out.append("What this means for strategy:")
        for n in data["strategy_notes"]:
            cite = f" ({n['citation']})" if n["citation"] else f" ({'; '.join(n['sources'])})"
            check = f" Check: {n['check']}" if n["check"] else ""
            out.append(
                f"- {t(n['finding'])} {t(n['implication'])}{t(cite)} Confidence: "
                f"{_label(n['confidence'])}.{t(check)}"
            )
        out.append("")
    request = data["records_request"]
    out += [
        "Public-records request to find out (or confirm) who pays:",
        "",
        md_fence(request["text"]),
    ]
    return "\n".join(out)


def _statement(row: Mapping[str, Any]) -> str:
    authority = f" ({t(row['authority'])})" if row["authority"] else ""
    when = ""
    if row["valid_from"] or row["valid_until"]:
        when = f" Applies {row['valid_from'] or '…'} to {row['valid_until'] or 'now'}."
    check = f" Check: {t(row['check'])}" if row["check"] else ""
    return (
        f"- {t(row['statement'].rstrip('.'))}{authority}.{when} Confidence: "
        f"{_label(row['confidence'])}; source: {t(row['sources'])}.{check}"
    )


# ----------------------------------------------------------------------------- comparables

TIER_TITLES = {
    "same_agency": "Same agency",
    "same_city": "Same city, other agency",
    "same_state": "Same state, other cities",
    "anywhere": "Other states",
}


def comparables_markdown(data: Mapping[str, Any], cases_per_tier: int = 5) -> str:
    out = [
        f"> **Caveat.** {t(data['caveat'])}",
        "",
        "Settlements sharing a category with this incident "
        f"({t(', '.join(data['categories']))}), "
        f"nearest first; amounts in {data['dollars_year']} dollars ({data['cpi_source']}). "
        f"Matched {data['matched']}; left out {data['excluded_no_amount']} without an amount "
        f"and {data['excluded_no_year']} without a usable year.",
        "",
        "| Tier | Count | p25 | Median | p75 | p90 |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| {TIER_TITLES[tier['tier']]} | {tier['count']} | {money(tier['p25'])} | "
        f"{money(tier['median'])} | {money(tier['p75'])} | {money(tier['p90'])} |"
        for tier in data["tiers"]
    ]
    for tier in data["tiers"]:
        if not tier["cases"]:
            continue
        out += ["", f"Nearest in time, {TIER_TITLES[tier['tier']].lower()}:"]
        out += [_case_line(c) for c in tier["cases"][:cases_per_tier]]
    context = data.get("city_context")
    if context:
        out += [
            "",
            f"**Same city, {t(context['label'])}: {t(context['city'])}, {t(context['state'])}.** "
            f"{context['count']} payout(s) with an amount and a year; p25 {money(context['p25'])}, "
            f"median {money(context['median'])}, p75 {money(context['p75'])}, "
            f"p90 {money(context['p90'])} ({data['dollars_year']} dollars).",
            "",
            f"> {t(context['caveat'])}",
        ]
        if context["cases"]:
            out += ["", "Nearest in time, same city (unmatched by category):"]
            out += [_case_line(c) for c in context["cases"][:cases_per_tier]]
    return "\n".join(out)


def _case_line(c: Mapping[str, Any]) -> str:
    name = _one_line(c["matter_name"] or "(no case name)")
    docket = f", {t(c['docket_number'])}" if c["docket_number"] else ""
    return (
        f"- {c['year']} {t(c['city'])}, {t(c['state'])}: {name}{docket}: {money(c['amount'])} "
        f"({money(c['adjusted_amount'])} adjusted) [{t(c['source'])}]"
    )


# ----------------------------------------------------------------------------- pattern


def pattern_markdown(data: Mapping[str, Any]) -> str:
    out = [f"> **Caveat.** {t(data['caveat'])}", ""]
    where = f"{t(data['city'])}, {t(data['state'])}" if data["city"] else t(data["state"])
    if not data["city_in_data"]:
        out.append(
            f"No settlement records for {where} are loaded, so Monell cannot look for earlier "
            "payouts against this agency; ask the city for its claims history (the public-"
            "records request in the payers section asks for it)."
        )
        return "\n".join(out)
    out.append(
        f"{data['count']} earlier payout(s) against {t(data['agency'])} for "
        f"{t(', '.join(data['categories']))} before {data['before']}, totalling "
        f"{money(data['total'])} (nominal). Left out: {data['excluded_after_incident']} paid on "
        f"or after the incident date, {data['excluded_undated_same_year']} from the incident's "
        "year without a closing date."
    )
    out += ["", t(data["use"])]
    if data["by_year"]:
        out += ["", "| Year | Payouts | Total |", "|---|---|---|"]
        out += [f"| {y['year']} | {y['count']} | {money(y['total'])} |" for y in data["by_year"]]
        out += [""]
        for y in data["by_year"]:
            for c in y["cases"]:
                name = _one_line(c["matter_name"] or c["plaintiff_name"] or "(no case name)")
                docket = t(c["docket_number"] or "no docket number")
                when = c["paid_on"] or f"{c['year']} (calendar year)"
                out.append(f"- {when}: {name} ({docket}): {money(c['amount'])} [{t(c['source'])}]")
    return "\n".join(out)


# ----------------------------------------------------------------------------- html


def _md_block_html(markdown: str) -> str:
    """Markdown to html with raw html, images and links off; the text in it is escaped."""
    return markdown_to_html(markdown)


def payers_html(data: Mapping[str, Any]) -> str:
    return '<section class="monell-payers">' + _md_block_html(payers_markdown(data)) + "</section>"


PLOTS_MISSING = (
    "Chart not drawn: charts need the optional plots extra (pip install 'monell[plots]')."
)


def _chart(alt: str, make: Callable[[], Any]) -> str:
    """The chart as an inline PNG, or a line saying how to get charts when matplotlib (the
    `plots` extra) is not installed: the memo itself never needs it."""
    if find_spec("matplotlib") is None:
        return f'<p class="monell-note">{PLOTS_MISSING}</p>'
    return f'<img alt="{alt}" src="{plots.data_uri(make())}">'


def comparables_html(data: Mapping[str, Any]) -> str:
    chart = _chart(
        "Comparable settlements by tier",
        lambda: plots.comparables_figure(
            plots.bands_from_json(data),
            data["dollars_year"],
            f"Comparable settlements: {', '.join(data['categories'])}",
        ),
    )
    return (
        '<section class="monell-comparables">'
        + chart
        + _md_block_html(comparables_markdown(data))
        + "</section>"
    )


def pattern_html(data: Mapping[str, Any]) -> str:
    chart = ""
    if data["by_year"]:
        years = {y["year"]: (y["total"], y["count"]) for y in data["by_year"]}
        title = f"Earlier payouts: {data['agency']} ({', '.join(data['categories'])})"
        chart = _chart(
            "Earlier payouts per year", lambda: plots.payouts_per_year_figure(years, title)
        )
    return (
        '<section class="monell-pattern-evidence">'
        + chart
        + _md_block_html(pattern_markdown(data))
        + "</section>"
    )
