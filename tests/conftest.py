"""Fixtures every test area shares."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from monell.storage.database import make_engine, migrate
from tests.web.browser import browser, page  # noqa: F401  (one Chromium for every browser test)

POSTGRES_URL_ENV = "MONELL_TEST_POSTGRES_URL"  # set by scripts/with_postgres.sh


@pytest.fixture
def postgres() -> Iterator[Callable[[Callable[[Engine], None]], Engine]]:
    """Opens a migrated engine on the test PostgreSQL server (skips the test without one).

    Call it with the area's `clear(engine)`: the area's tables are emptied before the test and
    again after it, so tests never see each other's rows on the shared server.
    """
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    opened: list[tuple[Engine, Callable[[Engine], None]]] = []

    def open_engine(clear: Callable[[Engine], None]) -> Engine:
        engine = make_engine(url)
        migrate(engine)
        clear(engine)
        opened.append((engine, clear))
        return engine

    yield open_engine
    for engine, clear in opened:
        clear(engine)
        engine.dispose()
