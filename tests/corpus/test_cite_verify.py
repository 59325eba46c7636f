"""`monell cite verify`: found / mismatch / not_in_corpus / invalid on real citations."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from courts_db import courts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monell.cli.main import cli
from monell.corpus.ingest_bulk import load_file, order_files
from monell.law import verify_text as verify_text_module
from monell.law.citation_tokens import (
    EYECITE_ORIGINALS,
    _court_by_paren,
    citation_tokenizer,
    fast_court_lookup,
)
from monell.law.verify import ChainedIndex, authority_index, bundled_index, names_agree
from monell.law.verify_text import NAME_WINDOW, _Spans, find_citations, verify_text

from .conftest import FIXTURES

# (text, status, case_name reported, date_filed reported, expected_citation)
CASES = [
    # Monell, from scotus.jsonl: the case the tool is named after.
    (
        "Monell v. Department of Social Services, 436 U.S. 658 (1978)",
        "found",
        "Monell v. Department of Soc. Svcs.",
        "1978-06-06",
        None,
    ),
    (
        "See Kentucky v. Graham, 473 U.S. 159, 165 (1985).",
        "found",
        "Kentucky v. Graham",
        "1985-06-28",
        None,
    ),
    # The example: Graham is 490 U.S. 386, so 491 is wrong though nothing is there.
    (
        "Graham v. Connor, 491 U.S. 386 (1989)",
        "mismatch",
        "Graham v. Connor",
        "1989-05-15",
        "490 U.S. 386",
    ),
    # Right cite, wrong name: 490 U.S. 386 is Graham, not Garner (471 U.S. 1).
    (
        "Tennessee v. Garner, 490 U.S. 386 (1989)",
        "mismatch",
        "Graham v. Connor",
        "1989-05-15",
        "471 U.S. 1",
    ),
    # A real case the sample does not hold.
    ("Brown v. Board of Education, 347 U.S. 483 (1954)", "not_in_corpus", None, None, None),
    ("Smith v. Jones, 123 Fake Rptr. 456 (1999)", "invalid", None, None, None),
    # U.S. Reports began in 1875 (reporters-db): an 1800 decision cannot be in it.
    ("Doe v. Roe, 999 U.S. 1 (1800)", "invalid", None, None, None),
]


@pytest.mark.parametrize(("text", "status", "case_name", "date_filed", "expected"), CASES)
def test_each_status_on_real_citations(text, status, case_name, date_filed, expected):
    [result] = verify_text(text, bundled_index(), (authority_index(),))
    got = (
        str(result.check.status),
        result.check.case_name,
        result.check.date_filed,
        result.expected_citation,
    )
    assert got == (status, case_name, date_filed, expected), result.check.note


def test_names_and_years_are_read_from_the_text():
    text = (
        "Monell v. Department of Social Services, 436 U.S. 658 (1978). Graham v. Connor, "
        "491 U.S. 386, 395 (1989); see also Tennessee v. Garner, 471 U.S. 1 (1985)."
    )
    found = [(c.text, c.case_name, c.year) for c in find_citations(text)]
    assert found == [
        ("436 U.S. 658", "Monell v. Department of Social Services", 1978),
        ("491 U.S. 386", "Graham v. Connor", 1989),
        ("471 U.S. 1", "Tennessee v. Garner", 1985),
    ]


def test_statutes_and_law_reviews_are_not_case_citations():
    text = (
        "Under 42 U.S.C. 1983 (2018) and 42 U.S.C. § 1983; see 89 N.Y.U. L. Rev. 885 "
        "(2014); Monell v. Department of Social Services, 436 U.S. 658, 690 (1978); "
        "id. at 694."
    )
    assert [c.text for c in find_citations(text)] == ["436 U.S. 658"]


def test_names_agree_needs_both_sides():
    assert names_agree("Graham v. Connor", "Graham v. Connor, et al.")
    assert not names_agree("Graham v. Connor", "Kentucky v. Graham")


def _run(args, text=None):
    return CliRunner().invoke(cli, ["cite", "verify", *args], input=text)


def test_cli_json_keys_and_exit_codes(sample_db):
    all_good = _run(["-", "--format", "json", "--db", sample_db], CASES[0][0])
    assert all_good.exit_code == 0, all_good.output
    [row] = json.loads(all_good.output)
    assert {k: row[k] for k in ("citation", "status", "case_name", "date_filed")} == {
        "citation": "436 U.S. 658",
        "status": "found",
        "case_name": "Monell v. Department of Soc. Svcs.",
        "date_filed": "1978-06-06",
    }
    mixed = _run(["-", "--format", "json", "--db", sample_db], " ".join(c[0] + "." for c in CASES))
    assert mixed.exit_code == 1
    statuses = [r["status"] for r in json.loads(mixed.stdout)]
    # The CLI also checks the Supreme Court citation table (law/data/scotus_citations.csv.gz),
    # which holds Brown v. Board of Education at 347 U.S. 483 though the sample does not.
    assert statuses == ["found" if "Brown" in c[0] else c[1] for c in CASES]


def test_cli_markdown_and_bad_input(sample_db, tmp_path):
    md = _run(["-", "--db", sample_db], CASES[2][0])
    assert md.exit_code == 1
    assert "| 491 U.S. 386 | Graham v. Connor | mismatch |" in md.output
    assert "Graham v. Connor is 490 U.S. 386" in md.output
    assert _run([str(tmp_path / "missing.txt"), "--db", sample_db]).exit_code == 2
    latin1 = tmp_path / "brief.txt"
    latin1.write_bytes("Monell, 436 U.S. 658 (1978) \u00a7 1983".encode("latin-1"))
    bad = _run([str(latin1), "--db", sample_db])
    assert bad.exit_code == 2 and "not UTF-8" in bad.output


def test_the_database_store_is_searched_too(engine):
    # 98 S. Ct. 2018 (Monell's parallel cite) is only in the bulk fixture, not the bundle.
    text = "Monell v. Department of Social Services, 98 S. Ct. 2018 (1978)"
    [before] = verify_text(text, bundled_index())
    assert str(before.check.status) == "not_in_corpus"
    for path, _ in order_files(sorted((FIXTURES / "bulk").iterdir())):
        load_file(engine, path)
    result = _run(["-", "--format", "json", "--db", str(engine.url)], text)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["status"], row["case_name"]) == (
        "found",
        "Monell v. Department of Social Services of City of New York",
    )


def test_chained_index_prefers_found_over_not_in_corpus():
    chained = ChainedIndex([bundled_index()])
    assert str(chained.check("436 U.S. 658", "Monell").status) == "found"


# ---- Linear time (issue 17): shown by what the code searches, not by timing it. ----

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT.parent / "shared" / "data" / "opinions"


class _Recording:
    """Stands in for the name pattern and records the length of every text searched."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.lengths: list[int] = []

    def search(self, text: str) -> re.Match[str] | None:
        self.lengths.append(len(text))
        return self.pattern.search(text)


