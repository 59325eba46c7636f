"""CourtListener v4 client and `corpus fetch` against recorded responses (no network)."""

from __future__ import annotations

import json
import random
from datetime import date

import httpx
import pytest
from click.testing import CliRunner

from monell.cli.main import cli
from monell.corpus import courtlistener_api as api
from monell.corpus.store import CorpusStore

from .conftest import FIXTURES
from .test_jsonl_store import _snapshot

API = FIXTURES / "api"
PAGE1 = json.loads((API / "search_page1.json").read_text())


class Recorded:
    """Serves the recorded responses; `script` overrides responses per path, in order."""

    def __init__(self, script: dict[str, list[httpx.Response]] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.script = script or {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        queue = self.script.get(path)
        if queue:
            return queue.pop(0)
        if path == "/api/rest/v4/search/":
            name = "search_page2.json" if "cursor" in request.url.params else "search_page1.json"
            return httpx.Response(200, json=json.loads((API / name).read_text()))
        if path.startswith("/api/rest/v4/opinions/"):
            oid = path.rstrip("/").rsplit("/", 1)[1]
            file = API / f"opinion_{oid}.json"
            if file.exists():
                return httpx.Response(200, json=json.loads(file.read_text()))
        return httpx.Response(404, json={"detail": "Not found."})


def _client(transport: Recorded, sleeps: list[float] | None = None, **kw) -> api.Client:
    kw.setdefault("hourly_rate", None)  # pacing has its own test
    return api.Client(
        token="test-token",
        transport=httpx.MockTransport(transport),
        sleep=(sleeps.append if sleeps is not None else lambda _s: None),
        rng=random.Random(1983),
        **kw,
    )


def test_fetch_follows_cursor_pages_and_stores_clusters_and_texts(engine):
    served = Recorded()
    report = api.fetch_court(
        engine, _client(served), "scotus", date(2015, 6, 1), date(2015, 11, 30)
    )
    assert (report.clusters, report.opinions) == (2, 3)
    first = served.requests[0]
    assert first.headers["Authorization"] == "Token test-token"
    assert dict(first.url.params) == {
        "type": "o",
        "court": "scotus",
        "order_by": "dateFiled asc",
        "filed_after": "2015-06-01",
        "filed_before": "2015-11-30",
    }
    searches = [r for r in served.requests if r.url.path.endswith("/search/")]
    assert str(searches[1].url) == PAGE1["next"]  # the cursor URL, untouched
    store = CorpusStore(engine)
    kingsley = store.get_opinion(9300001)
    assert (kingsley.case_name, kingsley.court_id, kingsley.date_filed, kingsley.citations) == (
        "Kingsley v. Hendrickson",
        "scotus",
        date(2015, 6, 22),
        ("576 U.S. 389",),
    )
    assert kingsley.precedential_status == "Published"
    dissent = store.get_opinion(9300002)  # served as html_with_citations only
    assert dissent.cluster_id == 9200001 and "<pre" not in dissent.text and dissent.text
    assert store.get_opinion(9300003).citations == ("577 U.S. 7",)


def test_second_fetch_skips_stored_opinions_and_changes_nothing(engine):
    api.fetch_court(engine, _client(Recorded()), "scotus", date(2015, 6, 1))
    before = _snapshot(engine)
    again = Recorded()
    report = api.fetch_court(engine, _client(again), "scotus", date(2015, 6, 1))
    assert report.opinions == 0
    assert not [r for r in again.requests if "/opinions/" in r.url.path]
    assert _snapshot(engine) == before


def test_429_waits_as_long_as_retry_after_says():
    served = Recorded(
        {
            "/api/rest/v4/search/": [
                httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "throttled"})
            ]
        }
    )
    sleeps: list[float] = []
    results = list(_client(served, sleeps).paginate("search/", {"type": "o"}))
    assert sleeps == [7.0]
    assert len(results) == 2


def test_5xx_backs_off_exponentially_with_jitter_then_succeeds():
    served = Recorded(
        {
            "/api/rest/v4/opinions/9300003/": [
                httpx.Response(503),
                httpx.Response(502),
                httpx.Response(500),
            ]
        }
    )
    sleeps: list[float] = []
    data = _client(served, sleeps, backoff_base=2.0).get_json("opinions/9300003/")
    assert data["id"] == 9300003
    assert len(sleeps) == 3
    assert all(0 <= s <= 2.0 * 2**i for i, s in enumerate(sleeps))
    assert len(set(sleeps)) == 3  # jittered, not a fixed schedule


def test_retries_are_bounded_and_reported_as_transient():
    served = Recorded({"/api/rest/v4/search/": [httpx.Response(503) for _ in range(10)]})
    sleeps: list[float] = []
    with pytest.raises(api.ApiError) as err:
        _client(served, sleeps, max_attempts=4).get_json("search/", {"type": "o"})
    assert err.value.transient and "4 attempts" in str(err.value)
    assert (len(served.requests), len(sleeps)) == (4, 3)


def test_bad_token_fails_at_once():
    served = Recorded({"/api/rest/v4/search/": [httpx.Response(401)]})
    with pytest.raises(api.ApiError) as err:
        _client(served).get_json("search/")
    assert not err.value.transient and "COURTLISTENER_TOKEN" in str(err.value)
    assert len(served.requests) == 1


def test_cli_fetch_needs_a_token(monkeypatch, db_url):
    monkeypatch.delenv("COURTLISTENER_TOKEN", raising=False)
    result = CliRunner().invoke(
        cli, ["corpus", "fetch", "--court", "ca8", "--since", "2020-01-01", "--db", db_url]
    )
    assert result.exit_code == 2 and "COURTLISTENER_TOKEN is not set" in result.output


