"""Directory search: stored full-text documents per language, spelling tolerance, and the
filters a newcomer needs (need, language spoken, open now / on a day, free, no
documents asked, anonymous, walk-in, age, near a place), with facet counts.

Every filter is one SQL condition on `services_service`, so a page costs the same few
queries however large the directory is; distance is computed in PostgreSQL
(equirectangular approximation, exact enough within a city) from the service's nearest
location.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from portal.i18n.languages import language_chain, search_config

SCOPE = "services"
# Statuses the public search shows; the HSDS API passes all of them.
PUBLIC_STATUSES = ("active", "temporarily closed")
ALL_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
MAX_PER_PAGE = 200
EARTH_RADIUS_KM = 6371.0
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


# --- Indexing --------------------------------------------------------------------------------


def _coalesced(table: str, column: str, language: str) -> str:
    """SQL for the text a reader of `language` sees: their language, then the chain."""
    parts = [
        f"NULLIF({table}.{column}_{code.replace('-', '_')}, '')"
        for code in language_chain(language)
    ]
    return f"COALESCE({', '.join(parts)}, '')"


def reindex(service_ids: Iterable[object] | None = None) -> None:
    """(Re)build the stored search documents of the given services (all when None).

    One set-based statement per language: names weigh most, then needs, then the
    description and the organisation's name. Safe to run twice.
    """
    ids = None if service_ids is None else [str(pk) for pk in service_ids]
    where = "" if ids is None else "WHERE s.id = ANY(%s::uuid[])"
    with transaction.atomic(), connection.cursor() as cursor:
        if ids is None:
            cursor.execute("DELETE FROM services_servicesearchdocument")
        else:
            cursor.execute(
                "DELETE FROM services_servicesearchdocument WHERE service_id = ANY(%s::uuid[])",
                [ids],
            )
        for language, _name in settings.LANGUAGES:
            config = search_config(language)
            name = _coalesced("s", "name", language)
            description = _coalesced("s", "description", language)
            need = _coalesced("t", "name", language)
            cursor.execute(
                f"""
                INSERT INTO services_servicesearchdocument (service_id, language, document)
                SELECT s.id, %s,
                       setweight(to_tsvector(%s::regconfig, {name} || ' ' || s.alternate_name), 'A')
                    || setweight(to_tsvector(%s::regconfig, COALESCE((
                           SELECT string_agg({need}, ' ')
                           FROM services_service_needs sn
                           JOIN services_taxonomyterm t ON t.id = sn.taxonomyterm_id
                           WHERE sn.service_id = s.id), '')), 'B')
                    || setweight(to_tsvector(%s::regconfig, {description} || ' ' || o.name), 'C')
                FROM services_service s
                JOIN accounts_organisation o ON o.id = s.organisation_id
                {where}
                """,  # noqa: S608 - column names come from settings.LANGUAGES, not input
                [language, config, config, config, *([ids] if ids is not None else [])],
            )


def vocabulary_rebuild() -> None:
    """The words of service names and needs per language, for spelling correction."""
    from portal import search as word_search
    from services.models import Service, TaxonomyTerm

    for language, _name in settings.LANGUAGES:
        column = f"name_{language.replace('-', '_')}"
        texts = [
            *Service.objects.filter(**{f"{column}__gt": ""}).values_list(column, flat=True)[:20000],
            *TaxonomyTerm.objects.filter(**{f"{column}__gt": ""}).values_list(column, flat=True),
        ]
        word_search.vocabulary_replace(scope=SCOPE, language=language, texts=texts)


# --- Searching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """What the search page and the HSDS API accept (all optional)."""

    q: str = ""
    need: str = ""  # a taxonomy term code; its narrower terms are included
    language: str = ""  # ISO 639 code of a language spoken
    open_now: bool = False
    day: str = ""  # MO … SU: open at some time that day
    free: bool = False
    no_documents_required: bool = False
    anonymous_ok: bool = False
    walk_in: bool = False
    age: int | None = None
    near: tuple[float, float] | None = None  # latitude, longitude
    organisation: object | None = None  # accounts.Organisation pk
    taxonomy_term_id: object | None = None  # HSDS: a term's UUID
    modified_after: datetime.datetime | None = None
    postcode: str = ""
    radius_km: float | None = None  # with `near`: only services within this distance
    statuses: tuple[str, ...] = PUBLIC_STATUSES


@dataclass
class SearchResult:
    services: list[object]  # Service objects, annotated with `distance_km` when near is set
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    corrected_query: str | None = None


def distance_km(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Great-circle distance (haversine), for tests and display."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def local_now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.localtime()


def weekday_code(day: datetime.date) -> str:
    return WEEKDAYS[day.weekday()]


def parse_near(value: str) -> tuple[float, float] | None:
    """A neighbourhood of PORTAL_NEIGHBOURHOOD_CENTRES or "lat,lon"; None if neither."""
    centres = settings.PORTAL_NEIGHBOURHOOD_CENTRES
    if value in centres:
        latitude, longitude = centres[value]
        return float(latitude), float(longitude)
    parts = value.split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def need_and_narrower(code: str) -> list[object]:
    """Ids of the term with this code and of every term under it (any depth)."""
    from services.models import TaxonomyTerm

    terms = list(TaxonomyTerm.objects.values_list("pk", "code", "parent_id"))
    wanted = {pk for pk, term_code, _parent in terms if term_code == code}
    changed = True
    while changed:
        children = {pk for pk, _code, parent in terms if parent in wanted and pk not in wanted}
        wanted |= children
        changed = bool(children)
    return list(wanted)


def _open_condition(moment: datetime.datetime):  # type: ignore[no-untyped-def]
    """SQL condition: open at `moment` (local time), overnight rules and closures included."""
    from django.db.models import Exists, F, OuterRef, Q

    from services.models import Closure, Schedule

    today = moment.date()
    yesterday = today - datetime.timedelta(days=1)
    now = moment.time().replace(microsecond=0)

    def rules(day: datetime.date):  # type: ignore[no-untyped-def]
        return Schedule.objects.filter(
            Q(service=OuterRef("pk")) | Q(service_at_location__service=OuterRef("pk")),
            Q(freq__in=["WEEKLY", ""]),
            Q(byday__contains=weekday_code(day)),
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            opens_at__isnull=False,
            closes_at__isnull=False,
        )

    def closed_on(day: datetime.date):  # type: ignore[no-untyped-def]
        return Exists(
            Closure.objects.filter(service=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
        )

    open_today = Exists(
        rules(today).filter(
            Q(opens_at__lte=now) & (Q(closes_at__gt=now) | Q(closes_at__lte=F("opens_at")))
        )
    )
    still_open_from_yesterday = Exists(
        rules(yesterday).filter(closes_at__lt=F("opens_at"), closes_at__gt=now)
    )
    return (open_today & ~closed_on(today)) | (still_open_from_yesterday & ~closed_on(yesterday))


def _distance_expression(near: tuple[float, float]):  # type: ignore[no-untyped-def]
    """Kilometres from `near` to the service's nearest published location (SQL)."""
    from django.db.models import F, FloatField, OuterRef, Subquery, Value
    from django.db.models.functions import Sqrt

    from services.models import Location

    latitude, longitude = near
    kilometres_per_degree = math.pi * EARTH_RADIUS_KM / 180
    scale = math.cos(math.radians(latitude))
    nearest = (
        Location.objects.filter(
            service_at_locations__service=OuterRef("pk"),
            latitude__isnull=False,
            longitude__isnull=False,
            is_confidential=False,
        )
        .annotate(
            kilometres=Sqrt(
                (F("latitude") - Value(latitude)) * (F("latitude") - Value(latitude))
                + (F("longitude") - Value(longitude))
                * (F("longitude") - Value(longitude))
                * Value(scale * scale),
                output_field=FloatField(),
            )
            * Value(kilometres_per_degree)
        )
        .order_by("kilometres")
        .values("kilometres")[:1]
    )
    return Subquery(nearest, output_field=FloatField())


