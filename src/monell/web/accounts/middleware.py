"""Session lifetimes and the response headers every page carries."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class StaffSessionMiddleware:
    """A staff session ends after STAFF_IDLE_SECONDS without a request (sliding); a person's
    anonymous interview session keeps the default 30 days, so nobody typing a long account
    loses it (their answers are saved server-side at every step as well)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """What Django's settings do not cover: no caching of pages with client data, and no
    browser features the app never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


class RejectNulBytesMiddleware:
    """A NUL character has no place in an address or a query string, and PostgreSQL refuses
    it in any text it is asked to compare (a 500 on a filter or a token lookup): refuse the
    request with 400 before any view sees it. Form fields reject NUL themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or "\x00" in request.path or _nul_in(request.GET):
            return HttpResponseBadRequest(
                "Bad request: the address contains a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)


def _nul_in(params: object) -> bool:
    lists = getattr(params, "lists", None)
    if lists is None:
        return False
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists())
