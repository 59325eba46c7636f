"""Staff login (password + TOTP in one form, django-otp), logout, password change, and the
admin's list of accounts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from django_otp.views import LoginView
from django_ratelimit.core import is_ratelimited

from monell.web.accounts.decorators import staff_required
from monell.web.accounts.forms import StaffLoginForm
from monell.web.accounts.roles import Role, role_of
from monell.web.accounts.services import AccountError, create_staff
from monell.web.audit.log import client_ip, record


def _login_address(group: str, request: HttpRequest) -> str:
    return client_ip(request)


class StaffLoginView(LoginView):  # type: ignore[misc]
    template_name = "accounts/login.html"
    otp_authentication_form = StaffLoginForm
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        """Per-address limit (settings.MONELL_LOGIN_RATE) beside axes' per-account lockout:
        one password tried against every staff address never locks any account, so only a
        limit on the address stops it."""
        rate = str(getattr(settings, "MONELL_LOGIN_RATE", "50/10m"))
        if is_ratelimited(request, group="staff.login", key=_login_address, rate=rate,
                          increment=True):  # fmt: skip
            record(request, "login_failed", object_type="user", detail="address rate-limited")
            return render(request, "accounts/login_limited.html", status=429)
        return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password.html"
    success_url = reverse_lazy("cases:queue")

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return staff_required(super().dispatch)(request, *args, **kwargs)  # type: ignore[no-any-return]


@staff_required
@permission_required("accounts.manage_users", raise_exception=True)
def users(request: HttpRequest) -> HttpResponse:
    enrolment = None
    error = ""
    if request.method == "POST":
        try:
            enrolment = create_staff(request.POST.get("email", ""), request.POST.get("role", ""))
            record(request, "create", object_type="user", detail=f"role {enrolment.role}")
        except AccountError as exc:
            error = str(exc)
    accounts = [(u, role_of(u)) for u in get_user_model().objects.order_by("username")]
    return render(
        request,
        "accounts/users.html",
        {"accounts": accounts, "roles": list(Role), "enrolment": enrolment, "error": error},
    )
