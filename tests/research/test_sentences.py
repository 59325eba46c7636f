from __future__ import annotations

import pytest

from monell.research.sentences import normalise, passages, sentences

# (text, expected sentences) — citation periods must not end a sentence.
CASES = [
    (
        "See Graham v. Connor, 490 U. S. 386, 396 (1989). We reverse.",
        ["See Graham v. Connor, 490 U. S. 386, 396 (1989).", "We reverse."],
    ),
    (
        "Harlow v. Fitzgerald, 457 U.S. 800, 818 (1982). Held: A municipality has no immunity.",
        [
            "Harlow v. Fitzgerald, 457 U.S. 800, 818 (1982).",
            "Held: A municipality has no immunity.",
        ],
    ),
    (
        "Page 436 U. S. 695\nThe officers\nwere entitled to immunity.  Affirmed.",
        ["The officers were entitled to immunity.", "Affirmed."],
    ),
    (
        "Brosseau v. Haugen, 543 U. S. 194 (2004) (per curiam).",
        ["Brosseau v. Haugen, 543 U. S. 194 (2004) (per curiam)."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences_split_at_sentence_ends_only(text: str, expected: list[str]) -> None:
    assert list(sentences(text)) == expected


def test_passages_keep_whole_sentences_and_cover_the_text() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(100))
    got = passages(text, words=40)
    assert len(got) > 5
    assert all(p.text.endswith(".") for p in got)
    assert " ".join(p.text for p in got) == normalise(text)
    assert [p.index for p in got] == list(range(len(got)))
