"""eyecite's citation tokens, the same ones, found faster (issue 17: `monell cite verify` must be
linear in its input and read at least 1 MB of opinion text a second).

- `citation_tokenizer()`: eyecite's default tokenizer runs every reporter pattern whose key
  words occur over the whole text; here Hyperscan says in one pass which patterns match and
  where, and the same Python patterns run only around those places.
- `fast_court_lookup()`: eyecite's court-from-parenthetical lookup, answer for answer, with
  courts-db normalised once instead of on every call.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_UNICODE_SPACES = ("\u00a0", "\u2009", "\u202f", "\u2002", "\u2003")


def _hyperscan_cache_dir() -> Path:
    # The same user cache `monell corpus load` fills (corpus/graph.py): one compile per machine.
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("monell", appauthor=False)) / "eyecite-hyperscan"


@cache
def citation_tokenizer() -> Any:
    """eyecite's default tokenizer, made to run only the reporter patterns that occur.

    eyecite's default tokenizer runs every reporter pattern whose key words appear in the
    text over all of it (a few hundred regular expressions for an opinion). Hyperscan finds
    in one pass which patterns match anywhere; only those are then run, by the same Python
    regular expressions, so the tokens are exactly the default tokenizer's. (Hyperscan's own
    matches are not used: they miss a citation before a multi-byte character such as the
    en dash of "265–272", and its `\\s` misses the no-break space in Justia's "U.\u00a0S.";
    the scan to choose patterns reads the text with plain spaces.)"""
    from eyecite.tokenizers import Tokenizer

    try:
        from eyecite.tokenizers import HyperscanTokenizer
    except ImportError:  # pragma: no cover - hyperscan is a core dependency
        from eyecite.tokenizers import default_tokenizer

        return default_tokenizer
    cache_dir = _hyperscan_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    scanner = HyperscanTokenizer(cache_dir=str(cache_dir))

    class ChosenPatterns(Tokenizer):
        def extract_tokens(self, text: str) -> Iterator[Any]:  # type: ignore[override]
            for extractor, windows in self._windows(text):
                yield from self._in_windows(extractor, windows, text)

        @staticmethod
        def _in_windows(extractor: Any, windows: list[tuple[int, int]], text: str) -> list[Any]:
            """The pattern's matches that start in the windows. The search runs a margin past
            each window so that `$` and lookaheads see real text, not the window's end; a
            match reaching into that margin (no real token is that long) means the window
            was too small, and the whole text is searched as eyecite does."""
            pattern = extractor.compiled_regex
            tokens = []
            for start, end in windows:
                limit = min(len(text), end + _TOKEN_MARGIN)
                for m in pattern.finditer(text, start, limit):
                    if m.start() >= end:
                        break
                    if limit < len(text) and m.end() > limit - _TOKEN_MARGIN // 2:
                        return [extractor.get_token(m) for m in pattern.finditer(text)]
                    tokens.append(extractor.get_token(m))
            return tokens

        def _windows(self, text: str) -> list[tuple[Any, list[tuple[int, int]]]]:
            """Each pattern that matches somewhere, with the stretches of text around its
            matches (merged): the default tokenizer's regular expression is run there only."""
            plain = text
            if not text.isascii():
                for space in _UNICODE_SPACES:
                    plain = plain.replace(space, " ")
            data = plain.encode("utf8")
            found: dict[int, list[tuple[int, int]]] = {}

            def on_match(index: int, start: int, end: int, flags: int, context: Any) -> None:
                found.setdefault(index, []).append((start, end))

            scanner.hyperscan_db.scan(data, match_event_handler=on_match)
            to_char = _char_offsets(data, {o for spans in found.values() for s in spans for o in s})
            out = []
            for index in sorted(found):
                windows: list[tuple[int, int]] = []
                for start, end in sorted(found[index]):
                    a = max(0, to_char[start] - _TOKEN_MARGIN)
                    b = min(len(text), to_char[end] + _TOKEN_MARGIN)
                    if windows and a <= windows[-1][1]:
                        windows[-1] = (windows[-1][0], max(windows[-1][1], b))
                    else:
                        windows.append((a, b))
                out.append((scanner.extractors[index], windows))
            return out

    return ChosenPatterns(extractors=scanner.extractors)


# Characters of context kept around a Hyperscan match when the Python pattern is run: more
# than the longest citation token (a reporter pattern spans volume, reporter and page).
_TOKEN_MARGIN = 300
_NOT_CONTINUATION = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)


def _char_offsets(data: bytes, offsets: set[int]) -> dict[int, int]:
    """Byte offset in UTF-8 `data` -> character offset (a byte inside a character counts as
    the end of that character)."""
    out: dict[int, int] = {}
    last = continuation = 0
    for offset in sorted(offsets):
        continuation += len(data[last:offset].translate(None, _NOT_CONTINUATION))
        out[offset] = offset - continuation
        last = offset
    return out


@cache
def _court_table() -> tuple[dict[str, str], tuple[tuple[str, Any], ...]]:
    import regex as _regex  # type: ignore[import-untyped]  # as eyecite.helpers normalises
    from courts_db import courts as _courts

    keyed = tuple(
        (_regex.sub(r"[^\w]", "", court["citation_string"]).lower(), court["id"])
        for court in _courts
    )
    exact: dict[str, str] = {}
    for key, court_id in keyed:
        exact.setdefault(key, str(court_id))
    return exact, keyed


@lru_cache(maxsize=4096)
def _court_by_paren(paren_string: str) -> str | None:
    """eyecite's `get_court_by_paren`, answer for answer, without its cost: eyecite normalises
    every court of courts-db again on each call (35 ms); here they are normalised once. The
    first exact match wins, else the last court whose name starts with the string."""
    import regex as _regex

    court_str = _regex.sub(r"[^\w]", "", paren_string).lower()
    if not court_str:
        return None
    exact, keyed = _court_table()
    if court_str in exact:
        return exact[court_str]
    found = None
    for key, court_id in keyed:
        if key.startswith(court_str):
            found = court_id
    return found


@cache
def fast_court_lookup() -> None:
    """Install `_court_by_paren` in eyecite (once per process; same answers, so other users
    of eyecite in the process only gain)."""
    import eyecite.helpers

    if eyecite.helpers.get_court_by_paren is not _court_by_paren:
        EYECITE_ORIGINALS["get_court_by_paren"] = eyecite.helpers.get_court_by_paren
        eyecite.helpers.get_court_by_paren = _court_by_paren


# eyecite's own functions replaced above, kept so a test can compare answers.
EYECITE_ORIGINALS: dict[str, Any] = {}
