"""Turn authority keys from the law data into printable, checked `Authority` values.

Every stage cites through here, so no authority can reach the output without having been
looked up in `authorities.csv` and checked by `monell.law.verify`.
"""

from __future__ import annotations

from functools import cache

from monell.domain.models import Authority, Verification
from monell.law.book import LawBook, load_law
from monell.law.verify import CitationIndex, check_authority


class Sources:
    """The law book plus the corpus citations are checked against: the bundled sample by
    default, or (from the CLI) the sample chained with the user's loaded opinion store."""

    def __init__(self, book: LawBook, index: CitationIndex | None = None) -> None:
        self.book = book
        self.index = index
        self._cache: dict[tuple[str, str | None], Authority] = {}

    def cite(self, key: str, pin: str | None = None) -> Authority:
        found = self._cache.get((key, pin))
        if found is None:
            found = self._cache[(key, pin)] = _authority(self.book, key, pin, self.index)
        return found

    def cite_all(self, keys: tuple[str, ...] | list[str]) -> tuple[Authority, ...]:
        seen: list[str] = []
        for k in keys:
            if k not in seen:
                seen.append(k)
        return tuple(self.cite(k) for k in seen)


def _authority(book: LawBook, key: str, pin: str | None, index: CitationIndex | None) -> Authority:
    row = book.authority(key)
    status, verified, against, note = check_authority(
        row.kind, row.name, row.citation, row.year, row.confidence, index
    )
    return Authority(
        key=row.key,
        kind=row.kind,
        name=row.name,
        citation=row.citation,
        year=row.year,
        court=row.court,
        proposition=row.proposition,
        confidence=row.confidence,
        verification=Verification(
            status=status, verified=verified, checked_against=against, note=note
        ),
        pin=pin,
    )


@cache
def default_sources() -> Sources:
    return Sources(load_law())
