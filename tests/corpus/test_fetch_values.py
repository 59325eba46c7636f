"""`corpus fetch` checks every value before writing, as bulk and JSONL loads do: a search
result or opinion whose values the database would refuse (ids of 2^63 and more, strings
longer than their column, NUL characters, impossible dates, wrong shapes) stops the fetch
with exit 2 naming the CourtListener record and the field; nothing of that decision is
written and the decisions before it stay stored. (Issue 17: such values were checked on the
bulk path only.)"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from monell.cli.main import cli
from monell.corpus import courtlistener_api as api
from monell.corpus.store import CorpusStore

from .test_courtlistener_api import API, PAGE1, Recorded, _client

PAGE2 = json.loads((API / "search_page2.json").read_text())
OPINION = json.loads((API / "opinion_9300003.json").read_text())
SECOND = PAGE2["results"][0]  # cluster 9200002, opinion 9300003, after page 1's Kingsley


def _hit(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    hit = copy.deepcopy(SECOND)
    change(hit)
    return hit


def _set(key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda hit: hit.__setitem__(key, value)


def _opinion_id(value: object) -> Callable[[dict[str, Any]], object]:
    return lambda hit: hit["opinions"][0].__setitem__("id", value)


# (what, change to the second search result, fragments of the message)
BAD_RESULTS = [
    ("cluster id 2^63", _set("cluster_id", 2**63), ["search result", "'cluster_id'", "2^63"]),
    ("cluster id true", _set("cluster_id", True), ["'cluster_id'", "True"]),
    ("cluster id text", _set("cluster_id", "9200002"), ["'cluster_id'", "'9200002'"]),
    ("cluster id 0", _set("cluster_id", 0), ["'cluster_id'", "positive"]),
    ("docket id 2^63", _set("docket_id", 2**63), ["cluster 9200002", "'docket_id'", "2^63"]),
    ("docket id -1", _set("docket_id", -1), ["cluster 9200002", "'docket_id'"]),
    ("opinion id 2^64", _opinion_id(2**64), ["cluster 9200002", "'opinions[].id'"]),
    ("opinion id float", _opinion_id(9300003.0), ["cluster 9200002", "'opinions[].id'"]),
    ("opinions not a list", _set("opinions", "9300003"), ["'opinions'", "not a list"]),
    ("opinion not an object", _set("opinions", [9300003]), ["'opinions'", "not a list"]),
    ("citation not a list", _set("citation", "577 U.S. 7"), ["'citation'", "not a list"]),
    ("impossible date", _set("dateFiled", "2015-02-30"), ["'dateFiled'", "2015-02-30"]),
    ("date with junk", _set("dateFiled", "2015-11-09garbage"), ["'dateFiled'", "garbage"]),
    ("date as a number", _set("dateFiled", 20151109), ["'dateFiled'", "20151109"]),
    ("year 0", _set("dateFiled", "0000-01-01"), ["'dateFiled'", "0000-01-01"]),
    ("NUL in the case name", _set("caseName", "Mullenix\x00 v. Luna"), ["'case_name'", "NUL"]),
    ("status too long", _set("status", "P" * 40), ["'precedential_status'", "longer than 16"]),
    ("court id too long", _set("court_id", "c" * 200), ["'court_id'", "longer than 32"]),
    ("cite count 2^40", _set("citeCount", 2**40), ["'citation_count'", "out of range"]),
    ("citation volume too long", _set("citation", ["9" * 40 + " U.S. 7"]), ["'volume'"]),
]


def _served(hit: dict[str, Any], opinion: dict[str, Any] | None = None) -> Recorded:
    page2 = {**PAGE2, "results": [hit]}
    script = {"/api/rest/v4/search/": [httpx.Response(200, json=PAGE1),
                                       httpx.Response(200, json=page2)]}  # fmt: skip
    if opinion is not None:
        script["/api/rest/v4/opinions/9300003/"] = [httpx.Response(200, json=opinion)]
    return Recorded(script)


def _stored(engine: Engine) -> set[int]:
    store = CorpusStore(engine)
    return {oid for oid in (9300001, 9300002, 9300003) if store.get_opinion(oid) is not None}


@pytest.mark.parametrize(
    ("what", "change", "fragments"), BAD_RESULTS, ids=[b[0] for b in BAD_RESULTS]
)
def test_refused_search_values_stop_before_the_decision_is_written(
    engine: Engine, what: str, change: Callable[[dict[str, Any]], object], fragments: list[str]
) -> None:
    with pytest.raises(api.ApiError) as raised:
        api.fetch_court(engine, _client(_served(_hit(change))), "scotus", date(2015, 6, 1))
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "nothing of this decision was written" in message or "not a list" in message
    assert not raised.value.transient
    assert _stored(engine) == {9300001, 9300002}  # page 1's decision, whole; nothing of #2


BAD_OPINIONS = [
    ("NUL in the text", {"plain_text": "Per curiam.\x00"}, ["opinion 9300003", "'text'", "NUL"]),
    ("type too long", {"type": "0" * 64}, ["opinion 9300003", "'type'", "longer than 32"]),
    ("NUL in the author", {"author_str": "Scalia\x00"}, ["opinion 9300003", "'author_str'"]),
]


@pytest.mark.parametrize(
    ("what", "fields", "fragments"), BAD_OPINIONS, ids=[b[0] for b in BAD_OPINIONS]
)
def test_refused_opinion_values_name_the_opinion(
    engine: Engine, what: str, fields: dict[str, str], fragments: list[str]
) -> None:
    served = _served(copy.deepcopy(SECOND), {**OPINION, **fields})
    with pytest.raises(api.ApiError) as raised:
        api.fetch_court(engine, _client(served), "scotus", date(2015, 6, 1))
    for fragment in ["CourtListener cluster 9200002", *fragments]:
        assert fragment in str(raised.value), (fragment, str(raised.value))
    assert _stored(engine) == {9300001, 9300002}


def test_a_datetime_date_filed_is_read_as_its_day(engine: Engine) -> None:
    hit = _hit(_set("dateFiled", "2015-11-09T00:00:00-08:00"))
    report = api.fetch_court(engine, _client(_served(hit)), "scotus", date(2015, 6, 1))
    assert report.clusters == 2
    assert CorpusStore(engine).get_opinion(9300003).date_filed == date(2015, 11, 9)


def test_cli_fetch_of_a_refused_value_is_exit_2_naming_the_record(monkeypatch, db_url) -> None:
    monkeypatch.setenv("COURTLISTENER_TOKEN", "test-token")
    served = _served(_hit(_set("docket_id", 2**63)))
    monkeypatch.setattr(api.Client, "from_env", classmethod(lambda cls: _client(served)))
    result = CliRunner().invoke(
        cli, ["corpus", "fetch", "--court", "scotus", "--since", "2015-06-01", "--db", db_url]
    )
    assert result.exit_code == 2, result.output
    assert "CourtListener cluster 9200002: field 'docket_id'" in result.output
    assert "Traceback" not in result.output
