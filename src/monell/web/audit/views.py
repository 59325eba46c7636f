"""The admin's view of the audit log, newest first, with the chain's state."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from monell.web.accounts.decorators import staff_required
from monell.web.audit.log import record, verify_chain
from monell.web.audit.models import AuditEvent


@staff_required
@permission_required("audit.view_audit_log", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(AuditEvent.objects.order_by("-id"), 100).get_page(request.GET.get("page"))
    record(request, "view", object_type="audit_log", detail=f"page {page.number}")
    return render(request, "audit/log.html", {"page": page, "chain": verify_chain()})
