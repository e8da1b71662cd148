"""Open Referral HSDS 3.0 API of the service directory, under /api/hsds/ (public, read-only).

Paths, parameters and response shapes follow the specification's schema/openapi.json:
paginated lists ({total_items, total_pages, page_number, size, first_page, last_page,
empty, contents}), `format=ndjson` streaming every record one per line, records that
validate against the compiled HSDS schemas. Texts are in `?lang=` (default: the
portal's source language). Besides the specification's filters, /services takes the
portal's own: `language` (spoken), `no_documents_required`, `open_now`, `postcode` and
`proximity`.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.models import Organisation
from portal.i18n.languages import search_config
from services import hsds
from services.models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from services.search import SearchParams, service_search

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
STREAM_CHUNK = 200
NDJSON = "application/x-ndjson"
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off", ""}
ALL_STATUSES = tuple(Service.Status.values)  # HSDS publishes every status
LANGUAGE_CODE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")

Json = dict[str, Any]
M = TypeVar("M", bound=Model)


# --- Query parameters -----------------------------------------------------------------------


def _param(request: Request, name: str) -> str:
    return str(request.query_params.get(name, "")).strip()


def requested_language(request: Request) -> str:
    language = _param(request, "lang") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"lang": [f"Unknown language {language[:10]!r}."]})
    return language


def _bool(request: Request, name: str) -> bool:
    value = _param(request, name).lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValidationError({name: ["Expected true or false."]})


def _positive_int(request: Request, name: str, default: int) -> int:
    value = _param(request, name)
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValidationError({name: ["Expected a whole number of at least 1."]})
    return int(value)


def _uuid(request: Request, name: str) -> uuid.UUID | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: ["Expected a UUID."]}) from None


def _modified_after(request: Request) -> datetime.datetime | None:
    value = _param(request, "modified_after")
    if not value:
        return None
    moment = parse_datetime(value.replace(" ", "+"))  # a '+' of an offset arrives as ' '
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValidationError({"modified_after": ["Expected an ISO 8601 date-time."]})
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows. A moment
    # at the very edge of the calendar is clamped to a day inside it.
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        year, month, day = (1, 1, 2) if moment.year == 1 else (9999, 12, 30)
        return datetime.datetime(year, month, day, tzinfo=datetime.UTC)


def _wants_ndjson(request: Request) -> bool:
    value = _param(request, "format").lower()
    if value not in ("", "json", "ndjson"):
        raise ValidationError({"format": ["Expected json or ndjson."]})
    return value == "ndjson"


def _pagination(request: Request) -> tuple[int, int]:
    page = _positive_int(request, "page", 1)
    per_page = min(_positive_int(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


def _near(request: Request) -> tuple[float, float, float | None] | None:
    """`proximity=lat,lon` (nearest first) or `lat,lon,km` (and within km)."""
    value = _param(request, "proximity")
    if not value:
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        raise ValidationError({"proximity": ["Expected lat,lon or lat,lon,km."]}) from None
    if len(numbers) not in (2, 3) or not all(math.isfinite(number) for number in numbers):
        raise ValidationError({"proximity": ["Expected lat,lon or lat,lon,km."]})
    latitude, longitude = numbers[0], numbers[1]
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"proximity": ["Coordinates out of range."]})
    radius = None
    if len(numbers) == 3:
        radius = numbers[2]
        if radius <= 0:
            raise ValidationError({"proximity": ["The distance must be positive."]})
    return latitude, longitude, radius


# --- Responses ------------------------------------------------------------------------------


class IgnoreFormatNegotiation(BaseContentNegotiation):
    """Always JSON: `?format=` is the HSDS parameter here, not DRF's renderer switch."""

    def select_parser(self, request: Request, parsers: Sequence[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


def page_body(contents: list[Json], *, total: int, page: int, per_page: int) -> Json:
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _ndjson(records: Iterable[Json]) -> StreamingHttpResponse:
    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return StreamingHttpResponse(lines, content_type=NDJSON)


def _chunks_by_pk(queryset: QuerySet[M]) -> Iterator[list[M]]:
    """The queryset in pk order, STREAM_CHUNK rows at a time (keyset pagination: no
    long-lived cursor, constant memory)."""
    last = None
    while True:
        chunk_query = queryset.order_by("pk")
        if last is not None:
            chunk_query = chunk_query.filter(pk__gt=last)
        chunk = list(chunk_query[:STREAM_CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _listing(
    request: Request, queryset: QuerySet[M], serialize: Callable[[list[M]], list[Json]]
) -> HttpResponseBase:
    """A page of the queryset, or with format=ndjson every row streamed."""
    if _wants_ndjson(request):
        return _ndjson(record for chunk in _chunks_by_pk(queryset) for record in serialize(chunk))
    page, per_page = _pagination(request)
    total = queryset.count()
    offset = (page - 1) * per_page
    objects = list(queryset[offset : offset + per_page]) if offset < total else []
    return Response(page_body(serialize(objects), total=total, page=page, per_page=per_page))


def _get(queryset: QuerySet[M], **lookup: object) -> M:
    """One object by a string id from the path: an id that is not a UUID is unknown too."""
    try:
        lookup = {key: uuid.UUID(str(value)) for key, value in lookup.items()}
        return queryset.get(**lookup)
    except (ValueError, queryset.model.DoesNotExist):
        raise Http404 from None


# --- Schema documentation -------------------------------------------------------------------


def _hsds_object(schema_path: str, description: str) -> Json:
    return {
        "type": "object",
        "description": f"{description} (HSDS 3.0, {hsds.SCHEMA_BASE_URL}{schema_path})",
        "externalDocs": {"url": f"{hsds.SCHEMA_BASE_URL}{schema_path}"},
        "additionalProperties": True,
    }


def _list_responses(page: Json) -> dict[tuple[int, str], Json]:
    """A list operation's 200 answer: a JSON page, or with format=ndjson every record,
    one JSON object per line."""
    return {
        (200, "application/json"): page,
        (200, NDJSON): {"type": "string", "description": "One JSON record per line."},
    }


def _page_of(schema_path: str, description: str) -> Json:
    return {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
        "properties": {
            "total_items": {"type": "integer", "description": "Number of records in all pages."},
            "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"},
            "size": {"type": "integer", "description": "Number of records in this page."},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean", "description": "Whether this page has no records."},
            "contents": {"type": "array", "items": _hsds_object(schema_path, description)},
        },
    }


def _parameter(name: str, kind: Any, description: str, **options: Any) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, **options)


LANG = _parameter(
    "lang",
    OpenApiTypes.STR,
    "Language of the texts; a missing text falls back along the configured chain.",
    enum=[code for code, _name in settings.LANGUAGES],
)
SEARCH = _parameter("search", OpenApiTypes.STR, "Full text search.")
PAGE = _parameter("page", OpenApiTypes.INT, "Page number (from 1).")
PER_PAGE = _parameter(
    "per_page",
    OpenApiTypes.INT,
    f"Records per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE}).",
)
FORMAT = _parameter(
    "format",
    OpenApiTypes.STR,
    "`ndjson` streams every record, one JSON object per line, without pagination.",
    enum=["json", "ndjson"],
)
FULL = _parameter("full", OpenApiTypes.BOOL, "Return fully nested records.")
TAXONOMY_TERM_ID = _parameter(
    "taxonomy_term_id", OpenApiTypes.UUID, "Only records linked to this taxonomy term."
)
ORGANIZATION_ID = _parameter(
    "organization_id", OpenApiTypes.UUID, "Only services this organization provides."
)
MODIFIED_AFTER = _parameter(
    "modified_after", OpenApiTypes.DATETIME, "Only records modified on or after this moment."
)
POSTCODE = _parameter(
    "postcode", OpenApiTypes.STR, "Only services at a public place with this postcode."
)
PROXIMITY = _parameter(
    "proximity",
    OpenApiTypes.STR,
    "`lat,lon`: nearest first, by the service's nearest public place; `lat,lon,km`: and "
    "only within that many kilometres.",
)
SPOKEN_LANGUAGE = _parameter(
    "language", OpenApiTypes.STR, "Only services where this language (ISO 639 code) is spoken."
)
NO_DOCUMENTS_REQUIRED = _parameter(
    "no_documents_required", OpenApiTypes.BOOL, "Only services that ask for no documents."
)
OPEN_NOW = _parameter(
    "open_now", OpenApiTypes.BOOL, "Only services open now (in the city's time zone)."
)
FULL_SERVICE = _parameter(
    "full_service", OpenApiTypes.BOOL, "Nest the organization's services fully."
)
TAXONOMY_ID = _parameter("taxonomy_id", OpenApiTypes.UUID, "Only terms of this taxonomy.")
PARENT_ID = _parameter("parent_id", OpenApiTypes.UUID, "Only terms under this term.")
TOP_ONLY = _parameter("top_only", OpenApiTypes.BOOL, "Only terms with no parent.")
ERROR = {"type": "object", "additionalProperties": True, "description": "What was wrong."}
TAGS = ["HSDS 3.0"]


# --- Views ----------------------------------------------------------------------------------


# Public and read-only: no authentication, no session, no CSRF; any site may read it.
class HsdsApi(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreFormatNegotiation

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            response["Content-Language"] = _param(request, "lang") or settings.LANGUAGE_CODE
        return response


class HsdsRootApi(HsdsApi):
    @extend_schema(
        operation_id="getAPIMetaInformation",
        summary="This API and its relationship with HSDS.",
        tags=TAGS,
        responses={
            200: {
                "type": "object",
                "required": ["version", "profile", "openapi_url"],
                "properties": {
                    "version": {"type": "string", "description": "HSDS version of this API."},
                    "profile": {"type": "string", "format": "uri"},
                    "openapi_url": {"type": "string", "format": "uri"},
                },
            }
        },
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": request.build_absolute_uri(reverse("hsds:profile")),
                "openapi_url": hsds.OPENAPI_URL,
            }
        )


class HsdsProfileApi(HsdsApi):
    @extend_schema(
        operation_id="getHsdsProfile",
        summary="The portal's HSDS profile: its taxonomy and conventions.",
        tags=TAGS,
        parameters=[LANG],
        responses={200: {"type": "object", "additionalProperties": True}},
    )
    def get(self, request: Request) -> Response:
        language = requested_language(request)
        terms = hsds.profile_terms()
        taxonomy = terms[hsds.CLOSURE_CODE].taxonomy
        return Response(
            {
                "name": "Right to the City portal HSDS profile",
                "hsds_version": hsds.HSDS_VERSION,
                "taxonomy": hsds.taxonomy_to_hsds(taxonomy),
                "terms": [
                    hsds.taxonomy_term_to_hsds(terms[code], language)
                    for code in hsds.ALL_PROFILE_CODES
                ],
                "conventions": {
                    "language": "Texts are in the language asked with ?lang=, or in the "
                    "next language of the portal's fallback chain; each taxonomy term says "
                    "its language.",
                    "needs": "A service's needs are attributes linking to terms of the "
                    f"taxonomy named {hsds.NEEDS_TAXONOMY_NAME!r}.",
                    "profile": "Attributes linking to the terms "
                    f"{', '.join(hsds.PROFILE_CODES)} of the taxonomy named "
                    f"{hsds.PROFILE_TAXONOMY_NAME!r}, with value {hsds.PROFILE_VALUE!r}, say "
                    "that the service has that property; a service without the attribute "
                    "does not.",
                    "closures": "A schedule with valid_from and valid_to, no opening times, "
                    f"the description {hsds.CLOSED_DESCRIPTION!r} (or "
                    f"'{hsds.CLOSED_DESCRIPTION}: <reason>') and an attribute linking to the "
                    f"term {hsds.CLOSURE_CODE!r} is a closure: the service is closed on "
                    "those days whatever its weekly hours say.",
                    "confidential_locations": "Confidential locations (shelters) are "
                    "published without addresses, coordinates or directions.",
                },
            }
        )


# Services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFilters:
    params: SearchParams | None  # None: no filter, the whole directory
    matches_nothing: bool = False


def _service_filters(request: Request) -> ServiceFilters:
    values: dict[str, Any] = {}
    if query := _param(request, "search"):
        values["q"] = query
    if term_id := _uuid(request, "taxonomy_term_id"):
        values["taxonomy_term_id"] = term_id
    if organization_id := _uuid(request, "organization_id"):
        organisation_pk = (
            Organisation.objects.filter(hsds_id=organization_id)
            .values_list("pk", flat=True)
            .first()
        )
        if organisation_pk is None:
            return ServiceFilters(params=None, matches_nothing=True)
        values["organisation"] = organisation_pk
    if modified_after := _modified_after(request):
        # HSDS says "on or after"; the search keeps what is strictly after.
        values["modified_after"] = modified_after - datetime.timedelta(microseconds=1)
    if spoken := _param(request, "language"):
        if not LANGUAGE_CODE.match(spoken):
            raise ValidationError({"language": ["Expected an ISO 639 language code."]})
        values["language"] = spoken.lower()
    if _bool(request, "no_documents_required"):
        values["no_documents_required"] = True
    if _bool(request, "open_now"):
        values["open_now"] = True
    if postcode := _param(request, "postcode"):
        values["postcode"] = postcode[:20]
    if near := _near(request):
        values["near"] = near[:2]
        values["radius_km"] = near[2]
    if not values:
        return ServiceFilters(params=None)
    return ServiceFilters(params=SearchParams(statuses=ALL_STATUSES, **values))


def _serialize_services(services: list[Service], language: str, *, full: bool) -> list[Json]:
    if not full:
        return [hsds.service_to_hsds(service, language, nested=False) for service in services]
    profile = hsds.profile_terms()
    attributes = hsds.stored_attributes(hsds.link_ids_of_services(services))
    return [
        hsds.service_to_hsds(service, language, nested=True, profile=profile, attributes=attributes)
        for service in services
    ]


def _services_by_ids(ids: list[Any], *, full: bool) -> list[Service]:
    """The services with these ids, prefetched, in the same order."""
    found = hsds.services_queryset_for_hsds(nested=full).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _searched_services(
    params: SearchParams, language: str, *, page: int, per_page: int, full: bool
) -> tuple[list[Service], int]:
    result = service_search(
        params,
        language=language,
        page=page,
        per_page=per_page,
        with_facets=False,
        with_services=False,  # read once, below, as the answer needs them
    )
    if result.page != page:  # the search shows the last page for one beyond it; HSDS none
        return [], result.total
    services = _services_by_ids([uuid.UUID(pk) for pk in result.service_ids], full=full)
    return services, result.total


class HsdsServiceListApi(HsdsApi):
    @extend_schema(
        operation_id="getPaginatedListOfServices",
        summary="Paginated listing of services (one-to-one fields; `full` nests them).",
        tags=TAGS,
        parameters=[
            LANG,
            SEARCH,
            PAGE,
            PER_PAGE,
            FORMAT,
            TAXONOMY_TERM_ID,
            ORGANIZATION_ID,
            MODIFIED_AFTER,
            FULL,
            SPOKEN_LANGUAGE,
            NO_DOCUMENTS_REQUIRED,
            OPEN_NOW,
            POSTCODE,
            PROXIMITY,
        ],
        responses={
            **_list_responses(_page_of("compiled/service_list.json", "A service")),
            400: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        language = requested_language(request)
        full = _bool(request, "full")
        filters = _service_filters(request)
        if filters.params is None:
            queryset = hsds.services_queryset_for_hsds(nested=full)
            if filters.matches_nothing:
                queryset = queryset.none()
            queryset = queryset.order_by(f"name_{language.replace('-', '_')}", "pk")
            return _listing(
                request,
                queryset,
                lambda services: _serialize_services(services, language, full=full),
            )
        if _wants_ndjson(request):
            return _ndjson(self._stream(filters.params, language, full=full))
        page, per_page = _pagination(request)
        services, total = _searched_services(
            filters.params, language, page=page, per_page=per_page, full=full
        )
        contents = _serialize_services(services, language, full=full)
        return Response(page_body(contents, total=total, page=page, per_page=per_page))

    @staticmethod
    def _stream(params: SearchParams, language: str, *, full: bool) -> Iterator[Json]:
        page = 1
        while True:
            services, total = _searched_services(
                params, language, page=page, per_page=STREAM_CHUNK, full=full
            )
            yield from _serialize_services(services, language, full=full)
            if not services or page * STREAM_CHUNK >= total:
                return
            page += 1


class HsdsServiceDetailApi(HsdsApi):
    @extend_schema(
        operation_id="getFullyNestedServiceById",
        summary="A fully nested service with all related data.",
        tags=TAGS,
        parameters=[LANG],
        responses={
            200: _hsds_object("compiled/service.json", "A fully nested service"),
            404: ERROR,
        },
    )
    def get(self, request: Request, pk: str) -> Response:
        language = requested_language(request)
        service = _get(hsds.services_queryset_for_hsds(), pk=pk)
        return Response(_serialize_services([service], language, full=True)[0])


# Organizations ------------------------------------------------------------------------------


def _serialize_organisations(
    organisations: list[Organisation], language: str, *, full: bool, full_service: bool
) -> list[Json]:
    if not full:
        return [hsds.organization_to_hsds(organisation) for organisation in organisations]
    profile = hsds.profile_terms() if full_service else None
    attributes = hsds.stored_attributes(
        hsds.link_ids_of_organisations(organisations, full_service=full_service)
    )
    return [
        hsds.organization_to_hsds(
            organisation,
            nested=True,
            language=language,
            full_service=full_service,
            profile=profile,
            attributes=attributes,
        )
        for organisation in organisations
    ]


class HsdsOrganizationListApi(HsdsApi):
    @extend_schema(
        operation_id="getPaginatedListOfOrganizations",
        summary="Paginated listing of the organizations that provide services.",
        tags=TAGS,
        parameters=[LANG, SEARCH, FULL_SERVICE, FULL, PAGE, PER_PAGE, FORMAT],
        responses={
            **_list_responses(_page_of("compiled/organization_list.json", "An organization")),
            400: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        language = requested_language(request)
        full = _bool(request, "full")
        full_service = _bool(request, "full_service")
        queryset = hsds.organizations_queryset_for_hsds(nested=full, full_service=full_service)
        if query := _param(request, "search"):
            queryset = queryset.filter(Q(name__icontains=query) | Q(description__icontains=query))
        return _listing(
            request,
            queryset.order_by("name", "pk"),
            lambda organisations: _serialize_organisations(
                organisations, language, full=full, full_service=full_service
            ),
        )


class HsdsOrganizationDetailApi(HsdsApi):
    @extend_schema(
        operation_id="getOrganizationById",
        summary="A fully nested organization; its services with one-to-one fields unless "
        "`full_service`.",
        tags=TAGS,
        parameters=[LANG, FULL_SERVICE],
        responses={
            200: _hsds_object("compiled/organization.json", "A fully nested organization"),
            404: ERROR,
        },
    )
    def get(self, request: Request, pk: str) -> Response:
        language = requested_language(request)
        full_service = _bool(request, "full_service")
        organisation = _get(
            hsds.organizations_queryset_for_hsds(nested=True, full_service=full_service),
            hsds_id=pk,
        )
        return Response(
            _serialize_organisations(
                [organisation], language, full=True, full_service=full_service
            )[0]
        )


# Services at locations ----------------------------------------------------------------------


def _serialize_service_at_locations(
    rows: list[ServiceAtLocation], language: str, *, full: bool
) -> list[Json]:
    if not full:
        return [hsds.service_at_location_to_hsds(sal, language, nested=False) for sal in rows]
    profile = hsds.profile_terms()
    link_ids = {id_ for sal in rows for id_ in (sal.pk, sal.location_id, sal.service_id)}
    attributes = hsds.stored_attributes(link_ids)
    return [
        hsds.service_at_location_to_hsds(
            sal, language, nested=True, profile=profile, attributes=attributes
        )
        for sal in rows
    ]


class HsdsServiceAtLocationListApi(HsdsApi):
    @extend_schema(
        operation_id="getPaginatedListOfServiceAtLocation",
        summary="Paginated listing of services at locations (one-to-one fields; `full` "
        "nests them).",
        tags=TAGS,
        parameters=[
            LANG,
            SEARCH,
            TAXONOMY_TERM_ID,
            ORGANIZATION_ID,
            MODIFIED_AFTER,
            FULL,
            PAGE,
            PER_PAGE,
            FORMAT,
            _parameter(
                "postcode",
                OpenApiTypes.STR,
                "Only public locations with an address at this postcode.",
            ),
        ],
        responses={
            **_list_responses(
                _page_of("compiled/service_at_location_list.json", "A service at a location")
            ),
            400: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        language = requested_language(request)
        full = _bool(request, "full")
        queryset = hsds.service_at_locations_queryset_for_hsds(nested=full)
        if query := _param(request, "search"):
            queryset = queryset.filter(
                service__search_documents__language=language,
                service__search_documents__document=SearchQuery(
                    query, config=search_config(language), search_type="websearch"
                ),
            )
        if term_id := _uuid(request, "taxonomy_term_id"):
            queryset = queryset.filter(service__needs=term_id)
        if organization_id := _uuid(request, "organization_id"):
            queryset = queryset.filter(service__organisation__hsds_id=organization_id)
        if modified_after := _modified_after(request):
            queryset = queryset.filter(
                Q(updated_at__gte=modified_after) | Q(service__updated_at__gte=modified_after)
            )
        if postcode := _param(request, "postcode"):
            queryset = queryset.filter(
                location__is_confidential=False,
                location__addresses__postal_code__iexact=postcode,
            ).distinct()
        return _listing(
            request,
            queryset.order_by("pk"),
            lambda rows: _serialize_service_at_locations(rows, language, full=full),
        )


class HsdsServiceAtLocationDetailApi(HsdsApi):
    @extend_schema(
        operation_id="getServiceAtLocationWithNestedDataById",
        summary="A fully nested service at a location, with its location and service.",
        tags=TAGS,
        parameters=[LANG],
        responses={
            200: _hsds_object(
                "compiled/service_at_location.json", "A fully nested service at a location"
            ),
            404: ERROR,
        },
    )
    def get(self, request: Request, pk: str) -> Response:
        language = requested_language(request)
        sal = _get(hsds.service_at_locations_queryset_for_hsds(), pk=pk)
        return Response(_serialize_service_at_locations([sal], language, full=True)[0])


# Taxonomies ---------------------------------------------------------------------------------


class HsdsTaxonomyListApi(HsdsApi):
    @extend_schema(
        operation_id="getPaginatedListOfTaxonomies",
        summary="Paginated listing of taxonomies.",
        tags=TAGS,
        parameters=[SEARCH, PAGE, PER_PAGE, FORMAT],
        responses={**_list_responses(_page_of("taxonomy.json", "A taxonomy")), 400: ERROR},
    )
    def get(self, request: Request) -> HttpResponseBase:
        hsds.profile_terms()  # the profile's taxonomy is always published
        queryset = Taxonomy.objects.all()
        if query := _param(request, "search"):
            queryset = queryset.filter(Q(name__icontains=query) | Q(description__icontains=query))
        return _listing(
            request,
            queryset.order_by("name", "pk"),
            lambda taxonomies: [hsds.taxonomy_to_hsds(taxonomy) for taxonomy in taxonomies],
        )


class HsdsTaxonomyDetailApi(HsdsApi):
    @extend_schema(
        operation_id="getTaxonomyById",
        summary="A taxonomy.",
        tags=TAGS,
        responses={200: _hsds_object("taxonomy.json", "A taxonomy"), 404: ERROR},
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(hsds.taxonomy_to_hsds(_get(Taxonomy.objects.all(), pk=pk)))


def _term_search(query: str, language: str) -> Q:
    condition = Q()
    for code in dict.fromkeys((language, settings.LANGUAGE_CODE)):
        column = code.replace("-", "_")
        condition |= Q(**{f"name_{column}__icontains": query})
        condition |= Q(**{f"description_{column}__icontains": query})
    return condition | Q(code__icontains=query)


class HsdsTaxonomyTermListApi(HsdsApi):
    @extend_schema(
        operation_id="getPaginatedListOfTaxonomyTerms",
        summary="Paginated listing of taxonomy terms.",
        tags=TAGS,
        parameters=[LANG, SEARCH, PAGE, PER_PAGE, FORMAT, TAXONOMY_ID, TOP_ONLY, PARENT_ID],
        responses={
            **_list_responses(_page_of("taxonomy_term.json", "A taxonomy term")),
            400: ERROR,
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        language = requested_language(request)
        hsds.profile_terms()  # the profile's terms are always published
        queryset = TaxonomyTerm.objects.select_related("taxonomy")
        if query := _param(request, "search"):
            queryset = queryset.filter(_term_search(query, language))
        if taxonomy_id := _uuid(request, "taxonomy_id"):
            queryset = queryset.filter(taxonomy_id=taxonomy_id)
        if parent_id := _uuid(request, "parent_id"):
            queryset = queryset.filter(parent_id=parent_id)
        if _bool(request, "top_only"):
            queryset = queryset.filter(parent__isnull=True)
        return _listing(
            request,
            queryset.order_by("taxonomy__name", "code", "pk"),
            lambda terms: [hsds.taxonomy_term_to_hsds(term, language) for term in terms],
        )


class HsdsTaxonomyTermDetailApi(HsdsApi):
    @extend_schema(
        operation_id="getTaxonomyTermById",
        summary="A taxonomy term.",
        tags=TAGS,
        parameters=[LANG],
        responses={200: _hsds_object("taxonomy_term.json", "A taxonomy term"), 404: ERROR},
    )
    def get(self, request: Request, pk: str) -> Response:
        language = requested_language(request)
        hsds.profile_terms()  # the profile's terms are named as the catalogue says
        term = _get(TaxonomyTerm.objects.select_related("taxonomy"), pk=pk)
        return Response(hsds.taxonomy_term_to_hsds(term, language))
