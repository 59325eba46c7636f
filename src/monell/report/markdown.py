"""The memo: a plain-language summary for the person, then the analysis for the lawyer.

Authorities are cited in the usual form; any citation that did not verify against the corpus
carries a visible mark and the reason, so nothing unchecked passes as checked.
"""

from __future__ import annotations

from typing import Any

from monell.domain.models import Assessment, Authority
from monell.report.sections import registered

UNVERIFIED_MARK = "[unverified]"


def cite(a: Authority) -> str:
    text = a.cite
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
    place = ", ".join(x for x in (inc.city, inc.county, j.state_name) if x)
    w(f"# § 1983 assessment: {inc.agency.name}, {inc.incident_date.isoformat()}")
    w("")
    w(f"*Evaluated on {a.evaluated_on.isoformat()} · {place}*")
    w("")
    w("## In plain words")
    w("")
    for line in a.summary:
        w(f"- {line}")
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
            w(f"- **{f.code.value}**: {f.message} ({cite_list(f.authorities)})")
        w("")
    w("### Court")
    w("")
    w(f"- Circuit: {j.circuit_name} (`{j.circuit}`)")
    if j.district:
        w(f"- District: {j.district_name} (`{j.district}`) - {j.district_basis}")
    else:
        w(f"- District: unknown - {j.district_basis}; candidates: {', '.join(j.districts)}")
    w(f"- Confidence: {j.confidence.value}; sources: {'; '.join(j.sources)}")
    w("")
    w("### Claims")
    for c in a.claims:
        w("")
        w(f"#### {c.title} (`{c.id.value}`) - {c.amendment.value.capitalize()} Amendment")
        w("")
        w(f"Standard: {c.standard}. Authority: {cite_list(c.authorities)}.")
        w("")
        w("Elements:")
        for i, e in enumerate(c.elements, 1):
            w(f"{i}. {e}")
        for n in c.notes:
            w(f"\n> Note: {n}")
    w("")
    w("### Defendants")
    w("")
    w("| Role | Defendant | Suable | Qualified immunity | Basis | Authority |")
    w("|---|---|---|---|---|---|")
    for d in a.defendants:
        conf = "" if d.confidence.value == "confirmed" else f" (confidence: {d.confidence.value})"
        w(
            f"| {d.role.value} | {d.name} | {'yes' if d.suable else 'no'} | "
            f"{d.qualified_immunity.value} | {d.liability_basis}{conf} | "
            f"{cite_list(d.authorities)} |"
        )
    notes = [(d.name, n) for d in a.defendants for n in d.notes]
    for name, n in notes:
        w(f"\n> {name}: {n}")
    w("")
    w("### Deadlines")
    w("")
    w("| Claim | Accrues | Deadline | Days left | Period | Statute | Confidence |")
    w("|---|---|---|---|---|---|---|")
    for d in a.deadlines:
        w(
            f"| {d.claim.value} | {d.accrues_on.isoformat() if d.accrues_on else '-'}"
            f"{' (assumed)' if d.accrual_assumed else ''} | "
            f"{d.deadline.isoformat() if d.deadline else 'not computed'} | "
            f"{d.days_remaining if d.days_remaining is not None else '-'} | "
            f"{d.limitations_period} | {d.statute} | {d.confidence.value} |"
        )
    w("")
    for d in a.deadlines:
        extra = [f"accrual: {d.accrual_rule}"]
        extra += [f"tolling ({t.kind.value}, {t.statute}): {t.description}" for t in d.tolling]
        extra += list(d.notes)
        w(f"- `{d.claim.value}`: " + "; ".join(extra) + f" ({cite_list(d.authorities)})")
    w("")
    w("### Flags")
    w("")
    for f in a.flags:
        w(f"- [{f.severity.value}] **{f.code.value}**: {f.message} ({cite_list(f.authorities)})")
    w("")
    w("### Municipal liability (Monell)")
    w("")
    w(f"{a.monell.reason} ({cite_list(a.monell.authorities)})")
    for t in a.monell.theories:
        w("")
        w(f"#### {t.name}")
        w("")
        w(f"Authority: {cite_list(t.authorities)}.")
        w("")
        w("Elements:")
        for i, e in enumerate(t.elements, 1):
            w(f"{i}. {e}")
        w("")
        w("Evidence to gather:")
        for e in t.evidence_to_gather:
            w(f"- {e}")
    for section in registered():
        if sections and section.key in sections:
            w("")
            w(f"### {section.title}")
            w("")
            w(section.markdown(sections[section.key]).rstrip())
    w("")
    w("### Authorities cited")
    w("")
    for auth in _all_authorities(a):
        v = auth.verification
        mark = "verified" if v.verified else f"UNVERIFIED ({v.status.value})"
        w(
            f"- {auth.cite} *[{mark}: {v.note}; data confidence: {auth.confidence.value}]* - "
            f"{auth.proposition}"
        )
    w("")
    w(f"*{a.disclaimer}*")
    return "\n".join(out) + "\n"


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
