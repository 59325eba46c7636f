"""The firm's side: the intake queue, lead pages, decisions, matters (see docs/web.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monell.web.accounts.decorators import staff_required
from monell.web.cases.models import Lead


@staff_required
@permission_required("cases.view_lead", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/queue.html", {"leads": Lead.objects.all()[:200]})
