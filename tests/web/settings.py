"""Django settings for the test suite: the app's own settings with a throwaway key file and
database (pytest-django makes the test database; PostgreSQL when MONELL_TEST_POSTGRES_URL
is set and MONELL_WEB_TEST_POSTGRES=1)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_tmp = Path(tempfile.mkdtemp(prefix="monell-web-test-"))
os.environ.setdefault("MONELL_KEY_FILE", str(_tmp / "web-keys.json"))
os.environ.setdefault("MONELL_DB", f"sqlite:///{_tmp / 'web.sqlite3'}")
if os.environ.get("MONELL_WEB_TEST_POSTGRES") == "1" and os.environ.get("MONELL_TEST_POSTGRES_URL"):
    os.environ["MONELL_DB"] = os.environ["MONELL_TEST_POSTGRES_URL"]

from monell.web.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
