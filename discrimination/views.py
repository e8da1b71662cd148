"""The public report form, follow-up by code and observatory; the office's screens.

Views parse input and call one action or selector. Public pages set no cookie and
need no JavaScript; pages that show a report are never cached.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from discrimination import actions, selectors
from discrimination.forms import (
    AddInformationForm,
    CodeForm,
    MoveForm,
    ReferForm,
    ReportForm,
    TextForm,
)
from discrimination.models import Category, Ground, Report, ReportMessage
from portal import charts, ratelimit
from portal.i18n.languages import text_in_language
from portal.i18n.templatetags.portal_i18n import reader_month
from portal.places import neighbourhood_label
from portal.statistics import THRESHOLD, Table, tables_csv
from services.models import Service

# Beyond this many services the form lists none and offers the service only when the
# reader comes from its page ("report discrimination here"): a list that long is no help.
MAX_SERVICES_LISTED = 400


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _labelled(services: object, language: str) -> list[tuple[str, str]]:
    """Choices "service — organisation" in the reader's language, alphabetical."""
    choices = [
        (
            str(service.pk),
            f"{text_in_language(service, 'name', language).text} — {service.organisation.name}",
        )
        for service in services.select_related("organisation")  # type: ignore[attr-defined]
    ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def _service_choices(language: str, chosen: Service | None) -> list[tuple[str, str]]:
    services = Service.objects.filter(status=Service.Status.ACTIVE)
    if services.count() > MAX_SERVICES_LISTED:
        services = services.filter(pk=chosen.pk) if chosen else services.none()
    return _labelled(services, language)


def _chosen_service(value: str) -> Service | None:
    if not value:
        return None
    try:
        return Service.objects.get(pk=value, status=Service.Status.ACTIVE)
    except (Service.DoesNotExist, ValidationError):
        return None


@csrf_exempt  # anonymous readers have no cookie, hence no CSRF token; see the honeypot
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """Report an incident: no account, no cookie; the code is shown once, on the answer."""
    language = request.LANGUAGE_CODE
    chosen = _chosen_service(request.POST.get("service") or request.GET.get("service", ""))
    form = ReportForm(request.POST or None, services=_service_choices(language, chosen))
    if not form.is_bound:
        form.initial.update({"contact_language": language, "service": chosen and str(chosen.pk)})
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            return _no_store(render(request, "discrimination/report_refused.html", status=400))
        if ratelimit.hit(
            request,
            scope="discrimination-report",
            limit=settings.DISCRIMINATION_REPORT_RATE_PER_HOUR,
        ):
            return _no_store(render(request, "discrimination/report_limited.html", status=429))
        if form.is_valid():
            data = form.cleaned_data
            try:
                report, code = actions.report_submit(
                    category=data["category"],
                    ground=data["ground"],
                    incident_month=data["month"],
                    neighbourhood=data["neighbourhood"],
                    service=chosen,
                    account=data["account"],
                    contact_channel=data["contact_channel"],
                    contact_address=data["contact_address"],
                    contact_language=data["contact_language"],
                    language=language,
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                return _no_store(
                    render(
                        request,
                        "discrimination/report_received.html",
                        {"code": code, "report": report},
                    )
                )
        status = 400
    return _no_store(
        render(
            request,
            "discrimination/report_form.html",
            {"form": form, "chosen": chosen},
            status=status,
        )
    )


def _reporter_context(report: Report) -> dict[str, Any]:
    """What the reporter sees: the state, the categories, answers and their own additions;
    never internal notes, the organisation's exchange or the contact details."""
    shown = {ReportMessage.Kind.ANSWER, ReportMessage.Kind.REPORTER}
    return {
        "report": report,
        "messages": [message for message in report.messages.all() if message.kind in shown],
    }


@csrf_exempt  # as the form: no cookie; the code is the only key, and it is rate-limited
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    """Read the office's answers and add information with the code. The code travels in
    the request body only (never in an address, a history or a log)."""
    context: dict[str, Any] = {"form": CodeForm(), "unknown": False}
    status = 200
    if request.method == "POST":
        if ratelimit.hit(
            request,
            scope="discrimination-code",
            limit=settings.DISCRIMINATION_FOLLOW_UP_RATE_PER_HOUR,
        ):
            return _no_store(render(request, "discrimination/report_limited.html", status=429))
        code = request.POST.get("code", "")[:64]
        if request.POST.get("action") == "add":
            add_form = AddInformationForm(request.POST)
            try:
                if not add_form.is_valid():
                    raise ValidationError(_("Write what you want to add."))
                actions.report_add_information(code=code, text=add_form.cleaned_data["text"])
            except Report.DoesNotExist:
                pass
            except ValidationError as error:
                context["problem"] = " ".join(error.messages)
                status = 400
            else:
                context["added"] = True
        report = selectors.report_by_code(code=code)
        if report is None:
            context.update({"form": CodeForm(request.POST), "unknown": True})
            status = 404
        else:
            context.update(_reporter_context(report))
            context["add_form"] = AddInformationForm(initial={"code": code})
    return _no_store(render(request, "discrimination/follow_up.html", context, status=status))


# --- Observatory -----------------------------------------------------------------------------


def _title(table: str) -> str:
    return {
        "month": _("Reports by the month it happened"),
        "ground": _("Reports by ground"),
        "neighbourhood": _("Reports by neighbourhood"),
    }[table]


def _row_label(table: str, row: str) -> str:
    """A row of an observatory table in the reader's words."""
    if table == "month":
        if row == selectors.EARLIER:
            return _("Earlier")
        return reader_month(datetime.date.fromisoformat(f"{row}-01"))
    if table == "ground":
        return str(Ground(row).label)
    if row == selectors.NOT_GIVEN:
        return _("Not given, or outside the city")
    return neighbourhood_label(row)


def _category_labels() -> dict[str, str]:
    return {str(key): str(label) for key, label in Category.choices}


def observatory(request: HttpRequest) -> HttpResponse:
    tables = selectors.observatory_tables()
    categories = _category_labels()
    columns = [categories[column] for column in tables["month"].columns]
    shown = [
        {
            "name": name,
            "title": _title(name),
            "row_heading": {"month": _("When"), "ground": _("Ground"), "neighbourhood": _("Where")}[
                name
            ],
            "rows": [
                {
                    "label": _row_label(name, row),
                    "cells": [table.cell(row, column) for column in table.columns],
                    "total": table.row_totals[row],
                }
                for row in table.rows
            ],
            "column_totals": [table.column_totals[column] for column in table.columns],
            "total": table.total,
        }
        for name, table in tables.items()
    ]
    response = render(
        request,
        "discrimination/observatory.html",
        {
            "tables": shown,
            "columns": columns,
            "until": selectors.observatory_until(),
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def observatory_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        tables_csv(selectors.observatory_tables()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="discrimination-reports.csv"'
    return response


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "rows": table.rows,
        "columns": table.columns,
        "cells": [[table.cell(row, column) for column in table.columns] for row in table.rows],
        "row_totals": [table.row_totals[row] for row in table.rows],
        "column_totals": [table.column_totals[column] for column in table.columns],
        "total": table.total,
    }


def observatory_json(request: HttpRequest) -> HttpResponse:
    until = selectors.observatory_until()
    document = {
        "title": "Discrimination reports received by the city's non-discrimination office",
        "reports_received_before": until.isoformat(),
        "hidden": f"null: a count from 1 to {THRESHOLD}, or a figure hidden so that such a "
        "count cannot be worked out from the totals",
        "tables": {
            name: _table_json(table) for name, table in selectors.observatory_tables().items()
        },
    }
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )


def observatory_chart(request: HttpRequest, table: str) -> HttpResponse:
    tables = selectors.observatory_tables()
    if table not in tables:
        raise Http404("no such table")
    chosen = tables[table]
    relabelled = Table(
        rows=[_row_label(table, row) for row in chosen.rows],
        columns=chosen.columns,
        cells={
            (_row_label(table, row), column): value for (row, column), value in chosen.cells.items()
        },
        row_totals={},
        column_totals=chosen.column_totals,
        total=chosen.total,
    )
    svg = charts.monthly_bars(
        relabelled,
        series_labels=_category_labels(),
        title=_title(table),
        hidden_label=_("fewer than 11"),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- The office ------------------------------------------------------------------------------

REPORTS_PER_PAGE = 50


def _require_officer(request: HttpRequest) -> None:
    if not selectors.is_officer(user=request.user):  # type: ignore[arg-type]
        raise PermissionDenied


@login_required
@never_cache
def office_queue(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    status = request.GET.get("status", "open")
    reports = selectors.report_queue(status=status)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "discrimination/office_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": [("open", _("open")), *Report.Status.choices, ("all", _("all"))],
        },
    )


def _legal_services(language: str) -> list[tuple[str, str]]:
    return _labelled(
        Service.objects.filter(status=Service.Status.ACTIVE, needs__code="legal_help").distinct(),
        language,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def office_report(request: HttpRequest, report_id: str) -> HttpResponse:
    _require_officer(request)
    user = request.user
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            _office_post(request, report_id)
        except Report.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            problem = " ".join(error.messages)
            status = 409
        else:
            return redirect("office:report-detail", report_id=report_id)
    try:
        report = actions.report_open(report_id=report_id, user=user)  # type: ignore[arg-type]
    except Report.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "discrimination/office_report.html",
        {
            "report": report,
            "moves": actions.moves_for(report),
            "move_form": MoveForm(),
            "text_form": TextForm(initial={"language": report.contact_language or report.language}),
            "legal_services": _legal_services(request.LANGUAGE_CODE),
            "problem": problem,
        },
        status=status,
    )


def _office_post(request: HttpRequest, report_id: str) -> None:
    user = request.user
    kind = request.POST.get("kind", "")
    if kind == "move":
        form = MoveForm(request.POST)
        form.is_valid()
        actions.report_transition(
            report_id=report_id,
            user=user,  # type: ignore[arg-type]
            move=form.cleaned_data.get("move", ""),
            close_reason=form.cleaned_data.get("close_reason", ""),
        )
    elif kind == "refer":
        form = ReferForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose the legal service."))
        try:
            service = Service.objects.get(pk=form.cleaned_data["service"])
        except Service.DoesNotExist:
            raise ValidationError(_("Choose the legal service.")) from None
        try:
            actions.report_refer(
                report_id=report_id,
                user=user,  # type: ignore[arg-type]
                service=service,
                consent_given=form.cleaned_data["consent"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            raise ValidationError(
                _("To refer, your account must belong to the office's organisation.")
            ) from None
    elif kind in {"note", "answer", "forward"}:
        form = TextForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("The text is empty."))
        text = form.cleaned_data["text"]
        if kind == "note":
            actions.report_note_add(report_id=report_id, user=user, text=text)  # type: ignore[arg-type]
        elif kind == "answer":
            actions.report_answer(
                report_id=report_id,
                user=user,  # type: ignore[arg-type]
                text=text,
                language=form.cleaned_data.get("language") or request.LANGUAGE_CODE,
            )
        else:
            actions.report_forward(report_id=report_id, user=user, text=text)  # type: ignore[arg-type]
    else:
        raise ValidationError(_("Unknown action."))


@login_required
@never_cache
def forwarded_list(request: HttpRequest) -> HttpResponse:
    if not selectors.organisation_ids_admin_of(user=request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    reports = selectors.forwarded_for(user=request.user)  # type: ignore[arg-type]
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "discrimination/forwarded_list.html", {"page": page})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def forwarded_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    """What the organisation sees: categories, month, its service, the office's message
    and its own responses. Never the account as written, never the contact details."""
    user = request.user
    problem = ""
    status = 200
    try:
        if request.method == "POST":
            form = TextForm(request.POST)
            try:
                if not form.is_valid():
                    raise ValidationError(_("The text is empty."))
                actions.forwarded_respond(
                    report_id=report_id,
                    user=user,  # type: ignore[arg-type]
                    text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                problem = " ".join(error.messages)
                status = 400
            else:
                return redirect("office:forwarded-detail", report_id=report_id)
        report = actions.forwarded_open(report_id=report_id, user=user)  # type: ignore[arg-type]
    except Report.DoesNotExist:
        raise Http404 from None
    shared = {ReportMessage.Kind.FORWARD, ReportMessage.Kind.ORGANISATION}
    return render(
        request,
        "discrimination/forwarded_detail.html",
        {
            "report": report,
            "messages": [message for message in report.messages.all() if message.kind in shared],
            "problem": problem,
            "list_url": reverse("office:forwarded-list"),
        },
        status=status,
    )
