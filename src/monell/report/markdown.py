"""The memo: a plain-language summary for the person, then the analysis for the lawyer.

Authorities are cited in the usual form; any citation that did not verify against the corpus
carries a visible mark and the reason, so nothing unchecked passes as checked.
"""

from __future__ import annotations

from typing import Any

from monell.domain.models import Assessment, Authority
from monell.domain.vocabulary import DeadlineKind
from monell.report.sections import OMITTED_KEY, omitted_markdown, registered
from monell.report.text import md_text as t

UNVERIFIED_MARK = "[unverified]"


def cite(a: Authority) -> str:
    text = t(a.cite)
    if not a.verification.verified:
        text += f" {UNVERIFIED_MARK}"
    return text


def cite_list(authorities: tuple[Authority, ...]) -> str:
    return "; ".join(cite(a) for a in authorities) if authorities else "(no authority in data)"


def render_markdown(assessment: Assessment, sections: dict[str, Any] | None = None) -> str:
    a = assessment
    inc = a.incident
    j = a.jurisdiction
    out: list[str] = []
    w = out.append
    place = ", ".join(t(x) for x in (inc.city, inc.county, j.state_name) if x)
    w(f"# § 1983 assessment: {t(inc.agency.name)}, {inc.incident_date.isoformat()}")
    w("")
    w(f"*Evaluated on {a.evaluated_on.isoformat()} · {place}*")
    w("")
    w("## In plain words")
    w("")
    for line in a.summary:
        w(f"- {t(line)}")
    w("")
    w("---")
    w("")
    w("## Memo for counsel")
    w("")
    blockers = [f for f in a.flags if f.severity.value == "blocker"]
    if blockers:
        w("### Blockers")
        w("")
        for f in blockers:
            w(f"- **{f.code.value}**: {t(f.message)} ({cite_list(f.authorities)})")
        w("")
    w("### Court")
    w("")
    w(f"- Circuit: {t(j.circuit_name)} (`{j.circuit}`)")
    if j.district:
        w(f"- District: {t(j.district_name)} (`{j.district}`) - {t(j.district_basis)}")
    else:
        w(f"- District: unknown - {t(j.district_basis)}; candidates: {t(', '.join(j.districts))}")
    w(f"- Confidence: {j.confidence.value}; sources: {t('; '.join(j.sources))}")
    w("")
    w("### Claims")
    for c in a.claims:
        w("")
        w(f"#### {t(c.title)} (`{c.id.value}`) - {c.amendment.value.capitalize()} Amendment")
        w("")
        w(f"Standard: {t(c.standard)}. Authority: {cite_list(c.authorities)}.")
        w("")
        w("Elements:")
        for i, e in enumerate(c.elements, 1):
            w(f"{i}. {t(e)}")
        for n in c.notes:
            w(f"\n> Note: {t(n)}")
    w("")
    w("### Defendants")
    w("")
    w("| Role | Defendant | Suable | Qualified immunity | Basis | Authority |")
    w("|---|---|---|---|---|---|")
    for d in a.defendants:
        conf = "" if d.confidence.value == "confirmed" else f" (confidence: {d.confidence.value})"
        w(
            f"| {d.role.value} | {t(d.name)} | {'yes' if d.suable else 'no'} | "
            f"{d.qualified_immunity.value} | {t(d.liability_basis)}{conf} | "
            f"{cite_list(d.authorities)} |"
        )
    notes = [(d.name, n) for d in a.defendants for n in d.notes]
    for name, n in notes:
        w(f"\n> {t(name)}: {t(n)}")
    w("")
    w("### Deadlines")
    w("")
    w("| Claim | Accrues | Deadline | Days left | Period | Statute | Confidence |")
    w("|---|---|---|---|---|---|---|")
    federal = [d for d in a.deadlines if d.kind is DeadlineKind.STATUTE_OF_LIMITATIONS]
    for d in federal:
        w(
            f"| {d.claim.value} | {d.accrues_on.isoformat() if d.accrues_on else '-'}"
            f"{' (assumed)' if d.accrual_assumed else ''} | "
            f"{d.deadline.isoformat() if d.deadline else 'not computed'} | "
            f"{d.days_remaining if d.days_remaining is not None else '-'} | "
            f"{t(d.limitations_period)} | {t(d.statute)} | {d.confidence.value} |"
        )
    w("")
    for d in federal:
        extra = [f"accrual: {t(d.accrual_rule)}"]
        extra += [
            f"tolling ({r.kind.value}, {t(r.statute)}): {t(r.description)}" for r in d.tolling
        ]
        extra += [t(n) for n in d.notes]
        if d.alternative_deadline:
            extra.append(
                f"another reading ({t(d.alternative_statute or '')}) gives "
                f"{d.alternative_deadline.isoformat()}"
            )
        w(f"- `{d.claim.value}`: " + "; ".join(extra) + f" ({cite_list(d.authorities)})")
    w("")
    _state_claims(a, w)
    w("### Flags")
    w("")
    for f in a.flags:
        w(f"- [{f.severity.value}] **{f.code.value}**: {t(f.message)} ({cite_list(f.authorities)})")
    w("")
    w("### Municipal liability (Monell)")
    w("")
    w(f"{t(a.monell.reason)} ({cite_list(a.monell.authorities)})")
    for theory in a.monell.theories:
        w("")
        w(f"#### {t(theory.name)}")
        w("")
        w(f"Authority: {cite_list(theory.authorities)}.")
        w("")
        w("Elements:")
        for i, e in enumerate(theory.elements, 1):
            w(f"{i}. {t(e)}")
        w("")
        w("Evidence to gather:")
        for e in theory.evidence_to_gather:
            w(f"- {t(e)}")
    for section in registered():
        if sections and section.key in sections:
            w("")
            w(f"### {t(section.title)}")
            w("")
            w(section.markdown(sections[section.key]).rstrip())
    if sections and sections.get(OMITTED_KEY):
        w("")
        w("### Sections left out")
        w("")
        w(omitted_markdown(sections[OMITTED_KEY]))
    w("")
    w("### Authorities cited")
    w("")
    for auth in _all_authorities(a):
        v = auth.verification
        mark = "verified" if v.verified else f"UNVERIFIED ({v.status.value})"
        w(
            f"- {t(auth.cite)} *[{t(mark)}: {t(v.note)}; data confidence: "
            f"{auth.confidence.value}]* - {t(auth.proposition)}"
        )
    w("")
    w(f"*{t(a.disclaimer)}*")
    return "\n".join(out) + "\n"


