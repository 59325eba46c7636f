"""The first run on a new machine: `monell assess` never compiles eyecite's Hyperscan database
(it took ~13 s on the first assess), a short `cite verify` does not either, and a command that
must compile it says so in one line first. The short-text tokenizer gives eyecite's default
tokens, so nothing the law book or a brief cites is read differently. (Issue 17.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from eyecite import get_citations

from monell.corpus import graph
from monell.law import citation_tokens
from monell.law.book import load_law

from .conftest import EXAMPLE

_RUN = (
    "import sys\nfrom monell.cli.main import main\ntry:\n    main()\n"
    "except SystemExit as exit:\n    print(exit.code, 'hyperscan' in sys.modules)"
)


def _fresh(tmp_path: Path, *args: object, stdin: str | None = None) -> tuple[list[str], str]:
    """`monell ARGS` in a process with an empty cache folder (a new machine's first run)."""
    cache = tmp_path / "empty_cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *map(str, args)],
        env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert not (cache / "monell" / "eyecite-hyperscan").exists() or not any(
        (cache / "monell" / "eyecite-hyperscan").iterdir()
    ), "the Hyperscan database was compiled"
    return done.stdout.split()[-2:], done.stderr


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_a_first_assess_compiles_no_citation_database(tmp_path: Path, fmt: str) -> None:
    out, err = _fresh(tmp_path, "assess", EXAMPLE, "--format", fmt, "-o", tmp_path / "memo")
    assert out == ["0", "False"], err
    assert "preparing the citation parser" not in err
    assert list((tmp_path / "empty_cache" / "monell").glob("law-checks-*.json"))


def test_a_short_cite_verify_compiles_nothing(tmp_path: Path) -> None:
    brief = tmp_path / "brief.txt"
    brief.write_text(
        "Under Monell v. Department of Social Services, 436 U.S. 658 (1978), a city is liable "
        "for its own policy; see also Graham v. Connor, 490 U.S. 386 (1989).",
        encoding="utf-8",
    )
    out, err = _fresh(tmp_path, "cite", "verify", brief)
    assert out == ["0", "False"], err
    assert "preparing the citation parser" not in err


def _reading(citations: list[object]) -> list[tuple[str, object, object]]:
    return [(type(c).__name__, c.span(), getattr(c, "groups", None)) for c in citations]


def test_short_texts_read_as_the_hyperscan_tokenizer_reads_them() -> None:
    """Every citation of the law book (real rows of authorities.csv), alone and in a
    sentence, gives the same citations through either tokenizer."""
    texts = []
    for row in load_law().authorities.values():
        if row.citation:
            texts += [row.citation, f"See {row.name}, {row.citation} ({row.year}); id. at 5."]
    assert len(texts) > 150
    fast = citation_tokens.citation_tokenizer()
    for text in texts:
        assert len(text) < citation_tokens.SHORT_TEXT
        short = citation_tokens.short_text_tokenizer(text)
        assert short is not fast
        assert _reading(get_citations(text, tokenizer=short)) == _reading(
            get_citations(text, tokenizer=fast)
        ), text
    long_text = " ".join(texts)
    assert citation_tokens.short_text_tokenizer(long_text) is fast


def test_the_cache_file_named_is_the_one_eyecite_reads() -> None:
    path = citation_tokens.prepare()
    assert path is not None and path.exists() and path.stat().st_size > 1_000_000
    assert citation_tokens.hyperscan_ready()
    assert path.parent == citation_tokens.hyperscan_cache_dir()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(citation_tokens.citation_tokenizer, id="cite verify"),
        pytest.param(graph.tokenizer, id="corpus load / link"),
    ],
)
def test_compiling_says_so_once_in_one_line(monkeypatch, capsys, make) -> None:
    citation_tokens.prepare()  # compiled in the shared cache: the test only loads it
    monkeypatch.setattr(citation_tokens, "hyperscan_ready", lambda extractors=None: False)
    make.cache_clear()
    try:
        make()
        make()  # kept: said once
    finally:
        make.cache_clear()
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("preparing the citation parser once") and "~15-40 s" in line
    assert str(citation_tokens.hyperscan_cache_dir()) in line


def test_make_setup_prepares_the_citation_parser() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    stamp_recipe = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    [step] = [line for line in stamp_recipe.splitlines() if "monell.law.citation_tokens" in line]
    done = subprocess.run(
        [sys.executable, *step.split()[1:]], capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ready = done.stdout.strip().removeprefix("citation parser ready: ")
    assert Path(ready) == citation_tokens.hyperscan_cache_file() and Path(ready).exists()
