"""`monell cite verify --online`: CourtListener's citation-lookup API for citations the bundled
corpus, the opinion store and the Supreme Court table cannot check.

API (documented at courtlistener.com, template cl/api/templates/citation-lookup-api-vlatest.html
of freelawproject/courtlistener): POST `volume`, `reporter`, `page` (or `text`) to
`/api/rest/v4/citation-lookup/` with `Authorization: Token <token>`; the answer is a JSON list,
one object per citation, with `citation`, `normalized_citations`, `start_index`, `end_index`,
`status` (200 found, 404 not found, 400 unknown reporter, 300 several matches, 429 over the
per-request limit), `error_message` and `clusters` (CourtListener cluster objects: `id`,
`absolute_url`, `case_name`, `date_filed`, `citations`, ...). A throttled request is answered
with HTTP 429 and a `wait_until` time.

The token comes from the COURTLISTENER_TOKEN environment variable and is never printed or
cached. Answers other than throttling are cached, one JSON file per citation, in the user
cache folder, so a citation is looked up once.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monell.domain.vocabulary import CitationStatus
from monell.law.verify import (
    CitationCheck,
    CitationIndex,
    names_match,
    normalize_citation,
    parse_case_citation,
)

API_URL = "https://www.courtlistener.com/api/rest/v4/citation-lookup/"
SITE = "https://www.courtlistener.com"
TOKEN_ENV = "COURTLISTENER_TOKEN"
LABEL = "CourtListener citation-lookup API"
TIMEOUT_SECONDS = 30

# (url, form body, headers) -> (HTTP status, body bytes); tests pass a recorded one.
Transport = Callable[[str, bytes, dict[str, str]], tuple[int, bytes]]


class OnlineLookupError(RuntimeError):
    """CourtListener could not be asked (no token, refused, throttled, unreachable)."""


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("monell", appauthor=False)) / "courtlistener-citation-lookup"


def token_from_env() -> str:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise OnlineLookupError(
            f"--online needs a CourtListener API token in the {TOKEN_ENV} environment "
            "variable (create one under your CourtListener account's API settings)"
        )
    return token


def _urllib_transport(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read() or b"")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OnlineLookupError(f"cannot reach CourtListener ({reason})") from None


class CourtListenerClient:
    def __init__(
        self,
        token: str,
        cache_dir: Path | None = None,
        transport: Transport | None = None,
    ) -> None:
        self._token = token
        self.cache_dir = cache_dir or default_cache_dir()
        self._transport = transport or _urllib_transport
        self.requests = 0

    def _cache_file(self, citation: str) -> Path:
        digest = hashlib.sha256(citation.encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{digest}.json"

    def lookup(self, volume: int, reporter: str, page: str) -> dict[str, Any]:
        """The API's object for one citation (cached)."""
        citation = f"{volume} {reporter} {page}"
        cached = self._cache_file(citation)
        if cached.is_file():
            try:
                stored = json.loads(cached.read_text(encoding="utf-8"))
                if stored.get("citation") == citation and isinstance(stored.get("answer"), dict):
                    return dict(stored["answer"])
            except (OSError, ValueError):
                pass  # a damaged cache file is asked again and rewritten
        body = urllib.parse.urlencode({"volume": volume, "reporter": reporter, "page": page})
        headers = {
            "Authorization": f"Token {self._token}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": "monell (civil-rights research aid)",
        }
        self.requests += 1
        status, raw = self._transport(API_URL, body.encode("ascii"), headers)
        answer = self._answer(status, raw, citation)
        self._store(cached, citation, answer)
        return answer

    def _answer(self, status: int, raw: bytes, citation: str) -> dict[str, Any]:
        if status in (401, 403):
            raise OnlineLookupError(
                f"CourtListener refused the token (HTTP {status}); check {TOKEN_ENV}"
            )
        try:
            data = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            data = None
        if status == 429:
            wait = data.get("wait_until") if isinstance(data, dict) else None
            raise OnlineLookupError(
                "CourtListener throttled the lookup"
                + (f"; try again after {wait}" if wait else "; try again later")
            )
        if status != 200 or not isinstance(data, list):
            raise OnlineLookupError(
                f"CourtListener answered HTTP {status} without a citation list for {citation}"
            )
        if not data:
            return {"citation": citation, "status": 400, "clusters": [], "error_message": ""}
        first = data[0]
        if not isinstance(first, dict):
            raise OnlineLookupError(f"CourtListener's answer for {citation} is not an object")
        return first

    def _store(self, path: Path, citation: str, answer: dict[str, Any]) -> None:
        if answer.get("status") == 429:
            return  # over the per-request limit: not an answer about the citation
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"citation": citation, "answer": answer}), encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass  # no cache is slower, not wrong


def _check_from_answer(
    canonical: str, answer: dict[str, Any], case_name: str | None
) -> CitationCheck:
    status = answer.get("status")
    clusters = [c for c in answer.get("clusters") or [] if isinstance(c, dict)]
    message = str(answer.get("error_message") or "")
    if status == 400:
        return CitationCheck(
            canonical,
            CitationStatus.INVALID,
            None,
            None,
            f"{LABEL}: reporter not recognised{': ' + message if message else ''}",
        )
    if status == 404 or not clusters:
        return CitationCheck(
            canonical,
            CitationStatus.NOT_IN_CORPUS,
            None,
            None,
            f"{LABEL}: no decision at this volume and page on CourtListener"
            + (f" ({message})" if message else ""),
        )
    named = [
        c for c in clusters if not case_name or names_match(str(c.get("case_name")), case_name)
    ]
    if not named:
        first = clusters[0]
        return CitationCheck(
            canonical,
            CitationStatus.MISMATCH,
            str(first.get("case_name") or ""),
            first.get("date_filed"),
            f"{canonical} is {first.get('case_name')} on CourtListener, not {case_name}",
        )
    hit = named[0]
    url = f"{SITE}{hit.get('absolute_url', '')}"
    several = f" (one of {len(clusters)} decisions at this cite)" if len(clusters) > 1 else ""
    return CitationCheck(
        canonical,
        CitationStatus.FOUND,
        str(hit.get("case_name") or ""),
        hit.get("date_filed"),
        f"found with the {LABEL}: {url}{several}",
    )


class OnlineIndex(CitationIndex):
    """The offline index first; CourtListener only for what it cannot verify."""

    def __init__(self, offline: CitationIndex, client: CourtListenerClient) -> None:
        super().__init__((), f"{offline.label} + {LABEL}")
        self.offline = offline
        self.client = client

    def lookup(self, canonical: str) -> list[Any]:
        return self.offline.lookup(canonical)

    def by_name(self, case_name: str) -> list[Any]:
        return self.offline.by_name(case_name)

    def check(
        self, citation: str, case_name: str | None = None, year: int | None = None
    ) -> CitationCheck:
        result = self.offline.check(citation, case_name, year)
        if result.verified or result.status is CitationStatus.MISMATCH:
            return result
        parsed = parse_case_citation(normalize_citation(citation), year)
        if parsed is None or not parsed.valid:
            return result
        answer = self.client.lookup(parsed.volume, parsed.reporter, parsed.page)
        online = _check_from_answer(parsed.canonical, answer, case_name)
        if online.status in (CitationStatus.FOUND, CitationStatus.MISMATCH):
            return online
        return CitationCheck(
            result.citation,
            result.status,
            result.case_name,
            result.date_filed,
            f"{result.note}; {online.note}",
        )
