"""Write docs/openapi.json, the HTTP API's OpenAPI 3.1 document, from the app.

tests/web/test_api.py checks that the file in the repo is what the app serves; run this
after changing the API: .venv/bin/python scripts/gen_openapi.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render() -> str:
    from monell.web.api.views import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    tmp = Path(tempfile.mkdtemp())
    os.environ.setdefault("MONELL_KEY_FILE", str(tmp / "keys.json"))
    os.environ.setdefault("MONELL_DB", f"sqlite:///{tmp / 'db.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monell.web.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    (ROOT / "docs" / "openapi.json").write_text(render(), encoding="utf-8")
    print(f"wrote {ROOT / 'docs' / 'openapi.json'}")