def _state_claims(a: Assessment, w: Any) -> None:
    """State-law counts (issue 14): each with its notice and limitation rows; the statute is
    printed through its authority so that an unchecked one carries the mark."""
    if not a.state_claims:
        return
    w("### State-law claims and their shorter clocks")
    w("")
    w(
        "State notice-of-claim rules bind only the state-law claims, never § 1983: "
        f"{cite(next(x for d in a.deadlines for x in d.authorities if x.key == 'felder'))}."
        if any(x.key == "felder" for d in a.deadlines for x in d.authorities)
        else "State notice-of-claim rules bind only the state-law claims, never § 1983."
    )
    w("")
    for c in a.state_claims:
        w(f"#### {t(c.title)} (`{c.id.value}`) - {t(c.status)}")
        w("")
        w(f"- Rests on: {', '.join(x.value for x in c.from_conduct)}; against {t(c.against)}")
        if c.qualified_immunity:
            w(f"- Qualified immunity: {t(c.qualified_immunity)}")
        for x in c.immunities:
            w(f"- Immunities: {t(x)}")
        for x in c.caps:
            w(f"- Caps: {t(x)}")
        for d in c.deadlines:
            due = d.deadline.isoformat() if d.deadline else "not computed"
            left = f", {d.days_remaining} days left" if d.days_remaining is not None else ""
            whom = f", to {t(d.to_whom)}" if d.to_whom else ""
            how = f"; {t(d.computation)}" if d.computation else ""
            w(
                f"- {d.kind.value}: {due}{left} ({t(d.limitations_period)} from "
                f"{t(d.accrual_rule)}{whom}{how}; confidence {d.confidence.value}) - "
                f"{cite_list(d.authorities)}"
            )
            for n in d.notes:
                w(f"  - {t(n)}")
        for n in c.notes:
            w(f"- {t(n)}")
        w("")


def _all_authorities(a: Assessment) -> list[Authority]:
    seen: dict[str, Authority] = {}
    groups = [c.authorities for c in a.claims]
    groups += [d.authorities for d in a.defendants]
    groups += [d.authorities for d in a.deadlines]
    groups += [f.authorities for f in a.flags]
    groups += [a.monell.authorities] + [t.authorities for t in a.monell.theories]
    for g in groups:
        for auth in g:
            seen.setdefault(auth.key, auth)
    return sorted(seen.values(), key=lambda x: x.name)
