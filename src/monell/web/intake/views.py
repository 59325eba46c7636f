"""The person's side: a guided interview, one question per screen (see docs/web.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/home.html")
