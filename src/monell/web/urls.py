"""Routes, one include per area. Public pages are under /, staff pages under /staff/,
the HTTP API under /api/v1/."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from monell.web.api.views import api

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("staff/account/", include("monell.web.accounts.urls")),
    path("staff/audit/", include("monell.web.audit.urls")),
    path("staff/", include("monell.web.cases.urls")),
    path("api/v1/", api.urls),
    path("", include("monell.web.intake.urls")),
]