def _filtered(params: SearchParams, language: str, moment: datetime.datetime, query: str):  # type: ignore[no-untyped-def]
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import Exists, F, OuterRef, Q, Subquery

    from services.models import Address, Language, Schedule, Service, ServiceSearchDocument

    services = Service.objects.filter(status__in=params.statuses)
    if query:
        search_query = SearchQuery(query, search_type="websearch", config=search_config(language))
        documents = ServiceSearchDocument.objects.filter(
            service=OuterRef("pk"), language=language, document=search_query
        )
        services = services.filter(Exists(documents)).annotate(
            rank=Subquery(
                documents.annotate(rank=SearchRank(F("document"), search_query)).values("rank")[:1]
            )
        )
    if params.need:
        services = services.filter(
            Exists(
                Service.needs.through.objects.filter(
                    service_id=OuterRef("pk"), taxonomyterm_id__in=need_and_narrower(params.need)
                )
            )
        )
    if params.taxonomy_term_id:
        services = services.filter(
            Exists(
                Service.needs.through.objects.filter(
                    service_id=OuterRef("pk"), taxonomyterm_id=params.taxonomy_term_id
                )
            )
        )
    if params.language:
        services = services.filter(
            Exists(Language.objects.filter(service=OuterRef("pk"), code=params.language))
            | Exists(
                Language.objects.filter(
                    location__service_at_locations__service=OuterRef("pk"), code=params.language
                )
            )
        )
    if params.open_now:
        services = services.filter(_open_condition(moment))
    if params.day:
        services = services.filter(
            Exists(
                Schedule.objects.filter(
                    Q(service=OuterRef("pk")) | Q(service_at_location__service=OuterRef("pk")),
                    byday__contains=params.day,
                    opens_at__isnull=False,
                )
            )
        )
    for flag in ("free", "no_documents_required", "anonymous_ok", "walk_in"):
        if getattr(params, flag):
            services = services.filter(**{flag: True})
    if params.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=params.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=params.age),
        )
    if params.organisation is not None:
        services = services.filter(organisation_id=params.organisation)
    if params.modified_after is not None:
        services = services.filter(updated_at__gt=params.modified_after)
    if params.postcode:
        services = services.filter(
            Exists(
                Address.objects.filter(
                    location__service_at_locations__service=OuterRef("pk"),
                    location__is_confidential=False,  # a shelter's postcode is not given away
                    postal_code=params.postcode,
                )
            )
        )
    if params.near is not None:
        services = services.annotate(distance_km=_distance_expression(params.near))
        if params.radius_km is not None:
            services = services.filter(distance_km__lte=params.radius_km)
    return services


