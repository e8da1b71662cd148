"""The registration helper's pages: an anonymous checklist, code verification for anyone,
and the counter screens of accredited organisations (records opened by code only)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from participation.models import Phase, Process
from portal import codes, ratelimit
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role
from registration import actions, pdf
from registration.checklist import advise
from registration.forms import AttestationForm, ChecklistForm, CodeForm
from registration.models import Attestation, Route


def _advice(request: HttpRequest) -> tuple[ChecklistForm, Any]:
    form = ChecklistForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, advise(
            housing=data["housing"],
            documents=set(data["documents"]),
            children_at_school=data["children"] == "yes",
            months_in_city=data["months"],
        )
    return form, None


def checklist(request: HttpRequest) -> HttpResponse:
    form, advice = _advice(request)
    return render(
        request,
        "registration/checklist.html",
        {
            "form": form,
            "advice": advice,
            "query": request.GET.urlencode(),
        },
    )


def request_form(request: HttpRequest) -> HttpResponse:
    """The printable request, pre-filled with the answers (which are in the URL only)."""
    form, advice = _advice(request)
    if advice is None:
        return render(request, "registration/checklist.html", {"form": form}, status=400)
    data = pdf.bilingual_pdf(
        template="registration/request_form.html",
        person_language=get_language(),
        context={"advice": advice},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="registration-request.pdf"'
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a code: valid / expired / revoked / unknown, and the dates only."""
    code = request.GET.get("code", "")[:64]
    result = None
    status = 200
    if code:
        if ratelimit.hit(request, scope="verify", limit=settings.VERIFY_RATE_PER_HOUR):
            return render(request, "registration/verify.html", {"limited": True}, status=429)
        result = actions.attestation_verify(code=code)
    response = render(
        request, "registration/verify.html", {"code": code, "result": result}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Counter ---------------------------------------------------------------------------------


def _record_context(attestation: Any, code: str, **extra: Any) -> dict[str, Any]:
    processes = Process.objects.filter(phase__in=[Phase.REVIEW, Phase.VOTING])
    state = actions.attestation_verify_state(attestation)
    labels = {**dict(Attestation.Status.choices), "expired": _("expired")}
    return {
        "attestation": attestation,
        "code": code,
        "processes": processes,
        "state": state,
        "state_label": labels[state],
        **extra,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Issue an attestation, or open one by its code; every action names the code."""
    actions.ensure_counter(user=request.user)  # type: ignore[arg-type]  # 403 otherwise
    user = request.user
    context: dict[str, Any] = {"issue_form": AttestationForm(), "code_form": CodeForm()}
    if request.method == "GET":
        return render(request, "registration/counter.html", context)
    action = request.POST.get("action", "")
    if action == "issue":
        form = AttestationForm(request.POST)
        context["issue_form"] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = actions.attestation_issue(
                    caseworker=user,
                    display_name=data["display_name"],  # type: ignore[arg-type]
                    birth_year=data["birth_year"],
                    address=data["address"],
                    route=data["route"],
                    neighbourhood=data["neighbourhood"],
                    evidence=data["evidence"],
                    residence_since=data["residence_since"],
                    person_language=data["person_language"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(
                    request,
                    "registration/record.html",
                    _record_context(issued.attestation, issued.code, just_issued=True),
                )
        return render(request, "registration/counter.html", context, status=400)
    code = request.POST.get("code", "")
    attestation = actions.attestation_open(code=code, caseworker=user)  # type: ignore[arg-type]
    if attestation is None:
        context["not_found"] = True
        return render(request, "registration/counter.html", context, status=404)
    problem = None
    released_code = None
    try:
        if action == "renew":
            attestation = actions.attestation_renew(attestation=attestation, caseworker=user)  # type: ignore[arg-type]
        elif action == "revoke":
            attestation = actions.attestation_revoke(
                attestation=attestation,
                caseworker=user,  # type: ignore[arg-type]
                reason=request.POST.get("reason", ""),
            )
        elif action == "erase":
            attestation = actions.attestation_erase(attestation=attestation, caseworker=user)  # type: ignore[arg-type]
        elif action == "release":
            process = Process.objects.get(pk=int(request.POST.get("process", "0") or 0))
            released_code = actions.eligibility_code_release(
                attestation=attestation, process=process, caseworker=user
            )  # type: ignore[arg-type]
        elif action == "pdf":
            return _attestation_pdf(request, attestation, code)
        elif action == "access":
            return _access_export(attestation)
    except (ValidationError, Process.DoesNotExist, ValueError) as error:
        problem = " ".join(getattr(error, "messages", [str(error)]))
    return render(
        request,
        "registration/record.html",
        _record_context(attestation, code, problem=problem, released_code=released_code),
    )


def _attestation_pdf(request: HttpRequest, attestation: Any, code: str) -> HttpResponse:
    grouped = codes.group(codes.normalise(code) or "")
    verify_url = request.build_absolute_uri(reverse("registration:verify")) + f"?code={grouped}"
    data = pdf.bilingual_pdf(
        template="registration/attestation.html",
        person_language=attestation.person_language,
        context={
            "attestation": attestation,
            "code": grouped,
            "verify_url": verify_url,
            "qr_svg": pdf.qr_svg(verify_url),
        },
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="attestation.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _access_export(attestation: Any) -> HttpResponse:
    """The person's right of access: their whole record, as they can take it away."""
    record = {
        "route": attestation.route,
        "neighbourhood": attestation.neighbourhood,
        "evidence_seen": attestation.evidence,
        "name": attestation.display_name,
        "address": attestation.address,
        "living_in_the_city_since": attestation.residence_since.isoformat()
        if attestation.residence_since
        else None,
        "language": attestation.person_language,
        "valid_from": attestation.valid_from.isoformat(),
        "valid_until": attestation.valid_until.isoformat(),
        "status": attestation.status,
        "issued_by_organisation": attestation.organisation.name,
    }
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-record.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts for the city, with small cells hidden; no record behind them is reachable."""
    from registration.selectors import registration_statistics

    if not user_has_role(user=request.user, role=Role.CITY_ADMIN):  # type: ignore[arg-type]
        raise PermissionDenied
    tables = registration_statistics()
    if request.GET.get("format") == "csv":
        from portal.statistics import tables_csv

        response = HttpResponse(tables_csv(tables), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
        return response
    return render(
        request, "registration/statistics.html", {"tables": tables, "routes": Route.choices}
    )
