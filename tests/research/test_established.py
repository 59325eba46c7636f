"""Whom an opinion relies on for clearly established law (`research/established.py`): the
citations of its "clearly established" sentences, read off real opinions of the shared sample,
and pin cites resolved to the opinion they fall in."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from monell.research.established import (
    MAX_PIN_SPAN,
    CiteResolver,
    established_cites,
    parse_citation,
)

from .conftest import sample_text


def test_plumhoff_relies_on_brosseau(shared_opinions: Path) -> None:
    # "We think our decision in Brosseau v. Haugen, 543 U. S. 194 (2004) (per curiam)
    # squarely demonstrates that no clearly established law precluded petitioners' conduct"
    text = sample_text(shared_opinions, "scotus.jsonl", "Plumhoff v. Rickard")
    assert ("543", "U.S.", 194, False) in established_cites(text)


def test_the_citation_sentence_after_the_proposition_counts(shared_opinions: Path) -> None:
    # White v. Pauly: "For that reason, we have held that Garner and Graham do not by
    # themselves create clearly established law outside 'an obvious case.'" — the authority
    # follows in a sentence of its own: "Brosseau v. Haugen, 543 U. S. 194, 199 (2004)".
    text = sample_text(shared_opinions, "scotus.jsonl", "White v. Pauly")
    cites = established_cites(text)
    assert ("543", "U.S.", 194, False) in cites
    # "'clearly established law' should not be defined 'at a high level of generality.'"
    # Ashcroft v. al-Kidd, 563 U. S. 731 — a statement of the doctrine, which the
    # doctrine-free reading leaves out.
    assert ("563", "U.S.", 731, False) in cites
    assert ("563", "U.S.", 731, False) not in established_cites(text, doctrine=False)


def test_habeas_clearly_established_federal_law_is_not_qualified_immunity() -> None:
    text = (
        "The state court's decision was not contrary to clearly established Federal law, as "
        "determined by the Supreme Court, Williams v. Taylor, 529 U.S. 362, 412 (2000). "
        "The officers violated no clearly established right. See Brosseau v. Haugen, 543 "
        "U.S. 194, 198 (2004)."
    )
    assert established_cites(text) == [("543", "U.S.", 194, False)]
    assert established_cites("No mention of the standard. 543 U.S. 194.") == []


def test_pin_cite_resolves_to_the_opinion_it_falls_in() -> None:
    # Nixon v. Fitzgerald (457 U.S. 731) and Harlow v. Fitzgerald (457 U.S. 800) share a
    # volume: "457 U. S., at 818" is Harlow, "457 U.S. at 750" is Nixon.
    resolver = CiteResolver({1: ["457 U.S. 731"], 2: ["457 U.S. 800"], 3: ["543 U.S. 194"]})
    assert resolver.resolve(established_cites("clearly established. 457 U. S., at 818.")) == {2}
    assert resolver.resolve([("457", "U.S.", 750)]) == {1}
    assert resolver.resolve([("457", "U.S.", 800)]) == {2}
    assert resolver.resolve([("457", "U.S.", 700)]) == set()  # before either opinion
    assert resolver.resolve([("457", "U.S.", 800 + MAX_PIN_SPAN + 1)]) == set()
    assert resolver.resolve([("12", "F.3d", 5)]) == set()


def test_a_full_cite_names_a_first_page_never_an_earlier_opinion() -> None:
    """Brosseau (543 U. S. 194) absent from the corpus: its full cite must not be given to
    another opinion the citing court cites that starts earlier in the volume."""
    resolver = CiteResolver({7: ["543 U.S. 100"], 3: ["457 U.S. 800"]})
    cites = established_cites("The law was clearly established. See Brosseau, 543 U. S. 194.")
    assert cites == [("543", "U.S.", 194, False)]
    assert resolver.resolve(cites) == set()
    # as a pin cite ("543 U. S., at 194") the page does fall inside the earlier opinion
    assert resolver.resolve(established_cites("clearly established. 543 U. S., at 194.")) == {7}


def test_justias_pin_cite_form_resolves_to_the_page_it_names() -> None:
    """Justia repeats the volume: "457 U.S. at 457 U. S. 818" is page 818, not page 457."""
    resolver = CiteResolver({1: ["457 U.S. 410"], 2: ["457 U.S. 800"]})
    text = "The right was clearly established. See Harlow, 457 U.S. at 457 U. S. 818. Next."
    assert established_cites(text) == [("457", "U.S.", 818, True)]
    assert resolver.resolve(established_cites(text)) == {2}
    assert parse_citation("457 U.S. 800") == ("457", "U.S.", 800)
    assert parse_citation("457 U.S., at 818") is None  # a pin is not an opinion's own cite


@given(
    firsts=st.lists(st.integers(1, 2000), min_size=1, max_size=12, unique=True),
    page=st.integers(1, 2400),
)
def test_resolution_picks_the_nearest_first_page_at_or_before(firsts: list[int], page: int) -> None:
    resolver = CiteResolver({i: [f"100 F.3d {p}"] for i, p in enumerate(firsts)})
    found = resolver.resolve([("100", "F.3d", page)])
    before = [p for p in firsts if p <= page]
    if not before or page - max(before) > MAX_PIN_SPAN:
        assert found == set()
    else:
        assert found == {firsts.index(max(before))}


def test_index_stores_whom_real_opinions_relied_on(shared_opinions: Path, tmp_path: Path) -> None:
    """The priority sample indexed with the graph edges eyecite finds there between these
    three decisions: Plumhoff v. Rickard (2014) and White v. Pauly (2017) cite Brosseau v.
    Haugen (2004) on clearly established law; Brosseau's own separate writings do not count."""
    import numpy as np

    from monell.research.documents import documents_from_jsonl
    from monell.research.index import PrecedentIndex, build_index

    docs = list(documents_from_jsonl([shared_opinions / "scotus.jsonl"]))
    court = {d.case_name: d.opinion_id for d in docs if d.speaks_for_court}
    brosseau, plumhoff, white = (
        court[n] for n in ("Brosseau v. Haugen", "Plumhoff v. Rickard", "White v. Pauly")
    )
    build_index(
        tmp_path / "ix",
        docs,
        None,
        fingerprint="t",
        cites={plumhoff: [brosseau], white: [brosseau]},
    )
    index = PrecedentIndex(tmp_path / "ix")
    cited, owner = index.established_each(np.array([plumhoff, white, brosseau]))
    assert sorted(zip(owner.tolist(), cited.tolist(), strict=True)) == [
        (0, brosseau),
        (1, brosseau),
    ]


