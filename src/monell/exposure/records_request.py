"""A public-records request that finds out who pays, generated from the incident.

When the payer registry has no row (or only unverified ones), the user can ask the agency
itself. The items requested are the ones that decide who pays and whether officers are
indemnified; the statute is named only where Monell's data has it, otherwise the request
invokes "your state's public-records law" generically rather than guess a citation.
"""

from __future__ import annotations

from monell.domain.models import Incident
from monell.domain.vocabulary import Confidence, GovernmentLevel
from monell.exposure.models import PublicRecordsLaw, RecordsRequest

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "the District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

# What decides who pays (coverage, fund, pool) and whether officers are covered (indemnity),
# plus what was paid before: the last item doubles as Monell "custom" evidence.
ITEMS = (
    "every policy of liability insurance (including excess and law-enforcement liability "
    "coverage) in force on {date}, with its declarations page, limits, deductible or "
    "self-insured retention",
    "the ordinance, resolution, budget line or other document establishing any "
    "self-insurance fund or reserve used to pay claims, judgments or settlements, and its "
    "balance for the fiscal year that includes {date}",
    "any agreement or record of membership in a public-entity risk pool or risk-management "
    "fund in force on {date}, with its coverage document",
    "any statute, ordinance, policy, collective-bargaining provision or agreement under which "
    "{agency} or its governing body defends or indemnifies its officers and employees against "
    "civil claims, including any provision on punitive damages",
    "a list of claims, judgments and settlements paid on account of {agency} officers from "
    "{since} to the date of this request, with the claimant, court and docket number, date "
    "paid, amount, and the fund or insurer that paid",
)


def build_request(
    incident: Incident, defendant: str, law: PublicRecordsLaw | None
) -> RecordsRequest:
    state_name = STATE_NAMES.get(incident.state.value, incident.state.value)
    level = incident.agency.level
    if level is GovernmentLevel.PRIVATE:
        return _not_drafted(incident, defendant)
    if level is GovernmentLevel.FEDERAL:
        # A federal agency answers under the Freedom of Information Act, not a state law.
        law = PublicRecordsLaw(
            state=incident.state,
            law="Freedom of Information Act",
            citation="5 U.S.C. § 552",
            confidence=Confidence.UNVERIFIED,
            sources="statute named from general knowledge; its text was not read here",
        )
    if law is not None:
        law_phrase = f"the {law.law} ({law.citation})"
        law_confidence = law.confidence
    else:
        law_phrase = f"the public-records law of {state_name} (your state's public-records law)"
        law_confidence = Confidence.UNVERIFIED
    agency = incident.agency.name
    date = incident.incident_date.isoformat()
    since = f"{incident.incident_date.year - 10}-01-01"
    items = tuple(i.format(date=date, agency=agency, since=since) for i in ITEMS)
    addressee = f"Custodian of Records, {agency}"
    if defendant != agency:
        addressee += f" (and {defendant})"
    lines = [
        f"To: {addressee}",
        "",
        f"Re: Public-records request under {law_phrase}",
        "",
        f"Under {law_phrase}, I request copies of the following records of {agency}"
        + (f" and {defendant}" if defendant != agency else "")
        + ":",
        "",
    ]
    lines += [f"{n}. {item}." for n, item in enumerate(items, start=1)]
    lines += [
        "",
        "Electronic copies are preferred. If any record is withheld in whole or in part, "
        "please cite the exemption relied on and release every segregable portion. Please "
        "tell me in advance if fees will exceed $25.",
        "",
        "Name: ____________________   Address or e-mail: ____________________   Date: ____________",
    ]
    if law is not None and law.citation == "5 U.S.C. § 552":
        lines += [
            "",
            "[check] Send this to the agency's FOIA office (each federal agency names one); "
            "a federal agency is not bound by a state public-records law.",
        ]
    if law is None:
        lines += [
            "",
            f"[check] Monell does not have {state_name}'s public-records statute: look up its "
            "name, citation and response deadline before sending.",
        ]
    elif law.confidence is not Confidence.CONFIRMED:
        lines += ["", f"[check] {law.citation}: {law.confidence.value}; {law.sources}."]
    return RecordsRequest(
        addressee=addressee,
        law=law_phrase,
        law_confidence=law_confidence,
        items=items,
        text="\n".join(lines),
    )


def _not_drafted(incident: Incident, defendant: str) -> RecordsRequest:
    """Public-records laws reach public bodies, not a private company: no request is drafted."""
    text = (
        f"No public-records request is drafted: {incident.agency.name} is a private party, and "
        "public-records laws reach government bodies only. Ask for its insurance and "
        "indemnity agreements in discovery, or request the contract and its insurance "
        "clauses from the government body that hired it."
    )
    return RecordsRequest(
        addressee="",
        law="none: a private party is not subject to public-records laws",
        law_confidence=Confidence.UNVERIFIED,
        items=(),
        text=text,
    )
