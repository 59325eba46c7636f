"""Facts sections cut from real opinions of the shared sample, and the citation stripping the
evaluation queries go through. Each case says where its facts end in the opinion itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.research.segment import MAX_WORDS, OPENING_WORDS, facts_section, strip_citations
from tests.research.conftest import sample_text

# (file, case, method, words the facts section states, words of the analysis it must not hold)
CASES = [
    # "I. Background … A. Facts" up to "II. Qualified Immunity" (ca1 2010).
    (
        "ca1_1983.jsonl",
        "Raiche v. Pietroski",
        "heading",
        ["driving his motorcycle without a helmet", "led them on a chase"],
        ["We will first address Pietroski's argument", "review de novo"],
    ),
    # Bare "I" up to "II" (the White House aides; no force at all).
    (
        "scotus.jsonl",
        "Harlow v. Fitzgerald",
        "section_i",
        ["senior White House aides"],
        ["our decisions consistently have held that government officials are entitled"],
    ),
    (
        "scotus.jsonl",
        "Tennessee v. Garner",
        "section_i",
        ['"prowler inside call."', "Edward Garner, stopped at a 6-feet-high chain link fence"],
        ["Whenever an officer restrains the freedom of a person to walk away"],
    ),
    # No headings: the opening, the court's "We hold …" summary of itself skipped.
    (
        "scotus.jsonl",
        "Graham v. Connor",
        "opening",
        ["Graham, a diabetic, felt the onset of an insulin reaction"],
        ["We hold that such claims are properly analyzed", "Syllabus"],
    ),
    (
        "ca1_1983.jsonl",
        "Statchen v. Palmer",
        "opening",
        ["In June 2007, Carl Statchen struggled with two police officers"],
        ["HOWARD, Circuit Judge", "Before"],
    ),
]


@pytest.mark.parametrize(("file", "case", "method", "inside", "outside"), CASES)
def test_facts_section_of_a_real_opinion(
    shared_opinions: Path, file: str, case: str, method: str, inside: list[str], outside: list[str]
) -> None:
    section = facts_section(sample_text(shared_opinions, file, case))
    assert section.method == method
    for words in inside:
        assert words in section.text, words
    for words in outside:
        assert words not in section.text, words
    assert 40 <= section.words <= MAX_WORDS


def test_sections_are_bounded_on_the_whole_sample(shared_opinions: Path) -> None:
    import json

    methods: dict[str, int] = {}
    with (shared_opinions / "ca1_1983.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            section = facts_section(json.loads(line)["text"])
            methods[section.method] = methods.get(section.method, 0) + 1
            assert section.words <= MAX_WORDS
            if section.method == "opening":
                assert section.words <= OPENING_WORDS
    # Most First Circuit opinions have a heading or a part I to cut at (measured: 62 of 104).
    assert methods.get("heading", 0) + methods.get("section_i", 0) > 50


def test_strip_citations_removes_cites_names_and_ids() -> None:
    text = (
        "The officer tased him. See Graham v. Connor, 490 U.S. 386, 396 (1989); "
        "Parker v. Gerrish, 547 F.3d 1, 9-10 (1st Cir. 2008). Id. at 12. He was handcuffed."
    )
    out = strip_citations(text)
    assert "490" not in out and "547 F.3d" not in out and "Graham" not in out
    assert "Gerrish" not in out and "Id." not in out
    assert out.startswith("The officer tased him.") and out.endswith("He was handcuffed.")


@given(st.text(max_size=2000))
def test_any_text_segments(text: str) -> None:
    section = facts_section(text)
    assert section.method in {"heading", "section_i", "opening"}
    assert section.words <= MAX_WORDS
