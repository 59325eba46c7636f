"""Fixtures for the web app: staff accounts in each role with a TOTP device, and clients
logged in as them (password + current TOTP code, the real login form)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from monell.web.accounts.services import create_staff


def current_code(email: str) -> str:
    device = TOTPDevice.objects.get(user__username=email)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def login(client: Client, email: str, password: str) -> Any:
    return client.post(
        "/staff/account/login/",
        {"username": email, "password": password, "otp_token": current_code(email)},
    )


@pytest.fixture
def staff(db: None) -> Callable[[str], tuple[str, str]]:
    """Make an account in a role; returns (email, password)."""

    def make(role: str) -> tuple[str, str]:
        enrolment = create_staff(f"{role}@firm.example", role, password="correct horse 1983")
        return enrolment.email, enrolment.password

    return make


@pytest.fixture
def client_as(staff: Callable[[str], tuple[str, str]]) -> Callable[[str], Client]:
    """A test client logged in (password and TOTP) in the given role."""

    def make(role: str) -> Client:
        email, password = staff(role)
        client = Client()
        response = login(client, email, password)
        assert response.status_code == 302, response.content[:500]
        return client

    return make


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Any:
    """Tests that empty every table afterwards (live-server browser tests) cannot do so
    through the audit log's append-only triggers: remove them for that flush; every other
    database test gets them back at its start."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    from django.db import connection

    from monell.web.audit import triggers

    request.getfixturevalue("db" if not marker.kwargs.get("transaction") else "transactional_db")
    with connection.cursor() as cursor:
        triggers.install(cursor.execute, connection.vendor)
    yield
    if marker.kwargs.get("transaction"):
        with connection.cursor() as cursor:
            triggers.remove(cursor.execute, connection.vendor)
