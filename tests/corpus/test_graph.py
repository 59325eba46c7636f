"""Citation graph: eyecite extraction, resolution to the cited cluster's main opinion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monell.corpus.graph import extract_cites, link_pending, tokenizer
from monell.corpus.ingest_jsonl import load_jsonl
from monell.corpus.records import derived_id, normalize_cite, split_cite
from monell.corpus.store import CorpusStore

from .conftest import SHARED_OPINIONS

DEFAULT = tokenizer("default")  # Hyperscan's one-off compile is for real loads, not tests


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Justia's spacing in the sample ("436 U. S. 658") is canonicalised.
        (
            "Monell v. New York City Dept. of Social Services,\n436 U. S. 658,\n436 U. S. 694",
            {"436 U.S. 658": 1, "436 U.S. 694": 1},
        ),
        (
            "Terry v. Ohio, 392 U. S. 1 (1968), and Tennessee v. Garner, 471 U. S. 1 (1985)",
            {"392 U.S. 1": 1, "471 U.S. 1": 1},
        ),
        ("607 F.3d 261; id. at 265; 607 F.3d, at 266", {"607 F.3d 261": 1}),  # short cites skipped
        ("98 S.Ct. 2018 and 98 S. Ct. 2018", {"98 S. Ct. 2018": 2}),
        ("No citations here, only § 1983.", {}),
        # Justia's no-break space ("U.\u00a0S."), which Hyperscan's byte patterns would miss.
        ("Tennessee v. Garner, 471 U.\u00a0S. 1, 8 (1985)", {"471 U.S. 1": 1}),
        # A law review or the Statutes at Large is not a case: no graph edge.
        ("the Civil Rights Act of 1871, 17 Stat. 13, the precursor of § 1983", {}),
        ("Schwartz, Police Indemnification, 89 N. Y. U. L.\u00a0Rev. 885 (2014)", {}),
    ],
)
def test_extract_full_citations(text, expected):
    assert dict(extract_cites(text, DEFAULT)) == expected


def test_sample_texts_link_to_the_cases_they_cite(engine, tmp_path):
    wanted = {"scotus-436-u-s-658", "scotus-471-u-s-1", "scotus-489-u-s-378"}
    lines = [
        line
        for line in (SHARED_OPINIONS / "scotus.jsonl").read_text().splitlines()
        if json.loads(line)["id"] in wanted
    ]
    subset = tmp_path / "subset.jsonl"
    subset.write_text("\n".join(lines) + "\n")
    load_jsonl(engine, subset)
    report = link_pending(engine, tok=DEFAULT)
    assert report.opinions_scanned == 3
    store = CorpusStore(engine)
    monell, garner, canton = (
        derived_id("opinion", i)
        for i in ("scotus-436-u-s-658", "scotus-471-u-s-1", "scotus-489-u-s-378")
    )
    # Garner and City of Canton both cite Monell (436 U. S. 658); Monell cites neither.
    assert store.cited_by(monell) == sorted([garner, canton])
    assert store.cites(monell) == []
    assert link_pending(engine, tok=DEFAULT).opinions_scanned == 0  # nothing left to do


_reporter = st.sampled_from(["U.S.", "U. S.", "F.3d", "F. 3d", "S. Ct.", "S.Ct.", "L. Ed. 2d"])


@given(st.integers(1, 999), _reporter, st.integers(1, 9999), st.sampled_from([" ", "  ", "\n"]))
def test_normalize_cite_is_canonical_and_idempotent(volume, reporter, page, gap):
    key = normalize_cite(str(volume).zfill(3), f"{gap}{reporter}{gap}", f"{gap}{page}")
    assert "  " not in key and "\n" not in key
    assert key == normalize_cite(*split_cite(key))
    assert key.split(" ", 1)[0] == str(volume)