def _facets(services, language: str) -> dict[str, list[tuple[str, str, int]]]:  # type: ignore[no-untyped-def]
    from django.db.models import Count, Q

    from portal.i18n.languages import language_name, text_in_language
    from services.models import Language, TaxonomyTerm

    ids = services.values("pk")
    need_counts = dict(
        TaxonomyTerm.objects.filter(services__in=ids)
        .values("code")
        .annotate(count=Count("services", distinct=True))
        .values_list("code", "count")
    )
    terms = {term.code: term for term in TaxonomyTerm.objects.filter(code__in=need_counts)}
    needs = sorted(
        (
            (code, text_in_language(terms[code], "name", language).text, count)
            for code, count in need_counts.items()
            if code in terms
        ),
        key=lambda item: (-item[2], item[1]),
    )
    languages = [
        (code, language_name(code), count)
        for code, count in Language.objects.filter(service__in=ids)
        .exclude(code="")
        .values("code")
        .annotate(count=Count("service", distinct=True))
        .order_by("-count", "code")
        .values_list("code", "count")[:15]
    ]
    flags = services.aggregate(
        **{
            flag: Count("pk", filter=Q(**{flag: True}))
            for flag in ("free", "no_documents_required", "anonymous_ok", "walk_in")
        }
    )
    return {
        "need": needs,
        "language": languages,
        "attribute": [(flag, flag, count) for flag, count in flags.items()],
    }


