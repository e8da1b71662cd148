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
    facts_refresh(ids)
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
    """The distinct words of service names and needs per language, for spelling
    correction (read in SQL, so a large directory gives all its words, not a sample)."""
    from portal import search as word_search

    for language, _name in settings.LANGUAGES:
        column = f"name_{language.replace('-', '_')}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT DISTINCT word FROM (
                    SELECT {column} AS text FROM services_service WHERE {column} > ''
                    UNION ALL
                    SELECT {column} FROM services_taxonomyterm WHERE {column} > ''
                ) named, unnest(tsvector_to_array(to_tsvector('simple', named.text))) AS word
                LIMIT 200000
                """  # noqa: S608 - the column name comes from settings.LANGUAGES
            )
            words = [row[0] for row in cursor.fetchall()]
        word_search.vocabulary_replace(scope=SCOPE, language=language, texts=words)


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


FACTS_SQL = """
WITH RECURSIVE ancestors(term_id, ancestor_id) AS (
    SELECT id, id FROM services_taxonomyterm
    UNION
    SELECT a.term_id, t.parent_id
    FROM ancestors a JOIN services_taxonomyterm t ON t.id = a.ancestor_id
    WHERE t.parent_id IS NOT NULL
),
needs AS (
    SELECT sn.service_id, array_agg(DISTINCT a.ancestor_id) AS ids
    FROM services_service_needs sn JOIN ancestors a ON a.term_id = sn.taxonomyterm_id
    WHERE {only_service_needs}
    GROUP BY sn.service_id
),
spoken AS (
    SELECT service_id, array_agg(DISTINCT code) AS codes FROM (
        SELECT l.service_id, lower(l.code) AS code FROM services_language l
        WHERE l.service_id IS NOT NULL AND l.code <> '' AND {only_language_service}
        UNION ALL
        SELECT x.service_id, lower(l.code) FROM services_language l
        JOIN services_serviceatlocation x ON x.location_id = l.location_id
        WHERE l.code <> '' AND {only_located}
    ) codes GROUP BY service_id
),
places AS (
    SELECT x.service_id, array_agg(lo.latitude ORDER BY lo.id) AS latitudes,
           array_agg(lo.longitude ORDER BY lo.id) AS longitudes
    FROM services_serviceatlocation x JOIN services_location lo ON lo.id = x.location_id
    WHERE NOT lo.is_confidential AND lo.latitude IS NOT NULL AND lo.longitude IS NOT NULL
      AND {only_located}
    GROUP BY x.service_id
),
rules AS (
    SELECT sch.service_id, sch.byday, sch.opens_at, sch.closes_at
    FROM services_schedule sch
    WHERE {valid} AND sch.service_id IS NOT NULL AND {only_schedule_service}
    UNION ALL
    SELECT x.service_id, sch.byday, sch.opens_at, sch.closes_at
    FROM services_schedule sch
    JOIN services_serviceatlocation x ON x.id = sch.service_at_location_id
    WHERE {valid} AND {only_located}
),
slots AS (
    SELECT r.service_id,
           (array_position(ARRAY['MO','TU','WE','TH','FR','SA','SU'], trim(day)) - 1) AS day,
           (extract(hour FROM r.opens_at) * 60 + extract(minute FROM r.opens_at))::int AS opens,
           (extract(hour FROM r.closes_at) * 60 + extract(minute FROM r.closes_at))::int AS closes
    FROM rules r, unnest(string_to_array(r.byday, ',')) AS day
),
weeks AS (
    SELECT service_id,
           range_agg(int4range(day * 1440 + opens,
                               day * 1440 + CASE WHEN closes > opens THEN closes ELSE 1440 END))
               AS main,
           range_agg(int4range(((day + 1) %% 7) * 1440, ((day + 1) %% 7) * 1440 + closes))
               FILTER (WHERE closes <= opens AND closes > 0) AS tail
    FROM slots WHERE day IS NOT NULL
    GROUP BY service_id
)
INSERT INTO services_servicefacts (
    service_id, status, organisation_id, updated_at, free, no_documents_required,
    anonymous_ok, walk_in, minimum_age, maximum_age, need_ids, languages, latitudes,
    longitudes, week_main, week_tail)
SELECT s.id, s.status, s.organisation_id, s.updated_at, s.free, s.no_documents_required,
       s.anonymous_ok, s.walk_in, s.minimum_age, s.maximum_age,
       COALESCE(n.ids, '{{}}'), COALESCE(sp.codes, '{{}}'),
       COALESCE(p.latitudes, '{{}}'), COALESCE(p.longitudes, '{{}}'), w.main, w.tail