def test_cli_fetch_with_recorded_transport(monkeypatch, db_url):
    monkeypatch.setenv("COURTLISTENER_TOKEN", "test-token")
    monkeypatch.setenv("MONELL_EYECITE_TOKENIZER", "default")
    served = Recorded()
    monkeypatch.setattr(api.Client, "from_env", classmethod(lambda cls: _client(served)))
    result = CliRunner().invoke(
        cli,
        [
            "corpus",
            "fetch",
            "--court",
            "scotus",
            "--since",
            "2015-06-01",
            "--until",
            "2015-11-30",
            "--db",
            db_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 decision(s), 3 opinion(s) stored" in result.output
    bad = CliRunner().invoke(
        cli, ["corpus", "fetch", "--court", "scotus", "--since", "2015-13-01", "--db", db_url]
    )
    assert bad.exit_code == 2 and "--since" in bad.output


def test_requests_are_paced_below_the_documented_hourly_limit():
    """CourtListener allows an account 5,000 requests an hour ("user": "5000/hour" in its
    DRF settings); at 3,600 an hour requests leave one second apart, whatever the server."""
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    client = api.Client(
        token="t",
        transport=httpx.MockTransport(Recorded()),
        sleep=sleep,
        clock=lambda: now[0],
        hourly_rate=3600,
    )
    for _ in range(3):
        client.get_json("opinions/9300001/")
        now[0] += 0.25  # the response took a quarter second
    assert sleeps == [0.75, 0.75]
    assert client.requests_made == 3
    assert api.DEFAULT_HOURLY_RATE < api.DOCUMENTED_HOURLY_LIMIT


def test_an_interrupted_fetch_resumes_from_the_saved_cursor(engine, tmp_path):
    """Page 2 keeps failing: the fetch stops with page 1 stored and its `next` link saved;
    the rerun asks for that link first and finishes, without fetching page 1 again."""
    key = api.search_key("scotus", "1983", date(2015, 6, 1), None)
    path = tmp_path / "state.json"
    failing = Recorded()
    failing.script = {}
    page2_down = [httpx.Response(503) for _ in range(3)]

    def serve(request: httpx.Request) -> httpx.Response:
        if "cursor" in request.url.params:
            failing.requests.append(request)
            return page2_down.pop(0) if page2_down else httpx.Response(503)
        return failing(request)

    client = api.Client(
        token="t",
        transport=httpx.MockTransport(serve),
        sleep=lambda _s: None,
        hourly_rate=None,
        max_attempts=3,
    )
    state = api.FetchState.load(path, key)
    totals: list[tuple[int | None, int]] = []
    with pytest.raises(api.ApiError):
        api.fetch_court(
            engine,
            client,
            "scotus",
            date(2015, 6, 1),
            query="1983",
            state=state,
            on_total=lambda total, done: totals.append((total, done)),
        )
    assert totals == [(2, 0)]  # the first page's `count` sizes the progress bar
    saved = json.loads(path.read_text())
    assert saved["next_url"] == PAGE1["next"] and saved["clusters"] == 1 and not saved["done"]
    assert dict(failing.requests[0].url.params)["q"] == "1983"

    again = Recorded()
    report = api.fetch_court(
        engine,
        _client(again),
        "scotus",
        date(2015, 6, 1),
        query="1983",
        state=api.FetchState.load(path, key),
    )
    searches = [r for r in again.requests if r.url.path.endswith("/search/")]
    assert str(searches[0].url) == PAGE1["next"]  # resumed at the saved cursor
    assert report.resumed and (report.clusters, report.opinions) == (2, 3)
    assert json.loads(path.read_text())["done"] is True
    assert CorpusStore(engine).get_opinion(9300003).citations == ("577 U.S. 7",)
    # A finished fetch asks nothing more; another search's state is never reused.
    idle = Recorded()
    api.fetch_court(
        engine,
        _client(idle),
        "scotus",
        date(2015, 6, 1),
        query="1983",
        state=api.FetchState.load(path, key),
    )
    assert idle.requests == []
    other = api.FetchState.load(path, api.search_key("ca8", "1983", None, None))
    assert other.next_url is None and not other.done


def test_a_damaged_state_file_is_an_input_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{half")
    with pytest.raises(api.ApiError, match="delete it to start over"):
        api.FetchState.load(path, "k")


def test_estimate_counts_search_pages_and_opinions():
    # 10,000 decisions: 500 search pages + 11,000 opinion requests at 4,500 an hour.
    assert api.estimate(10_000, hourly_rate=4500) == pytest.approx(11_500 / 4500)


def test_cli_fetch_by_query_without_since_resumes(monkeypatch, db_url, tmp_path):
    monkeypatch.setenv("COURTLISTENER_TOKEN", "test-token")
    monkeypatch.setenv("MONELL_EYECITE_TOKENIZER", "default")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    served = Recorded()
    monkeypatch.setattr(api.Client, "from_env", classmethod(lambda cls: _client(served)))
    args = ["corpus", "fetch", "--court", "scotus", "--query", "1983", "--db", db_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "2 decision(s), 3 opinion(s) stored" in result.output
    assert "2 decision(s) match" in result.output  # size and time left, on stderr
    first = dict(served.requests[0].url.params)
    assert first["q"] == "1983" and "filed_after" not in first
    (state,) = (tmp_path / "data" / "monell" / "fetch-state").glob("fetch-*.json")
    assert json.loads(state.read_text())["done"] is True
    rerun = CliRunner().invoke(cli, args)
    assert rerun.exit_code == 0 and "(resumed)" in rerun.output
    empty = CliRunner().invoke(cli, [*args[:4], "--query", " ", "--db", db_url])
    assert empty.exit_code == 2 and "--query" in empty.output