pieces = st.sampled_from(
    ["Av.Bv.", "Av.", " v. ", "Graham", " ", "\n", ", ", "490 U.S. 386 (1989)", "; ", "x" * 50]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=400))
def test_the_name_before_a_citation_is_searched_in_a_bounded_window(parts: list[str]) -> None:
    text = "".join(parts) + " Graham v. Connor, 490 U.S. 386 (1989)"
    recording = _Recording(verify_text_module._NAME_BEFORE)
    original = verify_text_module._NAME_BEFORE
    verify_text_module._NAME_BEFORE = recording  # type: ignore[assignment]
    try:
        found = find_citations(text)
    finally:
        verify_text_module._NAME_BEFORE = original
    assert found and found[-1].text == "490 U.S. 386"
    assert all(length <= NAME_WINDOW for length in recording.lengths)


def test_40_kb_of_av_bv_is_searched_in_the_window_only() -> None:
    # The hang: before, every start position of the run scanned to its end.
    text = "Av.Bv." * 7_000 + " Graham v. Connor, 490 U.S. 386 (1989)"
    [cite] = find_citations(text)
    assert (cite.text, cite.case_name, cite.year) == ("490 U.S. 386", "Graham v. Connor", 1989)
    recording = _Recording(verify_text_module._NAME_BEFORE)
    original = verify_text_module._NAME_BEFORE
    verify_text_module._NAME_BEFORE = recording  # type: ignore[assignment]
    try:
        [cite] = find_citations("Av.Bv." * 7_000 + ", 490 U.S. 386 (1989)")
    finally:
        verify_text_module._NAME_BEFORE = original
    assert (cite.text, cite.case_name, recording.lengths) == ("490 U.S. 386", None, [NAME_WINDOW])


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=20),
    st.integers(0, 80),
    st.integers(1, 15),
)
def test_span_overlap_by_binary_search_is_the_pairwise_test(
    spans: list[tuple[int, int]], start: int, length: int
) -> None:
    taken = [(s, s + n) for s, n in spans]
    end = start + length
    assert _Spans(taken).overlaps(start, end) == any(s < end and start < e for s, e in taken)


