"""`monell cite verify --online` against recorded CourtListener citation-lookup answers.

The answers in fixtures/courtlistener_citation_lookup.json are crafted from CourtListener's
documented response format (the fixture's `_source` says where); no test touches the network.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monell.app import citation_lookup as cl
from monell.domain.vocabulary import CitationStatus
from monell.law.verify import bundled_index, with_scotus

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "courtlistener_citation_lookup.json").read_text()
)
TOKEN = "secret-test-token-0123456789"


class Recorded:
    """A transport that answers from the fixture and remembers what it was asked."""

    def __init__(self, override: str | None = None) -> None:
        self.calls: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.override = override

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        form = urllib.parse.parse_qs(body.decode())
        self.calls.append((url, form, headers))
        key = self.override or f"{form['volume'][0]} {form['reporter'][0]} {form['page'][0]}"
        answer: dict[str, Any] = FIXTURE["responses"][key]
        return answer["http_status"], json.dumps(answer["body"]).encode()


def client(tmp_path: Path, transport: Recorded) -> cl.CourtListenerClient:
    return cl.CourtListenerClient(TOKEN, cache_dir=tmp_path / "cache", transport=transport)


def test_found_on_courtlistener_when_the_sample_lacks_it(tmp_path: Path) -> None:
    # Darnell v. Pineiro, 849 F.3d 17 (2d Cir. 2017) is not in the bundled sample.
    transport = Recorded()
    index = cl.OnlineIndex(bundled_index(), client(tmp_path, transport))
    result = index.check("849 F.3d 17", "Darnell v. Pineiro", 2017)
    assert result.status is CitationStatus.FOUND
    assert "courtlistener.com/opinion/4360000/darnell-v-pineiro/" in result.note
    url, form, headers = transport.calls[0]
    assert url == "https://www.courtlistener.com/api/rest/v4/citation-lookup/"
    assert form == {"volume": ["849"], "reporter": ["F.3d"], "page": ["17"]}
    assert headers["Authorization"] == f"Token {TOKEN}"


def test_answers_are_cached_and_the_token_is_not(tmp_path: Path) -> None:
    transport = Recorded()
    c = client(tmp_path, transport)
    index = cl.OnlineIndex(bundled_index(), c)
    index.check("849 F.3d 17", "Darnell v. Pineiro", 2017)
    index.check("849 F.3d 17", "Darnell v. Pineiro", 2017)
    assert len(transport.calls) == 1
    [cached] = list((tmp_path / "cache").glob("*.json"))
    assert TOKEN not in cached.read_text()
    # A fresh client with the same cache folder asks nothing.
    again = Recorded()
    cl.OnlineIndex(bundled_index(), client(tmp_path, again)).check("849 F.3d 17", "Darnell", 2017)
    assert again.calls == []


def test_not_found_keeps_the_offline_status_and_says_so(tmp_path: Path) -> None:
    # Documented example: 1 U.S. 200 does not exist (404). U.S. began in 1875, so no year.
    index = cl.OnlineIndex(bundled_index(), client(tmp_path, Recorded()))
    result = index.check("1 U.S. 200", "Doe v. Roe", None)
    assert result.status is CitationStatus.NOT_IN_CORPUS
    assert "no decision at this volume and page on CourtListener" in result.note


def test_wrong_name_is_a_mismatch(tmp_path: Path) -> None:
    index = cl.OnlineIndex(bundled_index(), client(tmp_path, Recorded()))
    result = index.check("849 F.3d 17", "Gordon v. County of Orange", 2017)
    assert result.status is CitationStatus.MISMATCH and "Darnell" in result.note


def test_ambiguous_cite_is_found_under_the_matching_name(tmp_path: Path) -> None:
    # Documented example: "1 H. 150" matches two decisions (status 300).
    index = cl.OnlineIndex(bundled_index(), client(tmp_path, Recorded()))
    result = index.check("1 Haw. 150", "Fell v. Parke", None)
    assert result.status is CitationStatus.FOUND and "one of 2 decisions" in result.note


def test_offline_verdicts_are_not_sent(tmp_path: Path) -> None:
    # Graham v. Connor is in the sample, Devenpeck in the Supreme Court table: no request.
    transport = Recorded()
    index = cl.OnlineIndex(with_scotus(bundled_index()), client(tmp_path, transport))
    assert index.check("490 U.S. 386", "Graham v. Connor", 1989).verified
    assert index.check("543 U.S. 146", "Devenpeck v. Alford", 2004).verified
    assert transport.calls == []


@pytest.mark.parametrize(("key", "words"), [("throttled", "try again after 2026-12-04T13:00:00Z"),
                                             ("unauthorized", "refused the token")])  # fmt: skip
def test_refusals_are_errors_not_verdicts(tmp_path: Path, key: str, words: str) -> None:
    transport = Recorded(override=key)
    index = cl.OnlineIndex(bundled_index(), client(tmp_path, transport))
    with pytest.raises(cl.OnlineLookupError, match=words) as info:
        index.check("849 F.3d 17", "Darnell v. Pineiro", 2017)
    assert TOKEN not in str(info.value)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("*.json"))


def _cli(args: list[str], text: str, env: dict[str, str]) -> Any:
    from monell.cli.main import cli

    return CliRunner().invoke(cli, ["cite", "verify", "-", *args], input=text, env=env)


def test_cli_online_uses_the_api_and_never_prints_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = Recorded()
    monkeypatch.setattr(cl, "_urllib_transport", transport)
    monkeypatch.setattr(cl, "default_cache_dir", lambda: tmp_path / "cache")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = _cli(
        ["--online", "--format", "json", "--db", db],
        "Darnell v. Pineiro, 849 F.3d 17 (2d Cir. 2017).",
        {"COURTLISTENER_TOKEN": TOKEN},
    )
    assert TOKEN not in result.output
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["status"] == "found" and "CourtListener" in row["note"]


def test_cli_online_without_a_token_exits_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = _cli(["--online", "--db", db], "Darnell v. Pineiro, 849 F.3d 17 (2d Cir. 2017).",
                  {"COURTLISTENER_TOKEN": ""})  # fmt: skip
    assert result.exit_code == 2 and "COURTLISTENER_TOKEN" in result.output