def service_search(
    params: SearchParams,
    *,
    language: str,
    page: int = 1,
    per_page: int = 20,
    moment: datetime.datetime | None = None,
    with_facets: bool = True,
) -> SearchResult:
    """One page of services matching `params` for a reader of `language`.

    Text is matched in the reader's language (with the texts they would see in a
    fallback language); when nothing matches, a misspelt word is corrected from the
    directory's vocabulary and the search is run again.
    """
    from portal import search as word_search
    from services.selectors import service_list_prefetched

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    moment = moment or local_now()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = " ".join(params.q.split())[:200]
    services = _filtered(params, language, moment, query)
    total = services.count()
    corrected = None
    if query and total == 0:
        corrected = word_search.correct_query(scope=SCOPE, language=language, query=query)
        if corrected:
            services = _filtered(params, language, moment, corrected)
            total = services.count()
    ordering: list[object] = []
    if params.near is not None:
        from django.db.models import F

        ordering.append(F("distance_km").asc(nulls_last=True))
    if query:
        from django.db.models import F

        ordering.append(F("rank").desc(nulls_last=True))
    ordering.extend([f"name_{language.replace('-', '_')}", "pk"])
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    columns = ["pk", "distance_km"] if params.near is not None else ["pk"]
    rows = list(services.order_by(*ordering).values_list(*columns)[start : start + per_page])
    page_ids = [row[0] for row in rows]
    by_id = {service.pk: service for service in service_list_prefetched(page_ids)}
    ordered = [by_id[pk] for pk in page_ids if pk in by_id]
    for service, row in zip(ordered, rows, strict=False):
        service.distance_km = row[1] if len(row) > 1 else None  # type: ignore[attr-defined]
    return SearchResult(
        services=ordered,
        total=total,
        page=page,
        pages=pages,
        facets=_facets(services, language) if with_facets else {},
        corrected_query=corrected,
    )


# --- Hours, in Python, for the page of results (same rules as _open_condition) -----------


@dataclass(frozen=True)
class Opening:
    opens_at: datetime.time
    closes_at: datetime.time

    @property
    def is_overnight(self) -> bool:
        return self.closes_at <= self.opens_at


def _schedules(service: object) -> list[object]:
    own = list(service.schedules.all())  # type: ignore[attr-defined]
    for service_at_location in service.service_at_locations.all():  # type: ignore[attr-defined]
        own.extend(service_at_location.schedules.all())
    return own


def _applies(schedule: object, day: datetime.date) -> bool:
    return (
        schedule.freq in {"WEEKLY", ""}  # type: ignore[attr-defined]
        and weekday_code(day) in schedule.byday.split(",")  # type: ignore[attr-defined]
        and schedule.opens_at is not None  # type: ignore[attr-defined]
        and schedule.closes_at is not None  # type: ignore[attr-defined]
        and (schedule.valid_from is None or schedule.valid_from <= day)  # type: ignore[attr-defined]
        and (schedule.valid_to is None or schedule.valid_to >= day)  # type: ignore[attr-defined]
    )


def closure_on(service: object, day: datetime.date) -> object | None:
    return next(
        (
            closure
            for closure in service.closures.all()  # type: ignore[attr-defined]
            if closure.starts_on <= day <= closure.ends_on
        ),
        None,
    )


def hours_on(service: object, day: datetime.date) -> list[Opening]:
    """The opening times starting on `day` (empty on a closure day), earliest first."""
    if closure_on(service, day) is not None:
        return []
    return sorted(
        {
            Opening(schedule.opens_at, schedule.closes_at)  # type: ignore[attr-defined]
            for schedule in _schedules(service)
            if _applies(schedule, day)
        },
        key=lambda opening: opening.opens_at,
    )


def is_open(service: object, moment: datetime.datetime) -> bool:
    today, now = moment.date(), moment.time()
    yesterday = today - datetime.timedelta(days=1)
    for opening in hours_on(service, today):
        if opening.opens_at <= now and (opening.is_overnight or now < opening.closes_at):
            return True
    return any(
        opening.is_overnight and now < opening.closes_at for opening in hours_on(service, yesterday)
    )
