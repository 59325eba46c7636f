"""Conflict check before a lead is accepted: the person, the officers and the agency against
every party of every earlier lead, by normalised name and fuzzy match (rapidfuzz).

Names are encrypted at rest, so the check decrypts the parties in memory for the comparison
and stores nothing in clear; a firm's intake volume (thousands of leads) fits easily.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from monell.web.cases.models import Lead

THRESHOLD = 85  # token-sort ratio, 0-100: catches "Doe, A." vs "A. Doe", spares "Dow"
_TITLES = {
    "officer", "ofc", "off", "sgt", "sergeant", "det", "detective", "lt", "lieutenant",
    "capt", "captain", "cpl", "corporal", "deputy", "dep", "trooper", "agent", "chief",
    "sheriff", "mr", "mrs", "ms", "dr", "jr", "sr", "ii", "iii",
}  # fmt: skip


@dataclass(frozen=True)
class Party:
    role: str  # client, officer, agency
    name: str
    lead_id: str
    lead_reference: str


@dataclass(frozen=True)
class Hit:
    party: Party  # in this lead
    matched: Party  # in an earlier lead
    score: float


def normalise(name: str) -> str:
    """Lower case, accents and punctuation off, titles dropped, words sorted by the scorer."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in _TITLES)


def parties_of(lead: Lead) -> Iterator[Party]:
    ref, lead_id = lead.reference, str(lead.id)
    name = (lead.contact or {}).get("name")
    if name:
        yield Party("client", str(name), lead_id, ref)
    answers = lead.answers or {}
    for officer in answers.get("officers") or []:
        if isinstance(officer, dict) and officer.get("name"):
            yield Party("officer", str(officer["name"]), lead_id, ref)
    agency = answers.get("agency")
    if isinstance(agency, dict) and agency.get("name"):
        yield Party("agency", str(agency["name"]), lead_id, ref)


def check(lead: Lead, others: Iterable[Lead] | None = None) -> list[Hit]:
    mine = [p for p in parties_of(lead) if normalise(p.name)]
    pool = others if others is not None else Lead.objects.exclude(pk=lead.pk)
    hits: list[Hit] = []
    for other in pool:
        for theirs in parties_of(other):
            key = normalise(theirs.name)
            if not key:
                continue
            for party in mine:
                score = fuzz.token_sort_ratio(normalise(party.name), key)
                if score >= THRESHOLD:
                    hits.append(Hit(party, theirs, round(score, 1)))
    return sorted(hits, key=lambda h: (-h.score, h.matched.lead_reference))
