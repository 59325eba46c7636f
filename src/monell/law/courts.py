"""Court names from courts-db, the Free Law Project's list of court ids CourtListener uses."""

from __future__ import annotations

from functools import cache


@cache
def court_names() -> dict[str, str]:
    import courts_db

    return {str(c["id"]): str(c["name"]) for c in courts_db.courts}


@cache
def known_court_ids() -> frozenset[str]:
    return frozenset(court_names())
