"""The WSGI application `monell serve` hands to waitress (or any WSGI server a firm prefers)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monell.web.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
