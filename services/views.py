"""Service pages (public) and the caseworker's referral screens (members only).

Views parse input and call one action or selector; who may see and do what is decided
in services.selectors and services.actions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal import charts, ratelimit
from portal.accounts.models import Organisation
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role
from portal.i18n.languages import text_in_language
from portal.page_cache import page_cache_seconds
from portal.statistics import tables_csv
from services import actions, search, selectors
from services.forms import (
    DirectorySearchForm,
    NoteForm,
    OutdatedReportForm,
    ReferralForm,
    TransitionForm,
)
from services.models import Referral, Service


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _need_choices(language: str) -> list[tuple[str, str]]:
    from services.models import TaxonomyTerm

    terms = TaxonomyTerm.objects.filter(taxonomy__name="Needs").order_by("code")
    return sorted(
        ((term.code, text_in_language(term, "name", language).text) for term in terms),
        key=lambda choice: choice[1],
    )


@page_cache_seconds(60)  # each result says whether it is open now
def service_search(request: HttpRequest) -> HttpResponse:
    """The directory: search by need, words, language spoken, hours, profile, age, place.

    Everything is in the URL (GET); nothing is stored and no cookie is set. Invalid
    values are explained next to their field and ignored, so the page always answers.
    """
    language = request.LANGUAGE_CODE
    form = DirectorySearchForm(request.GET or None, needs=_need_choices(language))
    data: dict[str, object] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    params = search.SearchParams(
        q=str(data.get("q") or ""),
        need=str(data.get("need") or ""),
        language=str(data.get("language") or ""),
        open_now=bool(data.get("open_now")),
        day=str(data.get("day") or ""),
        free=bool(data.get("free")),
        no_documents_required=bool(data.get("no_documents_required")),
        anonymous_ok=bool(data.get("anonymous_ok")),
        walk_in=bool(data.get("walk_in")),
        age=data.get("age"),  # type: ignore[arg-type]
        near=data.get("near"),  # type: ignore[arg-type]
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    moment = search.local_now()
    result = search.service_search(params, language=language, page=page, moment=moment)
    today = moment.date()
    rows = [
        {
            "service": service,
            "name": text_in_language(service, "name", language),
            "hours": search.hours_on(service, today),
            "is_open": search.is_open(service, moment),
            "closure": search.closure_on(service, today),
        }
        for service in result.services
    ]
    query = request.GET.copy()
    query.pop("page", None)
    facet_counts = {
        "need": {code: count for code, _label, count in result.facets.get("need", [])},
        "attribute": {code: count for code, _label, count in result.facets.get("attribute", [])},
    }
    status = 400 if form.is_bound and form.errors else 200
    response = render(
        request,
        "services/search.html",
        {
            "form": form,
            "result": result,
            "rows": rows,
            "facets": result.facets,
            "facet_counts": facet_counts,
            "query": query.urlencode(),
            "neighbourhoods": list(settings.PORTAL_NEIGHBOURHOOD_CENTRES),
            "searched": form.is_bound,
            "flag_fields": [form[name] for name in ("open_now", *Service.SEARCH_FLAGS)],
        },
        status=status,
    )
    if request.GET.get("near", "") not in ("", *settings.PORTAL_NEIGHBOURHOOD_CENTRES):
        # A position from the browser: no cache (nginx's, Redis's, the browser's) keeps it.
        response["Cache-Control"] = "private, no-store"
    return response


@page_cache_seconds(60)  # open now, today's hours
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    """A service's public page: everything a person needs to go there. Members of an
    organisation also see "refer a person"."""
    try:
        service = selectors.service_get(service_id=service_id)
    except (Service.DoesNotExist, ValidationError):
        raise Http404 from None
    language = request.LANGUAGE_CODE
    moment = search.local_now()
    today = moment.date()
    week = [today + datetime.timedelta(days=offset) for offset in range(7)]
    can_refer = bool(selectors.organisation_ids_of(user=request.user)) and (  # type: ignore[arg-type]
        service.status == Service.Status.ACTIVE
    )
    locations = [
        {
            "location": sal.location,
            "name": text_in_language(sal.location, "name", language),
            "transportation": text_in_language(sal.location, "transportation", language),
            "accessibility": [
                text_in_language(item, "description", language)
                for item in sal.location.accessibility.all()
            ],
        }
        for sal in service.service_at_locations.all()
    ]
    phones = [
        *service.phones.all(),
        *(
            phone
            for sal in service.service_at_locations.all()
            for phone in sal.location.phones.all()
        ),
    ]
    spoken = sorted(
        {item.code for item in service.languages.all() if item.code}
        | {
            item.code
            for sal in service.service_at_locations.all()
            for item in sal.location.languages.all()
            if item.code
        }
    )
    response = render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "texts": {
                field: text_in_language(service, field, language)
                for field in (
                    "name",
                    "description",
                    "application_process",
                    "fees_description",
                    "eligibility_description",
                    "alert",
                )
            },
            "week": [
                {
                    "day": day,
                    "hours": search.hours_on(service, day),
                    "closure": search.closure_on(service, day),
                }
                for day in week
            ],
            "is_open": search.is_open(service, moment),
            "locations": locations,
            "phones": phones,
            "spoken": spoken,
            "documents": [
                text_in_language(document, "document", language)
                for document in service.required_documents.all()
            ],
            "may_be_outdated": selectors.service_may_be_outdated(service=service, today=today),
            "report_form": OutdatedReportForm(),
            "reported": request.GET.get("reported") == "1",
            "can_refer": can_refer,
        },
    )
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # anonymous readers have no cookie, hence no CSRF token; nothing personal is kept
@require_http_methods(["POST"])
def service_report_outdated(request: HttpRequest, service_id: str) -> HttpResponse:
    """'This information is out of date': which part, and the day. Rate-limited."""
    try:
        service = selectors.service_get(service_id=service_id)
    except (Service.DoesNotExist, ValidationError):
        raise Http404 from None
    if ratelimit.hit(request, scope="outdated", limit=settings.OUTDATED_REPORT_RATE_PER_HOUR):
        return render(request, "services/report_limited.html", {"service": service}, status=429)
    form = OutdatedReportForm(request.POST)
    if not form.is_valid():
        return redirect(reverse("services:service-detail", args=[service.pk]) + "#report")
    actions.outdated_report_create(service=service, problem=form.cleaned_data["problem"])
    return redirect(reverse("services:service-detail", args=[service.pk]) + "?reported=1#report")


def _require_member(request: HttpRequest) -> set[int]:
    organisations = selectors.organisation_ids_of(user=request.user)  # type: ignore[arg-type]
    if not organisations:
        raise PermissionDenied
    return organisations


REFERRALS_PER_PAGE = 50


def _page(request: HttpRequest, parameter: str, referrals: object) -> object:
    """One page of a list of referrals (a constant number of queries per page)."""
    from django.core.paginator import Paginator

    return Paginator(referrals, REFERRALS_PER_PAGE).get_page(request.GET.get(parameter))


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@never_cache
def referral_list(request: HttpRequest) -> HttpResponse:
    """Inbox and outbox of the user's organisations, with simple filters."""
    organisations = _require_member(request)
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", "")
    card = request.GET.get("card", "").strip()
    token = actions.client_token_normalise(card) if card else ""
    referrals = selectors.referral_list(
        user=request.user,  # type: ignore[arg-type]
        direction=direction,
        status=status,
        client_token=token,
    )
    if card and not token:
        referrals = referrals.none()
    received = _page(
        request,
        "received_page",
        referrals.filter(receiving_organisation_id__in=organisations, sent_at__isnull=False),
    )
    sent = _page(request, "sent_page", referrals.filter(sending_organisation_id__in=organisations))
    admin_of = [
        organisation
        for organisation in Organisation.objects.filter(pk__in=organisations)
        if selectors.is_organisation_admin(user=request.user, organisation_id=organisation.pk)  # type: ignore[arg-type]
    ]
    shown = [
        *(received.object_list if direction in {"", "received"} else []),
        *(sent.object_list if direction in {"", "sent"} else []),
    ]
    actions.referral_list_read(user=request.user, referrals=shown)  # type: ignore[arg-type]
    return render(
        request,
        "services/referral_list.html",
        {
            "received": received if direction in {"", "received"} else None,
            "sent": sent if direction in {"", "sent"} else None,
            "query": _without(request, "received_page", "sent_page"),
            "direction": direction,
            "status": status,
            "card": card,
            "statuses": Referral.Status.choices,
            "admin_of": admin_of,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    try:
        service = selectors.service_get(
            service_id=request.GET.get("service") or request.POST.get("service") or ""
        )
    except (Service.DoesNotExist, ValidationError):
        raise Http404 from None
    may_override = request.user.has_perm("services.override_referral_consent")
    form = ReferralForm(request.POST or None, may_override=may_override)
    if not form.is_bound:
        form.initial["contact_language"] = request.LANGUAGE_CODE
        first_need = service.needs.first()
        if first_need is not None:
            form.initial["need"] = first_need.pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.referral_create(
                caseworker=request.user,  # type: ignore[arg-type]
                service=service,
                need=data["need"],
                client_token=data["client_token"],
                pseudonym_input=data["pseudonym_input"],
                consent=data["consent"],
                consent_override_reason=data.get("consent_override_reason", ""),
                contact_channel=data["contact_channel"],
                contact_address=data["contact_address"],
                contact_language=data["contact_language"],
                note=data["note"],
                send=request.POST.get("submit") == "send",
            )
        except ValidationError as error:
            form.add_error(None, _messages(error))
        else:
            return redirect("caseworker:referral-detail", referral_id=referral.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "services/referral_form.html",
        {"form": form, "service": service},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    _require_member(request)
    user = request.user
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "note":
                note_form = NoteForm(request.POST)
                if not note_form.is_valid():
                    raise ValidationError(_("The note is empty."))
                actions.referral_note_add(
                    referral_id=referral_id,
                    user=user,  # type: ignore[arg-type]
                    text=note_form.cleaned_data["text"],
                )
            else:
                move_form = TransitionForm(request.POST)
                move_form.is_valid()
                data = move_form.cleaned_data
                actions.referral_transition(
                    referral_id=referral_id,
                    user=user,  # type: ignore[arg-type]
                    move=data.get("move", ""),
                    decline_reason=data.get("decline_reason", ""),
                    note=data.get("note", ""),
                )
        except Referral.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            problem = _messages(error)
            status = 409
        else:
            return redirect("caseworker:referral-detail", referral_id=referral_id)
    try:
        referral = actions.referral_open(referral_id=referral_id, user=user)  # type: ignore[arg-type]
    except (Referral.DoesNotExist, ValidationError):
        raise Http404 from None
    return render(
        request,
        "services/referral_detail.html",
        {
            "referral": referral,
            "moves": actions.moves_for(referral=referral, user=user),  # type: ignore[arg-type]
            "sides": actions.user_sides(referral=referral, user=user),  # type: ignore[arg-type]
            "returning": selectors.returning_count(referral=referral),
            "transition_form": TransitionForm(),
            "note_form": NoteForm(),
            "problem": problem,
        },
        status=status,
    )


@login_required
@never_cache
def referral_audit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Who looked at or changed the organisation's referrals: its admins only."""
    _require_member(request)
    if not selectors.is_organisation_admin(user=request.user, organisation_id=organisation_id):  # type: ignore[arg-type]
        raise PermissionDenied
    organisation = Organisation.objects.get(pk=organisation_id)
    entries = selectors.referral_audit_for_organisation(
        user=request.user,  # type: ignore[arg-type]
        organisation_id=organisation_id,
    )[:500]
    return render(
        request,
        "services/referral_audit.html",
        {"organisation": organisation, "entries": entries},
    )


def _require_city_admin(request: HttpRequest) -> None:
    if not user_has_role(user=request.user, role=Role.CITY_ADMIN):  # type: ignore[arg-type]
        raise PermissionDenied


@login_required
@never_cache
def referral_statistics(request: HttpRequest) -> HttpResponse:
    """Counts for the city with small cells hidden; no referral is reachable from here."""
    _require_city_admin(request)
    tables = selectors.referral_statistics()
    labels = dict(Referral.Status.choices)
    if request.GET.get("format") == "csv":
        response = HttpResponse(tables_csv(tables), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="referrals.csv"'
        return response
    return render(
        request,
        "services/referral_statistics.html",
        {
            "tables": tables,
            "column_labels": [labels[column] for column in tables["month"].columns],
            "chart_url": reverse("caseworker:referral-chart"),
        },
    )


@login_required
@never_cache
def referral_chart(request: HttpRequest) -> HttpResponse:
    """The month table as an SVG chart, drawn on the server from the suppressed figures."""
    _require_city_admin(request)
    table = selectors.referral_statistics()["month"]
    labels = dict(Referral.Status.choices)
    svg = charts.monthly_bars(
        table,
        series_labels={column: str(labels[column]) for column in table.columns},
        title=_("Referrals sent each month, by outcome"),
        hidden_label=_("fewer than 11"),
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
