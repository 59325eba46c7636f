"""CourtListener REST API v4 client and the `monell corpus fetch` pipeline.

Strategy: the case-law search (`/search/?type=o`) filters by court and decision date and
returns one result per cluster with its opinion ids; each opinion's text then comes from
`/opinions/{id}/`. Pages are followed through the API's cursor `next` URLs (never built by
hand). Rate limits and server errors (429, 5xx, dropped connections) are retried with
exponential backoff and full jitter, honouring `Retry-After`, up to a bounded number of
attempts. Requests are also paced below CourtListener's documented limit for an account
(`"user": "5000/hour"` in its DRF settings, freelawproject/courtlistener
cl/settings/third_party/rest_framework.py, commit 00564f3b; 20 results a page), so a whole
circuit is fetched without tripping it. A fetch records its place (the `next` cursor URL
after each finished page) in a state file, so an interrupted fetch resumes where it stopped.
The token comes from `COURTLISTENER_TOKEN` and is sent as `Authorization: Token …`.
Nothing here runs in tests against the network: the client takes an httpx transport.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy import Engine

from monell.corpus import bulkcsv, schema, writer
from monell.corpus.records import (
    TEXT_FIELDS,
    ClusterRow,
    DocketRow,
    OpinionRow,
    derived_citation,
    derived_id,
    parse_day,
    split_cite,
)

BASE_URL = "https://www.courtlistener.com/api/rest/v4/"
TOKEN_ENV = "COURTLISTENER_TOKEN"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DOCUMENTED_HOURLY_LIMIT = 5000  # "user": "5000/hour" (CourtListener's DRF throttle settings)
DEFAULT_HOURLY_RATE = 4500  # paced 10% below it: other tools of the firm share the account
PAGE_SIZE = 20  # search results per page (CourtListener's DRF PAGE_SIZE)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("monell")
    except PackageNotFoundError:
        return "dev"


class ApiError(RuntimeError):
    """The API refused or kept failing; `transient` when retrying later may help."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class Client:
    token: str
    base_url: str = BASE_URL
    transport: httpx.BaseTransport | None = None
    max_attempts: int = 6
    backoff_base: float = 1.0  # seconds before the first retry (doubles each time)
    backoff_cap: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random | None = None
    hourly_rate: float | None = DEFAULT_HOURLY_RATE  # None: no pacing (tests, mirrors)
    clock: Callable[[], float] = time.monotonic
    requests_made: int = 0
    _last_request: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=self.transport,
            headers={
                "Authorization": f"Token {self.token}",
                "User-Agent": f"monell/{_version()} (42 U.S.C. 1983 research tool)",
            },
            timeout=httpx.Timeout(60.0),
            follow_redirects=True,
        )
        self._rng = self.rng or random.Random()

    @classmethod
    def from_env(cls, **kwargs: Any) -> Client:
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise ApiError(
                f"{TOKEN_ENV} is not set: create a free CourtListener account, copy "
                f"the API token from your profile and `export {TOKEN_ENV}=…`"
            )
        return cls(token=token, **kwargs)

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after:
            if retry_after.strip().isdigit():
                return min(float(retry_after), self.backoff_cap)
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
                return max(0.0, min((when - datetime.now(UTC)).total_seconds(), self.backoff_cap))
            except (TypeError, ValueError):
                pass
        # Full jitter (AWS architecture blog): uniform in [0, base·2^attempt], capped.
        return self._rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))

    def _pace(self) -> None:
        """Wait so requests stay at `hourly_rate` at most (one interval between two)."""
        if not self.hourly_rate:
            return
        interval = 3600.0 / self.hourly_rate
        now = self.clock()
        if self._last_request is not None and now - self._last_request < interval:
            self.sleep(interval - (now - self._last_request))
        self._last_request = self.clock()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        last_problem = ""
        for attempt in range(self.max_attempts):
            response: httpx.Response | None = None
            self._pace()
            self.requests_made += 1
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                last_problem = f"connection failed ({exc.__class__.__name__})"
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        raise ApiError(f"{response.url}: response is not JSON") from None
                    if not isinstance(data, dict):
                        raise ApiError(f"{response.url}: expected a JSON object")
                    return data
                if response.status_code in (401, 403):
                    raise ApiError(
                        f"CourtListener refused the token ({response.status_code}); "
                        f"check {TOKEN_ENV}"
                    )
                if response.status_code not in RETRY_STATUSES:
                    raise ApiError(
                        f"{response.url}: HTTP {response.status_code}: {response.text[:200]}"
                    )
                last_problem = f"HTTP {response.status_code}"
            if attempt + 1 < self.max_attempts:
                self.sleep(self._delay(attempt, response))
        raise ApiError(
            f"{url}: gave up after {self.max_attempts} attempts ({last_problem}); try again later",
            transient=True,
        )

    def paginate(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every result of a listing, following the cursor `next` links."""
        for page in self.pages(path, params):
            yield from page.results

    def pages(
        self, path: str, params: dict[str, str] | None, *, resume_url: str | None = None
    ) -> Iterator[Page]:
        """The listing's pages, from `resume_url` (a saved `next` link) when given."""
        url: str | None = resume_url or path
        page_params = None if resume_url else params
        while url:
            page = self.get_json(url, page_params)
            results = page.get("results")
            if not isinstance(results, list):
                raise ApiError(f"{url}: page has no 'results' list")
            following = page.get("next")
            if following is not None and not isinstance(following, str):
                raise ApiError(f"{url}: 'next' is not a URL")
            count = page.get("count")
            yield Page(results, following, count if isinstance(count, int) else None)
            url, page_params = following, None  # `next` carries the cursor and filters

    def close(self) -> None:
        self._http.close()


@dataclass(frozen=True)
class Page:
    results: list[Any]
    next_url: str | None
    count: int | None  # the search's total hits, when the API gives it


@dataclass(frozen=True)
class FetchReport:
    clusters: int
    opinions: int
    resumed: bool = False
    total: int | None = None  # clusters the search matched (first page's `count`)
    requests: int = 0


@dataclass
class FetchState:
    """Where a fetch stands, saved after every finished page (JSON, written atomically).

    `key` names the search (court, query, dates): a state file of another search is never
    resumed. `next_url` is the API's own cursor link, None once the listing is done."""

    path: Path
    key: str
    next_url: str | None = None
    done: bool = False
    clusters: int = 0
    opinions: int = 0
    total: int | None = None

    @classmethod
    def load(cls, path: Path, key: str) -> FetchState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path, key)
        except (OSError, ValueError) as exc:
            raise ApiError(
                f"{path}: fetch state file is unreadable ({exc}); delete it to start over"
            ) from None
        if not isinstance(data, dict) or data.get("key") != key:
            return cls(path, key)  # another search's state: start this one afresh
        return cls(
            path,
            key,
            next_url=data.get("next_url") if isinstance(data.get("next_url"), str) else None,
            done=bool(data.get("done")),
            clusters=int(data.get("clusters") or 0),
            opinions=int(data.get("opinions") or 0),
            total=data.get("total") if isinstance(data.get("total"), int) else None,
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        payload = {
            "key": self.key,
            "next_url": self.next_url,
            "done": self.done,
            "clusters": self.clusters,
            "opinions": self.opinions,
            "total": self.total,
            "saved": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        tmp.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def search_key(court: str, query: str | None, since: date | None, until: date | None) -> str:
    return json.dumps(
        {
            "court": court,
            "query": query,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
        sort_keys=True,
    )


def state_path(folder: Path, db_url: str, key: str) -> Path:
    """One state file per (database, search), named by a hash: no secret of the URL shows."""
    digest = hashlib.sha256(f"{db_url}\n{key}".encode()).hexdigest()[:20]
    return folder / f"fetch-{digest}.json"


def estimate(clusters: int, *, opinions_per_cluster: float = 1.1, hourly_rate: float) -> float:
    """Hours to fetch `clusters` decisions: one search request per PAGE_SIZE of them and one
    request per opinion, at `hourly_rate` requests an hour."""
    requests = -(-clusters // PAGE_SIZE) + clusters * opinions_per_cluster
    return requests / hourly_rate


_ID_MAX = 2**63 - 1  # BIGINT, the id columns of both databases


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _date(value: Any, where: str = "a search result") -> date | None:
    """`dateFiled`: YYYY-MM-DD, optionally with a time; anything else names the record."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        return parse_day(value)
    except ValueError:
        raise ApiError(
            f"{where}: field 'dateFiled' is not a date (YYYY-MM-DD): {_short(value)}; {_NOT_STORED}"
        ) from None


_NOT_STORED = (
    "nothing of this decision was written (the decisions before it are kept; a rerun "
    "resumes from the last finished page)"
)


def _api_id(value: Any, where: str, name: str) -> int:
    """A CourtListener id: a positive integer that fits the BIGINT id columns."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _ID_MAX:
        raise ApiError(
            f"{where}: field {name!r} must be a positive integer below 2^63, got "
            f"{_short(value)}; {_NOT_STORED}"
        )
    return value


def _check_rows(rows: Sequence[Any], where: str) -> None:
    """The same pre-insert checks as bulk and JSONL files (writer.refusal), before any of
    the decision's rows is written, so a refused value never leaves it half-stored."""
    for row in rows:
        problem = writer.refusal(row)
        if problem is not None:
            raise ApiError(f"{where}: {problem.replace('column ', 'field ', 1)}; {_NOT_STORED}")


def _opinion_text(data: dict[str, Any]) -> tuple[str, str]:
    for name in TEXT_FIELDS:
        value = data.get(name) or ""
        if isinstance(value, str) and value.strip():
            return (value if name == "plain_text" else bulkcsv.html_to_text(value)), name
    return "", ""


def fetch_court(
    engine: Engine,
    client: Client,
    court: str,
    since: date | None,
    until: date | None = None,
    *,
    max_clusters: int | None = None,
    progress: Callable[[int], None] | None = None,
    query: str | None = None,
    state: FetchState | None = None,
    on_total: Callable[[int | None, int], None] | None = None,
) -> FetchReport:
    """Store every opinion of `court` decided in [since, until] (matching `query`, the
    search's `q`, when given). Each cluster commits on its own, so an interrupted fetch keeps
    what it got and a rerun skips stored opinions; with `state`, the cursor of the next page
    is saved after every finished page and a rerun starts there. `on_total(total, done)` is
    called once the search's size is known (for a progress bar)."""
    params = {"type": "o", "court": court, "order_by": "dateFiled asc"}
    if query:
        params["q"] = query
    if since:
        params["filed_after"] = since.isoformat()
    if until:
        params["filed_before"] = until.isoformat()
    resumed = state is not None and (state.next_url is not None or state.done)
    clusters = state.clusters if state is not None and resumed else 0
    opinions = state.opinions if state is not None and resumed else 0
    total = state.total if state is not None else None
    if state is not None and state.done:
        if on_total is not None:
            on_total(total, clusters)
        return FetchReport(clusters, opinions, True, total, client.requests_made)
    with engine.begin() as conn:
        writer.ensure_courts(conn, [court])
    told = False
    for page in client.pages(
        "search/", params, resume_url=state.next_url if state is not None else None
    ):
        if total is None:
            total = page.count
        if not told and on_total is not None:
            on_total(total, clusters)
            told = True
        for hit in page.results:
            if max_clusters is not None and clusters >= max_clusters:
                break
            opinions += _store_cluster(engine, client, court, hit)
            clusters += 1
            if progress is not None:
                progress(1)
        else:
            if state is not None:
                state.next_url, state.done = page.next_url, page.next_url is None
                state.clusters, state.opinions, state.total = clusters, opinions, total
                state.save()
            continue
        break  # --max-clusters reached inside the page: its place is not saved
    return FetchReport(clusters, opinions, resumed, total, client.requests_made)


def _store_cluster(engine: Engine, client: Client, court: str, hit: Any) -> int:
    """Store one search result's docket, cluster, citations and new opinions; return how
    many opinions were new. Every value is checked before the first row is written."""
    if not isinstance(hit, dict):
        raise ApiError(f"a search result is not a JSON object: {_short(hit)}")
    cluster_id = _api_id(hit.get("cluster_id"), "search result", "cluster_id")
    where = f"CourtListener cluster {cluster_id}"
    court_id = str(hit.get("court_id") or court)
    docket_id = hit.get("docket_id")
    case_name = str(hit.get("caseName") or hit.get("caseNameFull") or "")
    docket = DocketRow(
        id=_api_id(docket_id, where, "docket_id")
        if docket_id is not None
        else derived_id("docket", f"cl-cluster:{cluster_id}"),
        court_id=court_id,
        docket_number=str(hit.get("docketNumber") or ""),
        case_name=case_name,
    )
    cluster = ClusterRow(
        id=cluster_id,
        docket_id=docket.id,
        court_id=court_id,
        case_name=case_name,
        date_filed=_date(hit.get("dateFiled"), where),
        precedential_status=str(hit.get("status") or ""),
        citation_count=hit.get("citeCount")
        if isinstance(hit.get("citeCount"), int) and not isinstance(hit.get("citeCount"), bool)
        else None,
    )
    cite_texts = hit.get("citation") or []
    if not isinstance(cite_texts, list):
        raise ApiError(f"{where}: field 'citation' is not a list: {_short(cite_texts)}")
    cites = []
    for text in cite_texts:
        parts = split_cite(str(text))
        if parts is None:
            continue  # neutral/docket-style strings the reporter table cannot hold
        cites.append(derived_citation(cluster_id, f"cl-cluster:{cluster_id}", parts))
    entries = hit.get("opinions") or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ApiError(f"{where}: field 'opinions' is not a list of objects: {_short(entries)}")
    ids = [_api_id(e.get("id"), where, "opinions[].id") for e in entries]
    _check_rows([docket, cluster, *cites], where)
    with engine.connect() as conn:
        o = schema.opinions
        have = set(conn.execute(sa.select(o.c.id).where(o.c.id.in_(ids))).scalars())
    rows = []
    for entry, oid in zip(entries, ids, strict=True):
        if oid in have:
            continue
        data = client.get_json(f"opinions/{oid}/")
        text, source_field = _opinion_text(data)
        rows.append(
            OpinionRow(
                id=oid,
                cluster_id=cluster_id,
                type=str(data.get("type") or entry.get("type") or ""),
                text=text,
                text_field=source_field,
                origin="api",
                author_str=str(data.get("author_str") or ""),
                per_curiam=data.get("per_curiam")
                if isinstance(data.get("per_curiam"), bool)
                else None,
                needs_extraction=True,
            )
        )
    for row in rows:
        _check_rows([row], f"{where}, opinion {row.id}")
    with engine.begin() as conn:
        writer.ensure_courts(conn, [court_id])
        writer.upsert_dockets(conn, [docket])
        writer.upsert_clusters(conn, [cluster])
        writer.upsert_citations(conn, cites)
        writer.upsert_opinions(conn, rows)
    return len(rows)
