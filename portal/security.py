"""HTTP-level protections that Django does not give by itself.

- Permissions-Policy: every powerful browser feature refused, except geolocation on the
  directory's search page, where a small script may ask for the position (kept in the
  browser until the person searches).
- Session expiry: a signed-in session ends after STAFF_SESSION_IDLE_SECONDS without a
  request and STAFF_SESSION_ABSOLUTE_SECONDS after sign-in, whatever happens between;
  the session is flushed on the server (django.contrib.auth.logout), not only forgotten
  by the browser.
- Second factor: a staff account signed in with its password alone reaches nothing but
  the page that asks for (or sets up) its authenticator code, and sign-out.
"""

from __future__ import annotations

import contextlib
import ipaddress
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse


class RealClientAddressMiddleware:
    """Behind nginx every request comes from nginx's address, so every per-address limit
    (rate limits, sign-in lockout) would count all readers together. When TRUST_X_REAL_IP
    is on (docker-compose sets it for the web service, whose only client is nginx), the
    X-Real-IP header nginx sets replaces REMOTE_ADDR. Off by default: a client reaching
    the application directly could otherwise choose its own address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TRUST_X_REAL_IP:
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            # Absent or malformed: the connection's address stays.
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
        return self.get_response(request)


DENIED_FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)


def _without_language(path: str) -> str:
    """'/fr/services/' -> '/services/' for any enabled language prefix."""
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[1] in dict(settings.LANGUAGES):
        return "/" + parts[2]
    return path


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        allowed = _without_language(request.path) in settings.PERMISSIONS_POLICY_GEOLOCATION_PATHS
        features = [f"{feature}=()" for feature in DENIED_FEATURES]
        features.append("geolocation=(self)" if allowed else "geolocation=()")
        response.setdefault("Permissions-Policy", ", ".join(features))
        return response


STARTED = "_portal_signed_in_at"
SEEN = "_portal_last_seen_at"


class StaffSessionExpiryMiddleware:
    """Ends signed-in sessions that were idle or lived too long (after the auth middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            seen = session.get(SEEN, now)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - started > settings.STAFF_SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)  # flushes the server-side session; the request goes on signed out
            elif now - seen > 30 or SEEN not in session:
                session[SEEN] = now  # written at most every 30 s
        return self.get_response(request)


# What a password-only session may reach: the second-factor page and signing out.
SECOND_FACTOR_OPEN_VIEWS = frozenset({"account:two-factor", "account:sign-out"})


class SecondFactorMiddleware:
    """Until a staff session has confirmed its second factor, every page redirects to
    the second-factor page (keeping where the person was going) and the API treats the
    session as anonymous. After django_otp's OTPMiddleware, which sets is_verified()."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.accounts.selectors import second_factor_required

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and second_factor_required(user=user)
        ):
            if request.path_info.startswith(("/api/", "/static/", "/media/", "/healthz")):
                request.user = AnonymousUser()
                return self.get_response(request)
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = ""
            if view_name not in SECOND_FACTOR_OPEN_VIEWS:
                target = reverse("account:two-factor")
                if request.method in ("GET", "HEAD"):
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return self.get_response(request)


class PortalAdminSite(AdminSite):
    """Django's admin site, refusing a session whose second factor is not verified (the
    middleware already redirects such sessions; this holds even without it)."""

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) and getattr(user, "is_verified", lambda: False)()


def anonymous_client(*_args: object) -> str:
    """What django-axes writes in its log lines about a client: nothing that identifies."""
    return "a client"