def test_a_pin_cite_goes_to_the_case_the_opinion_cited_in_full() -> None:
    """ "457 U. S., at 818" after "Harlow v. Fitzgerald, 457 U. S. 800": Harlow, and nobody
    else when Harlow is not in the corpus — not Nixon v. Fitzgerald (457 U. S. 731), which
    the opinion also cites and which starts before page 818."""
    text = (
        "See Nixon v. Fitzgerald, 457 U. S. 731 (1982); Harlow v. Fitzgerald, 457 U. S. 800 "
        "(1982). The right was clearly established. 457 U. S., at 818."
    )
    cites = established_cites(text)
    assert cites == [("457", "U.S.", 800, False)]
    assert CiteResolver({1: ["457 U.S. 731"]}).resolve(cites) == set()
    assert CiteResolver({1: ["457 U.S. 731"], 2: ["457 U.S. 800"]}).resolve(cites) == {2}
    # Justia's parallel pin ("457 U. S. 800, 457 U. S. 818") is not a case starting at 818
    justia = text.replace("457 U. S. 800 (1982)", "457 U. S. 800, 457 U. S. 818 (1982)")
    assert established_cites(justia) == [("457", "U.S.", 800, False)]
    # no full cite in the text: the pin is resolved into the opinion it falls in
    assert established_cites("clearly established. 457 U. S., at 818.") == [
        ("457", "U.S.", 818, True)
    ]
