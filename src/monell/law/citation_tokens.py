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


# Texts shorter than this are tokenized by eyecite's default tokenizer: for one citation
# (the law book's, a brief's) it takes microseconds and needs no Hyperscan database, whose
# first compile takes 15-40 s. Longer texts (opinions, briefs) go through Hyperscan.
SHORT_TEXT = 2000
PREPARING = (
    "preparing the citation parser once (compiling eyecite's patterns, ~15-40 s; kept in "
    "{where}; `make setup` does it ahead) …"
)


def hyperscan_cache_dir() -> Path:
    # The same user cache `monell corpus load` fills (corpus/graph.py): one compile per machine.
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("monell", appauthor=False)) / "eyecite-hyperscan"


def short_text_tokenizer(text: str) -> Any:
    """The tokenizer for `text`: eyecite's default one for a short text (the same tokens;
    see `citation_tokenizer`), the Hyperscan-chosen patterns for a long one."""
    if len(text) < SHORT_TEXT:
        from eyecite.tokenizers import default_tokenizer

        return default_tokenizer
    return citation_tokenizer()


def hyperscan_cache_file(extractors: Any = None) -> Path | None:
    """Where eyecite keeps the compiled Hyperscan database for its installed patterns (the
    name is eyecite's: an MD5 of the converted expressions and flags, as in
    `HyperscanTokenizer.hyperscan_db`), or None when hyperscan is not installed."""
    import hashlib
    import re

    try:
        import hyperscan
        from eyecite.tokenizers import HyperscanTokenizer
    except ImportError:  # pragma: no cover - hyperscan is a core dependency
        return None
    if extractors is None:
        extractors = HyperscanTokenizer().extractors

    def convert(regex: str) -> bytes:  # eyecite's convert_regex
        regex = re.sub(r"\{,(\d+)\}", r"{0,\1}", regex)
        long_chars = [c for c in regex if len(c.encode("utf8")) > 1]
        if long_chars:
            regex = re.sub(rf"([{''.join(set(long_chars))}])\?", r"(?:\1)?", regex)
        return regex.encode("utf8")

    expressions = [convert(e.regex) for e in extractors]
    flags = [
        (hyperscan.HS_FLAG_CASELESS if e.flags & re.I else 0) | hyperscan.HS_FLAG_SOM_LEFTMOST
        for e in extractors
    ]
    key = hashlib.md5(str(expressions).encode("utf8") + str(flags).encode("utf8")).hexdigest()
    return hyperscan_cache_dir() / key


def hyperscan_ready(extractors: Any = None) -> bool:
    """Whether the compiled database is already in the user cache (no compile needed)."""
    path = hyperscan_cache_file(extractors)
    return path is None or path.exists()


def prepare() -> Path | None:
    """Compile eyecite's Hyperscan database into the user cache now (`make setup` runs this),
    so no command stops for it later; says so on stderr when it compiles. Returns the file."""
    tokenizer = citation_tokenizer()  # compiles (or loads) the database
    return hyperscan_cache_file(tokenizer.extractors)


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
    cache_dir = hyperscan_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    scanner = HyperscanTokenizer(cache_dir=str(cache_dir))
    if not hyperscan_ready(scanner.extractors):  # a user waits here once per machine: say why
        import sys

        print(PREPARING.format(where=cache_dir), file=sys.stderr, flush=True)
    scanner.hyperscan_db  # noqa: B018 - compiled (or loaded) now, not inside the first scan

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


if __name__ == "__main__":  # `python -m monell.law.citation_tokens`: what `make setup` runs
    print(f"citation parser ready: {prepare()}")