@given(st.one_of(st.text(max_size=12), st.sampled_from([c["citation_string"] for c in courts])))
def test_court_lookup_answers_as_eyecite_does(paren: str) -> None:
    fast_court_lookup()
    original = EYECITE_ORIGINALS["get_court_by_paren"]
    assert _court_by_paren(paren) == original(paren)


def _tokens(tokenizer, text: str) -> list[tuple[str, int, int, tuple]]:  # eyecite tokenizer
    _, found = tokenizer.tokenize(text)
    return [(type(t).__name__, t.start, t.end, tuple(sorted(t.groups.items()))) for _, t in found]


def _sample_texts(count: int) -> list[str]:
    out = []
    for name in ("scotus_1983.jsonl", "ca1_general_sample.jsonl"):
        with (SAMPLE / name).open(encoding="utf-8") as handle:
            for line, _ in zip(handle, range(count), strict=False):
                out.append(json.loads(line)["text"])
    return out


def test_the_fast_tokenizer_gives_eyecites_default_tokens() -> None:
    """The same tokens as running every one of eyecite's patterns, in eyecite's own order.

    (eyecite's default tokenizer collects the patterns to run in a set, so when two patterns
    give a token of exactly the same span, which one it keeps depends on the process's hash
    seed; the reference here is eyecite's base Tokenizer over the same list in list order,
    which settles such ties the way the fast tokenizer does, on every seed.)"""
    from eyecite.tokenizers import EXTRACTORS, Tokenizer, default_tokenizer

    reference = Tokenizer(extractors=list(EXTRACTORS))
    texts = [
        *_sample_texts(3),
        # An en dash after the page and Justia's no-break space: Hyperscan alone misses both.
        "Douglas v. Seacoast Products, Inc.,431 U.\u00a0S. 265\u2013272 (1977).",
    ]
    for text in texts:
        ours = _tokens(citation_tokenizer(), text)
        assert ours == _tokens(reference, text)
        # and eyecite's default agrees on every span (only exact-span ties may differ)
        assert [t[:3] for t in ours] == [t[:3] for t in _tokens(default_tokenizer, text)]


def test_full_citations_are_eyecites_own() -> None:
    # eyecite's get_citations (default tokenizer, reference search and all) finds the same
    # full case citations at the same places as the linear pass.
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation

    for text in _sample_texts(2):
        theirs = [c.span() for c in get_citations(text) if isinstance(c, FullCaseCitation)]
        ours = [(c.start, c.end) for c in find_citations(text) if c.reporter_known]
        assert ours == theirs


def test_an_empty_text_has_no_citations() -> None:
    assert find_citations("") == [] and verify_text("", bundled_index()) == []


def test_a_repeated_citation_is_checked_once() -> None:
    calls: list[str] = []

    class Counting(ChainedIndex):
        def check(self, citation, case_name=None, year=None):  # same signature as the index
            calls.append(citation)
            return super().check(citation, case_name, year)

    text = "Graham v. Connor, 490 U.S. 386 (1989). " * 50
    results = verify_text(text, Counting([bundled_index()]))
    assert len(results) == 50 and len({str(r.check.status) for r in results}) == 1
    assert calls == ["490 U.S. 386"]


def test_benchmark_quick_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cite_verify.py"), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "pathological repeats (Av.Bv.)" in done.stdout
