"""The law book's case citations, checked once and kept: a cold `monell assess` in milliseconds.

Checking an authority's citation means parsing it with eyecite (whose import builds a regex
per reporter) and looking it up in the bundled opinion sample and the Supreme Court table
(32,000 rows): most of a second, and the same answer every time for the same data. So the
answers for every case row of `authorities.csv` against the bundled indexes are computed on
first use and written to the user cache folder (`<user cache>/monell/law-checks-<key>.json`),
under a key that hashes everything the answers depend on: every file of `law/data`, the
source of `law/verify.py`, and the eyecite and reporters-db versions. A change to any of them
makes a new key, so a stale answer cannot be read. A cache that cannot be read or written is
ignored (the citations are then checked as before); it holds only public law data.

Only the default check (no opinion store) is kept: citations checked against a user's own
corpus, or any citation not in the book, are always checked live.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import metadata, resources
from pathlib import Path

from monell.domain.vocabulary import AuthorityKind, CitationStatus, Confidence

DATA_PACKAGE = "monell.law.data"
FORMAT = 1
# What a check returns: (status, verified, checked_against, note).
Check = tuple[CitationStatus, bool, str, str]
Key = tuple[str, str, int | None, str]


def _key(name: str, citation: str, year: int | None, confidence: Confidence) -> Key:
    return (name, citation, year, confidence.value)


def fingerprint() -> str:
    """A hash of every input of the default citation checks (see the module docstring)."""
    h = hashlib.sha256(f"monell-law-checks {FORMAT}\n".encode())
    for package in ("eyecite", "reporters-db"):
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "absent"
        h.update(f"{package} {version}\n".encode())
    data = resources.files(DATA_PACKAGE)
    for item in sorted(data.iterdir(), key=lambda p: p.name):
        if item.is_file() and not item.name.endswith((".py", ".pyc")):
            h.update(item.name.encode() + b"\0" + item.read_bytes() + b"\0")
    h.update(resources.files("monell.law").joinpath("verify.py").read_bytes())
    return h.hexdigest()[:32]


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("monell", appauthor=False))


def build() -> dict[Key, Check]:
    """Check every case row of the law book against the bundled indexes (the slow path)."""
    from monell.law.book import load_law
    from monell.law.verify import check_authority_live

    out: dict[Key, Check] = {}
    for row in load_law().authorities.values():
        if row.kind is AuthorityKind.CASE:
            key = _key(row.name, row.citation, row.year, row.confidence)
            out[key] = check_authority_live(
                row.kind, row.name, row.citation, row.year, row.confidence
            )
    return out


def _encode(checks: dict[Key, Check]) -> str:
    rows = [
        [*key, status.value, verified, against, note]
        for key, (status, verified, against, note) in sorted(
            checks.items(), key=lambda kv: (kv[0][1], kv[0][0])
        )
    ]
    return json.dumps({"format": FORMAT, "checks": rows}, ensure_ascii=False)


def _decode(text: str) -> dict[Key, Check]:
    raw = json.loads(text)
    if raw.get("format") != FORMAT:
        raise ValueError("another cache format")
    out: dict[Key, Check] = {}
    for name, citation, year, confidence, status, verified, against, note in raw["checks"]:
        key = (str(name), str(citation), None if year is None else int(year), str(confidence))
        out[key] = (CitationStatus(status), bool(verified), str(against), str(note))
    return out


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cache
def checked_authorities() -> dict[Key, Check]:
    """The default checks of the book's case citations: read from the cache, else computed
    and written there (atomically) for the next run."""
    path = cache_dir() / f"law-checks-{fingerprint()}.json"
    try:
        return _decode(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        pass  # absent, unreadable or damaged: computed again below
    checks = build()
    # a read-only or full disk: the answers are still right, only not kept
    with contextlib.suppress(OSError):
        _write(path, _encode(checks))
        for old in path.parent.glob("law-checks-*.json"):
            if old != path:  # answers for data or code this install no longer has
                old.unlink(missing_ok=True)
    return checks


def cached_check(
    name: str, citation: str, year: int | None, confidence: Confidence
) -> Check | None:
    return checked_authorities().get(_key(name, citation, year, confidence))