FROM services_service s
LEFT JOIN needs n ON n.service_id = s.id
LEFT JOIN spoken sp ON sp.service_id = s.id
LEFT JOIN places p ON p.service_id = s.id
LEFT JOIN weeks w ON w.service_id = s.id
WHERE {only_service}
"""

# Weekly rules valid today (the `rules` part of FACTS_SQL).
VALID_TODAY = (
    "sch.freq IN ('WEEKLY', '') AND sch.opens_at IS NOT NULL AND sch.closes_at IS NOT NULL "
    "AND (sch.valid_from IS NULL OR sch.valid_from <= %(today)s) "
    "AND (sch.valid_to IS NULL OR sch.valid_to >= %(today)s)"
)


def _facts_sql(*, restricted: bool) -> str:
    def only(column: str) -> str:
        return f"{column} = ANY(%(ids)s::uuid[])" if restricted else "true"

    return FACTS_SQL.format(
        valid=VALID_TODAY,
        only_service_needs=only("sn.service_id"),
        only_language_service=only("l.service_id"),
        only_located=only("x.service_id"),
        only_schedule_service=only("sch.service_id"),
        only_service=only("s.id"),
    )


def facts_refresh(service_ids: list[str] | None = None) -> None:
    """Rebuild the filter rows of these services (all when None), in one statement.

    Schedules count when valid today, so a daily beat task runs it for seasonal hours.
    """
    from django.utils import timezone

    params: dict[str, object] = {"today": timezone.localdate(), "ids": service_ids or []}
    with transaction.atomic(), connection.cursor() as cursor:
        if service_ids is None:
            cursor.execute("DELETE FROM services_servicefacts")
        else:
            cursor.execute(
                "DELETE FROM services_servicefacts WHERE service_id = ANY(%(ids)s::uuid[])", params
            )
        cursor.execute(_facts_sql(restricted=service_ids is not None), params)


def minute_of_week(moment: datetime.datetime) -> int:
    return moment.weekday() * 1440 + moment.hour * 60 + moment.minute


def _where(sql: str, *params: object):  # type: ignore[no-untyped-def]
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - constant SQL, bound values


def _open_now(moment: datetime.datetime):  # type: ignore[no-untyped-def]
    """Open at `moment`: in a period that started today (and today is not a closure day),
    or in the after-midnight tail of one that started yesterday (not a closure day)."""
    today = moment.date()
    yesterday = today - datetime.timedelta(days=1)
    closed = (
        "EXISTS (SELECT 1 FROM services_closure c WHERE c.service_id = "
        "services_servicefacts.service_id AND c.starts_on <= %s AND c.ends_on >= %s)"
    )
    minute = minute_of_week(moment)
    return _where(
        f"((week_main @> %s::int AND NOT {closed}) OR (week_tail @> %s::int AND NOT {closed}))",
        minute,
        today,
        today,
        minute,
        yesterday,
        yesterday,
    )


NEAREST_OF = 3  # places per service considered for "near" (few services have more)


def _distance_sql(near: tuple[float, float]) -> tuple[str, list[object]]:
    """Kilometres to the nearest published location (equirectangular, exact enough in a
    city); NULL when the service has none."""
    latitude, longitude = near
    kilometres_per_degree = math.pi * EARTH_RADIUS_KM / 180
    scale = math.cos(math.radians(latitude)) ** 2
    # Inline arithmetic on the first NEAREST_OF places (a subquery per row cost ten times
    # more at 100,000 services); LEAST skips the NULLs of missing places.
    one = (
        "sqrt((services_servicefacts.latitudes[{i}] - %s) ^ 2"
        " + (services_servicefacts.longitudes[{i}] - %s) ^ 2 * %s) * %s"
    )
    terms = [one.format(i=index) for index in range(1, NEAREST_OF + 1)]
    return (
        f"LEAST({', '.join(terms)})",
        [latitude, longitude, scale, kilometres_per_degree] * NEAREST_OF,
    )


def _filtered(params: SearchParams, language: str, moment: datetime.datetime, query: str):  # type: ignore[no-untyped-def]
    """The matching services as a queryset of ServiceFacts (one narrow row each)."""
    from django.db.models import FloatField, Q
    from django.db.models.expressions import RawSQL

    from services.models import Address, Service, ServiceFacts, ServiceSearchDocument

    facts = ServiceFacts.objects.filter(status__in=params.statuses)
    if query:
        config = search_config(language)
        facts = facts.filter(
            service_id__in=ServiceSearchDocument.objects.filter(language=language)
            .extra(
                where=["document @@ websearch_to_tsquery(%s::regconfig, %s)"],
                params=[config, query],
            )
            .values("service_id")
        ).annotate(
            rank=RawSQL(
                "(SELECT ts_rank(d.document, websearch_to_tsquery(%s::regconfig, %s)) "
                "FROM services_servicesearchdocument d WHERE d.language = %s "
                "AND d.service_id = services_servicefacts.service_id)",
                [config, query, language],
                output_field=FloatField(),
            )
        )
    if params.need:
        from services.models import TaxonomyTerm

        ids = [
            str(pk)
            for pk in TaxonomyTerm.objects.filter(code=params.need).values_list("pk", flat=True)
        ]
        facts = facts.filter(need_ids__overlap=ids) if ids else facts.none()
    if params.taxonomy_term_id:
        facts = facts.filter(need_ids__contains=[str(params.taxonomy_term_id)])
    if params.language:
        facts = facts.filter(languages__contains=[params.language.lower()])
    if params.open_now:
        facts = facts.filter(_open_now(moment))
    if params.day:
        day = WEEKDAYS.index(params.day)
        facts = facts.filter(
            _where("week_main && int4range(%s, %s)", day * 1440, day * 1440 + 1440)
        )
    for flag in Service.SEARCH_FLAGS:
        if getattr(params, flag):
            facts = facts.filter(**{flag: True})
    if params.age is not None:
        facts = facts.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=params.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=params.age),
        )
    if params.organisation is not None:
        facts = facts.filter(organisation_id=params.organisation)
    if params.modified_after is not None:
        facts = facts.filter(updated_at__gt=params.modified_after)
    if params.postcode:
        facts = facts.filter(
            service_id__in=Address.objects.filter(
                location__is_confidential=False,  # a shelter's postcode is not given away
                postal_code=params.postcode,
            ).values("location__service_at_locations__service_id")
        )
    if params.near is not None:
        sql, sql_params = _distance_sql(params.near)
        distance = RawSQL(sql, sql_params, output_field=FloatField())  # noqa: S611 - bound values
        facts = facts.annotate(distance_km=distance)
        if params.radius_km is not None:
            facts = facts.filter(distance_km__lte=params.radius_km)
    return facts


def _facets(
    rows: list[tuple[str, str, int]], language: str
) -> dict[str, list[tuple[str, str, int]]]:
    """Facets from the counted rows: needs named in the reader's language, languages by
    their name, and the profile flags."""
    from portal.i18n.languages import language_name, text_in_language
    from services.models import TaxonomyTerm

    need_counts = {key: count for kind, key, count in rows if kind == "need"}
    terms = TaxonomyTerm.objects.filter(pk__in=list(need_counts))
    needs = sorted(
        (
            (term.code, text_in_language(term, "name", language).text, need_counts[str(term.pk)])
            for term in terms
        ),
        key=lambda item: (-item[2], item[1]),
    )
    languages = sorted(
        ((key, language_name(key), count) for kind, key, count in rows if kind == "language"),
        key=lambda item: (-item[2], item[0]),
    )[:15]
    return {
        "need": needs,
        "language": languages,
        "attribute": [(key, key, count) for kind, key, count in rows if kind == "flag"],
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
    from django.db.models import F

    from portal import search as word_search
    from services.models import Service
    from services.selectors import service_list_prefetched

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    moment = moment or local_now()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = " ".join(params.q.split())[:200]
    flag_names = Service.SEARCH_FLAGS

    def counted(facts):  # type: ignore[no-untyped-def]
        """Total, flag counts and (with facets) need and language counts, in one query
        that evaluates the filter once."""
        inner, inner_params = facts.values(
            "service_id", "need_ids", "languages", *flag_names
        ).query.sql_with_params()
        parts = ["SELECT 'total', '', count(*) FROM matches"]
        if with_facets:
            parts += [
                f"SELECT 'flag', '{flag}', count(*) FROM matches WHERE {flag}"  # noqa: S608
                for flag in flag_names
            ]
            parts += [
                "SELECT 'need', n::text, count(*) FROM matches, unnest(need_ids) n GROUP BY 2",
                "SELECT 'language', l, count(*) FROM matches, unnest(languages) l GROUP BY 2",
            ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH matches AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts),
                inner_params,
            )
            rows = cursor.fetchall()
        return rows

    facts = _filtered(params, language, moment, query)
    rows_counted = counted(facts)
    corrected = None
    if query and rows_counted[0][2] == 0:
        corrected = word_search.correct_query(scope=SCOPE, language=language, query=query)
        if corrected:
            facts = _filtered(params, language, moment, corrected)
            rows_counted = counted(facts)
    total = rows_counted[0][2]
    ordering: list[object] = []
    if params.near is not None:
        ordering.append(F("distance_km").asc(nulls_last=True))
    if query:
        ordering.append(F("rank").desc(nulls_last=True))
    ordering.extend([f"service__name_{language.replace('-', '_')}", "pk"])
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    columns = ["service_id", "distance_km"] if params.near is not None else ["service_id"]
    rows = list(facts.order_by(*ordering).values_list(*columns)[start : start + per_page])
    page_ids = [row[0] for row in rows]
    by_id = {service.pk: service for service in service_list_prefetched(page_ids)}
    ordered = []
    for row in rows:
        service = by_id.get(row[0])
        if service is not None:
            service.distance_km = row[1] if len(row) > 1 else None  # type: ignore[attr-defined]
            ordered.append(service)
    return SearchResult(
        services=ordered,
        total=total,
        page=page,
        pages=pages,
        facets=_facets(rows_counted, language) if with_facets and total else {},
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
