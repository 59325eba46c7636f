"""Access control as a table: every staff route × {anonymous, intake, attorney, admin} with
the answer expected. A new staff route fails the completeness test until it is in the table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.web.leads import lead_with

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous: sent to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405

# route name: (method, path template, {role: status}); {lead}, {upload}, {matter} filled in.
TABLE: dict[str, tuple[str, str, dict[str, int]]] = {
    "cases:queue": ("GET", "/staff/", {"intake": OK, "attorney": OK, "admin": OK}),
    "cases:queue_csv": ("GET", "/staff/leads.csv", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:lead": ("GET", "/staff/leads/{lead}/", {"intake": OK, "attorney": OK, "admin": OK}),
    "cases:note": ("POST", "/staff/leads/{lead}/note/", {"intake": REDIRECT, "attorney": REDIRECT, "admin": REDIRECT}),
    "cases:status": ("POST", "/staff/leads/{lead}/status/", {"intake": REDIRECT, "attorney": REDIRECT, "admin": REDIRECT}),
    "cases:assign": ("POST", "/staff/leads/{lead}/assign/", {"intake": FORBIDDEN, "attorney": REDIRECT, "admin": REDIRECT}),
    "cases:facts": ("GET", "/staff/leads/{lead}/facts/", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:conflicts": ("POST", "/staff/leads/{lead}/conflicts/", {"intake": OK, "attorney": OK, "admin": OK}),
    "cases:decide": ("POST", "/staff/leads/{lead}/decide/", {"intake": FORBIDDEN, "attorney": REDIRECT, "admin": REDIRECT}),
    "cases:delete": ("POST", "/staff/leads/{lead}/delete/", {"intake": FORBIDDEN, "attorney": FORBIDDEN, "admin": REDIRECT}),
    "cases:letter": ("GET", "/staff/leads/{lead}/letter.pdf", {"intake": FORBIDDEN, "attorney": NOT_FOUND, "admin": NOT_FOUND}),
    "cases:memo_pdf": ("GET", "/staff/leads/{lead}/memo.pdf", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:upload": ("GET", "/staff/leads/{lead}/uploads/{upload}/", {"intake": OK, "attorney": OK, "admin": OK}),
    "cases:matters": ("GET", "/staff/matters/", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:matter_ics": ("GET", "/staff/matters/{matter}.ics", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:calendar_token": ("POST", "/staff/calendar/token/", {"intake": FORBIDDEN, "attorney": OK, "admin": OK}),
    "cases:calendar_feed": ("GET", "/staff/calendar/no-such-token.ics", {"anonymous": NOT_FOUND, "intake": NOT_FOUND, "attorney": NOT_FOUND, "admin": NOT_FOUND}),
    "cases:settings": ("GET", "/staff/settings/", {"intake": FORBIDDEN, "attorney": FORBIDDEN, "admin": OK}),
    "accounts:users": ("GET", "/staff/account/users/", {"intake": FORBIDDEN, "attorney": FORBIDDEN, "admin": OK}),
    "accounts:password": ("GET", "/staff/account/password/", {"intake": OK, "attorney": OK, "admin": OK}),
    "accounts:login": ("GET", "/staff/account/login/", {"anonymous": OK, "intake": OK, "attorney": OK, "admin": OK}),
    "accounts:logout": ("GET", "/staff/account/logout/", {"anonymous": NOT_ALLOWED, "intake": NOT_ALLOWED, "attorney": NOT_ALLOWED, "admin": NOT_ALLOWED}),
    "audit:log": ("GET", "/staff/audit/", {"intake": FORBIDDEN, "attorney": FORBIDDEN, "admin": OK}),
}  # fmt: skip
ROLES = ("anonymous", "intake", "attorney", "admin")

# The public side and the API answer everyone alike: a staff login opens no API door and
# changes nothing on the person's side. Run in this order (the interview starts at /start/).
PUBLIC: list[tuple[str, str, str, int]] = [
    ("intake:home", "GET", "/", OK),
    ("intake:glossary", "GET", "/glossary/", OK),
    ("intake:privacy", "GET", "/privacy/", OK),
    ("intake:confirmation", "GET", "/thanks/", REDIRECT),  # nothing sent yet
    ("intake:result", "GET", "/result/", REDIRECT),
    ("intake:submit", "POST", "/result/send/", REDIRECT),
    ("intake:resume", "GET", "/r/not-a-real-token", 410),
    ("intake:start", "POST", "/start/", REDIRECT),
    ("intake:step", "GET", "/q/who/", OK),
    ("intake:review", "GET", "/q/review/", OK),
    ("intake:save", "GET", "/save/", OK),
    ("set_language", "POST", "/i18n/setlang/", REDIRECT),
    ("api:assessments", "POST", "/api/v1/assessments", 401),
    ("api:leads", "POST", "/api/v1/leads", 401),
    ("api:openapi-json", "GET", "/api/v1/openapi.json", OK),
    ("api:api-root", "GET", "/api/v1/", NOT_FOUND),  # no browsable docs page is served
]


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            names += _names(p, prefix + ns)
        elif isinstance(p, URLPattern) and p.name:
            names.append(prefix + p.name)
    return names


def test_every_route_is_in_a_table() -> None:
    routes = set(_names(get_resolver()))
    listed = set(TABLE) | {name for name, *_ in PUBLIC}
    assert routes == listed, (routes - listed, listed - routes)


@pytest.fixture
def objects(client_as: Callable[[str], Client]) -> dict[str, str]:
    from monell.web.cases.models import Matter, Upload
    from monell.web.cases.services import accept, run_conflict_check

    lead = lead_with()
    upload = Upload.objects.create(
        lead=lead, name="photo.jpg", content_type="image/jpeg", size=3, data=b"abc"
    )
    other = lead_with(name="Matter Person")
    run_conflict_check(other)
    accept(other, by=None, reason="test")
    return {
        "lead": str(lead.pk),
        "upload": str(upload.pk),
        "matter": Matter.objects.get(lead=other).number,
    }


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(role: str, client_as, objects: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    client = Client() if role == "anonymous" else client_as(role)
    failures = []
    for name, (method, template, expected) in TABLE.items():
        want = expected.get(role, LOGIN)
        path = template.format(**objects)
        response = client.get(path) if method == "GET" else client.post(path, {})
        if response.status_code != want:
            failures.append(f"{name} {method} {path}: {response.status_code}, expected {want}")
        if role == "anonymous" and want == LOGIN:
            assert "/staff/account/login/" in response["Location"], name
    public = Client() if role == "anonymous" else client
    for name, method, path, want in PUBLIC:
        response = public.get(path) if method == "GET" else public.post(path, {})
        if response.status_code != want:
            failures.append(f"{name} {method} {path}: {response.status_code}, expected {want}")
    assert not failures, failures
