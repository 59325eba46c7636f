"""Factually similar precedent on a small index of opinions laid out as real ones are (caption,
author line, I. BACKGROUND, II. DISCUSSION): facts compared with facts, the landmark guard, the
date and court filters, and the "clearly established?" summary both ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monell.research.documents import ResearchDocument
from monell.research.index import PrecedentIndex, build_index
from monell.research.precedents import (
    NONE_FOUND,
    clearly_established,
    corpus_courts,
    similar_precedents,
)
from monell.research.similar import incident_case_facts, query_case_facts, similar_search


def opinion(facts: str, analysis: str) -> str:
    return (
        "UNITED STATES COURT OF APPEALS\n\nBefore: A, B and C, Circuit Judges.\n\n"
        "SMITH, Circuit Judge.\n\nI. BACKGROUND\n\n"
        + facts
        + " The district court entered judgment and this appeal followed.\n\n"
        "II. DISCUSSION\n\n" + analysis + "\n"
    )


TASER = opinion(
    "On a winter night Officer Jones stopped Rivera's car for speeding. Rivera stepped out, "
    "was handcuffed behind his back, and stood still; he was not resisting. Jones then tased "
    "him twice in drive-stun mode while another officer held his arm.",
    "Qualified immunity protects officers unless the law was clearly established. We hold "
    "that the officer violated his Fourth Amendment rights. Graham v. Connor governs excessive "
    "force claims and the force was excessive.",
)
# Words of the excessive-force doctrine everywhere in the analysis, no force in the facts.
LANDMARK = opinion(
    "Respondent, a civilian analyst at the Air Force, alleged that senior White House aides "
    "conspired to dismiss him in retaliation for testimony before Congress about cost "
    "overruns. Discovery followed and the aides moved for summary judgment.",
    "Excessive force, a taser, handcuffs and an arrestee who was not resisting are far from "
    "this case. Government officials performing discretionary functions are shielded from "
    "liability for civil damages unless their conduct violates clearly established rights.",
)
SCOTUS_FACTS = opinion(
    "The deputies arrested respondent after a traffic stop. Though he was handcuffed and not "
    "resisting, a deputy tased him in the back of the patrol car.",
    "We conclude that there was no constitutional violation.",
)
LATER = opinion(
    "Officers tased a handcuffed man who was not resisting during a traffic stop.",
    "We hold that the officers violated his Fourth Amendment rights.",
)
OTHER_CIRCUIT = opinion(
    "A trooper tased a handcuffed motorist who was not resisting after a traffic stop for "
    "speeding.",
    "We hold that the trooper violated his Fourth Amendment rights.",
)
UNRELATED = opinion(
    "The bank foreclosed on the mill after the borrower missed three payments. The borrower "
    "sued for breach of contract.",
    "We affirm the judgment for the bank.",
)

DOCS = [
    (1, "Rivera v. Jones", "ca1", dt.date(2005, 3, 1), TASER),
    (2, "Aides v. Analyst", "scotus", dt.date(1982, 6, 24), LANDMARK),
    (3, "Deputy v. Driver", "scotus", dt.date(1995, 1, 10), SCOTUS_FACTS),
    (4, "Later v. Officer", "ca1", dt.date(2012, 5, 1), LATER),
    (5, "Motorist v. Trooper", "ca2", dt.date(2004, 9, 9), OTHER_CIRCUIT),
    (6, "Mill v. Bank", "ca1", dt.date(2001, 2, 2), UNRELATED),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    folder = tmp_path_factory.mktemp("similar") / "index"
    docs = [
        ResearchDocument(i, name, court, date, "Published", (), text)
        for i, name, court, date, text in DOCS
    ]
    # The doctrine landmark is what every opinion cites: the citation graph says so.
    build_index(folder, docs, None, fingerprint="t", cites={1: [2], 3: [2], 4: [2, 1], 5: [2]})
    return PrecedentIndex(folder)


NARRATIVE = (
    "He was stopped for speeding. The officer handcuffed him and, although he was not "
    "resisting, tased him twice."
)


def test_facts_are_stored_per_opinion(index: PrecedentIndex) -> None:
    meta = index.meta(1)
    assert meta is not None
    assert {"taser", "handcuffed", "not_resisting", "traffic_stop"} <= set(meta["facts"])
    assert "violated his Fourth Amendment rights" in str(meta["violation"]["sentence"])
    assert meta["violation"]["value"] == "violation"
    assert "Graham" not in str(meta["facts_section"])  # the analysis is not the facts
    assert index.fact_stats["df"]["taser"] == 4


def test_similar_list_compares_facts_and_guards_against_landmarks(index: PrecedentIndex) -> None:
    case = incident_case_facts(NARRATIVE, ["excessive_force"], "arrested", "none")
    assert {"taser", "handcuffed", "not_resisting", "traffic_stop", "arrest", "force_used"} <= set(
        case.facts
    )
    hits = similar_search(
        index, case, courts=["scotus", "ca1", "ca2"], decided_before=dt.date(2010, 1, 1)
    )
    ids = [h.opinion_id for h in hits]
    assert 2 not in ids  # the doctrine landmark shares no fact of its own
    assert 4 not in ids  # decided after the incident
    assert 6 not in ids  # shares nothing
    assert set(ids) == {1, 3, 5}
    # Closest facts first: the deputies' case states every fact of the incident, the arrest too.
    assert ids[0] == 3
    rivera = next(h for h in hits if h.opinion_id == 1)
    assert {"taser", "handcuffed", "not_resisting", "traffic_stop"} <= set(rivera.shared)
    unguarded = similar_search(
        index,
        query_case_facts("excessive force taser handcuffs not resisting"),
        courts=["scotus"],
        decided_before=dt.date(2010, 1, 1),
        landmark_guard=False,
    )
    guarded = similar_search(
        index,
        query_case_facts("excessive force taser handcuffs not resisting"),
        courts=["scotus"],
        decided_before=dt.date(2010, 1, 1),
    )
    assert 2 not in {h.opinion_id for h in unguarded} | {h.opinion_id for h in guarded}
    assert {h.opinion_id for h in guarded} == {3}


def test_no_facts_no_list() -> None:
    assert query_case_facts("the meaning of section 1988 fees").facts == {}


def test_clearly_established_summary_both_ways(index: PrecedentIndex) -> None:
    case = incident_case_facts(NARRATIVE, ["excessive_force"], "arrested", "none")
    counts = corpus_courts(index)
    assert counts == {"ca1": 3, "ca2": 1, "scotus": 2}

    def summary(before: dt.date) -> dict:
        hits = similar_search(index, case, courts=["scotus", "ca1", "ca2"], decided_before=before)
        found = similar_precedents(hits, case, circuit="ca1", incident_date=before, cite_index=None)
        by_id = {p.opinion_id: p for p in found}
        if 5 in by_id:
            assert by_id[5].weight == "persuasive" and not by_id[5].binding
        return clearly_established(found, decided_before=before, courts=counts, corpus_opinions=6)

    found = summary(dt.date(2010, 1, 1))
    assert found["answer"] == "binding_precedent_found"
    assert [p["case_name"] for p in found["precedents"]] == ["Rivera v. Jones"]
    assert "taser" in found["precedents"][0]["shared_facts"]
    # Before Rivera was decided: the only binding opinion on these facts found no violation.
    none = summary(dt.date(2005, 1, 1))
    assert none["answer"] == "none_found" and none["precedents"] == []
    assert none["statement"].startswith(NONE_FOUND)
    assert "6 opinions: ca1 3, ca2 1, scotus 2" in none["statement"]


# Clearly-established votes: the closest earlier case on the facts, and whom it relied on.
VOTER = opinion(
    "Officer Grant stopped Lee's car for a broken tail light, handcuffed him and, though he "
    "was not resisting, tased him three times.",
    "Qualified immunity does not protect Grant. The right of a handcuffed arrestee who is "
    "not resisting to be free of a taser was clearly established. See Bee v. Ward, 123 F.3d "
    "456, 460 (1st Cir. 1998). We hold that Grant violated Lee's Fourth Amendment rights.",
)
RELIED = opinion(
    "Guards struck a prisoner who lay handcuffed on the floor of his cell and was not resisting.",
    "We hold that the guards violated his Eighth Amendment rights.",
)
PLAIN = opinion(
    "Officers struck a handcuffed man who was not resisting in the station's booking room.",
    "We affirm the judgment on the jury's verdict.",
)
VOTE_DOCS = [
    (11, "Lee v. Grant", "ca1", dt.date(2003, 4, 1), VOTER, ()),
    (12, "Bee v. Ward", "ca1", dt.date(1998, 2, 2), RELIED, ("123 F.3d 456",)),
    (13, "Cole v. Dunn", "ca1", dt.date(1999, 7, 7), PLAIN, ("150 F.3d 10",)),
]


@pytest.fixture(scope="module")
def voting(tmp_path_factory: pytest.TempPathFactory) -> PrecedentIndex:
    folder = tmp_path_factory.mktemp("votes") / "index"
    docs = [
        ResearchDocument(i, name, court, date, "Published", cites, text)
        for i, name, court, date, text, cites in VOTE_DOCS
    ]
    build_index(folder, docs, None, fingerprint="t", cites={11: [12]})
    return PrecedentIndex(folder)


def test_index_stores_whom_an_opinion_relied_on_for_clearly_established_law(
    voting: PrecedentIndex,
) -> None:
    import numpy as np

    cited, owner = voting.established_each(np.array([11, 12, 13]))
    assert cited.tolist() == [12] and owner.tolist() == [0]


def test_earlier_fact_alike_opinions_vote_for_their_precedents(voting: PrecedentIndex) -> None:
    case = incident_case_facts(NARRATIVE, ["excessive_force"], "arrested", "none")
    before = dt.date(2010, 1, 1)
    hits = similar_search(voting, case, courts=["ca1"], decided_before=before)
    bee = next(h for h in hits if h.opinion_id == 12)
    assert bee.votes > 0
    assert [r.case_name for r in bee.relied_on_by] == ["Lee v. Grant"]
    # The vote lifts Bee (relied on) above Cole (the same overlap of facts, relied on by none).
    order = [h.opinion_id for h in hits]
    assert order.index(12) < order.index(13)
    unvoted = similar_search(voting, case, courts=["ca1"], decided_before=before, vote_weight=0)
    assert next(h for h in unvoted if h.opinion_id == 12).similarity < bee.similarity
    plain = [h.opinion_id for h in unvoted]
    assert plain.index(13) < plain.index(12)  # without the vote, the booking room is closer
    # Before Lee v. Grant was decided it cannot vote: nothing a lawyer could have read then.
    early = similar_search(voting, case, courts=["ca1"], decided_before=dt.date(2002, 1, 1))
    assert all(h.votes == 0 and not h.relied_on_by for h in early)
    found = similar_precedents(hits, case, circuit="ca1", incident_date=before, cite_index=None)
    listed = next(p for p in found if p.opinion_id == 12)
    assert listed.relied_on_by[0]["case_name"] == "Lee v. Grant"
    assert "cited on clearly established law by 1 earlier opinion with similar facts" in listed.why
    assert "Lee v. Grant (ca1, 2003-04-01)" in listed.why


def test_a_landmark_is_counted_over_the_whole_corpus(tmp_path: Path) -> None:
    from monell.research.similar import landmark_ids

    from .conftest import graph_index

    opinions = [
        (1, "scotus", dt.date(1980, 1, 1), "landmark"),
        (2, "scotus", dt.date(1981, 1, 1), "cited twice"),
    ] + [(i, "ca1", dt.date(1990 + i, 1, 1), f"citer {i}") for i in range(3, 9)]
    cites = {i: [1] for i in range(3, 9)} | {3: [1, 2], 4: [1, 2]}
    index = graph_index(tmp_path / "ix", opinions, cites)
    # 6 citers of 8 opinions (>= 5 and >= 1%); 2 citers are not enough.
    assert landmark_ids(index, [1, 2]) == {1}
    assert landmark_ids(index, []) == set()
