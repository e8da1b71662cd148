"""Views of the project itself: home, module placeholders, health and error pages."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.generic import TemplateView
from django.views.static import serve

from portal import health
from portal.i18n.languages import direction
from portal.i18n.selectors import reader_status_prefetch
from portal.modules import MODULES
from portal.selectors import home_notice_list

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["modules"] = MODULES
        context["notices"] = reader_status_prefetch(list(home_notice_list()))
        return context


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded files in development (nginx serves /media/ in production)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and Celery worker status; 503 when one of them is down."""
    report = health.check_all()
    status = 200 if report["status"] == "ok" else 503
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _language_for_error(request: HttpRequest) -> str:
    """The URL's language if it names an enabled one, else the default language."""
    prefix = request.path_info.lstrip("/").split("/", 1)[0]
    if prefix in dict(settings.LANGUAGES):
        return prefix
    return settings.LANGUAGE_CODE


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override(_language_for_error(request)):
        return render(request, "errors/404.html", status=404)


# The database is unreachable (stopped, restarting, out of connections): not a bug.
OUTAGES = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    language = _language_for_error(request)
    if isinstance(sys.exc_info()[1], OUTAGES):
        return maintenance(language)
    with translation.override(language):
        return render(request, "errors/500.html", status=500)


def maintenance(language: str) -> HttpResponse:
    """503 while the database is away, in the reader's language. Rendered without the
    request, so no context processor (or session) touches the database; the web
    processes reconnect by themselves when it is back (CONN_HEALTH_CHECKS)."""
    with translation.override(language):
        body = render_to_string(
            "errors/503.html",
            {"language_code": language, "language_direction": direction(language)},
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override(_language_for_error(request)):
        return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    with translation.override(_language_for_error(request)):
        return render(request, "errors/403.html", status=403)
