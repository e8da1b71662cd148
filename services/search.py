"""Directory search: stored full-text documents per language, spelling tolerance, and the
filters a newcomer needs (need, language spoken, open now / on a day, free, no
documents asked, anonymous, walk-in, age, near a place), with facet counts.

ServiceFacts keeps one narrow row per service with everything the filters read. Each
process reads those rows into compressed bitmaps (services/search_index.py) and reads
them again only after a change, so filters, totals, facet counts, "open now", nearest
first and the name order cost the same few milliseconds however large the directory is;
PostgreSQL answers the words (full text and rank) and the page's services, in a
constant number of queries. Distance is equirectangular (exact enough within a city)
to the service's nearest published location.
"""

from __future__ import annotations

import datetime
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from pyroaring import BitMap

from portal.i18n.languages import language_chain, search_config
from services import search_index

SCOPE = "services"
# Statuses the public search shows; the HSDS API passes all of them.
PUBLIC_STATUSES = ("active", "temporarily closed")
ALL_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
MAX_PER_PAGE = 200
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
    service_ids: list[str]  # the page's services, in order (also without `with_services`)
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
    return 2 * search_index.EARTH_RADIUS_KM * math.asin(math.sqrt(a))


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


def _text_ranks(query: str, language: str) -> tuple[list[str], array]:
    """The services whose stored document in `language` matches `query`, highest rank
    first, and their ranks (in two strings: 30,000 rows cost more to hand over)."""
    config = search_config(language)
    with connection.cursor() as cursor:
        # (Materialized, so the sort holds ids and ranks, not the documents: those went to
        # disk for a common word.)
        cursor.execute(
            "WITH matched AS MATERIALIZED ("
            "SELECT d.service_id::text AS id, ts_rank(d.document, query) AS rank "
            "FROM services_servicesearchdocument d, websearch_to_tsquery(%s::regconfig, %s) query "
            "WHERE d.language = %s AND d.document @@ query) "
            "SELECT string_agg(id, ',' ORDER BY rank DESC), "
            "string_agg(rank::text, ',' ORDER BY rank DESC) FROM matched",
            [config, query, language],
        )
        ids, ranks = cursor.fetchone()
    if not ids:
        return [], array("f")
    return ids.split(","), array("f", map(float, ranks.split(",")))


def _ids(sql: str, params: list[object]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


@dataclass
class _Matches:
    indexes: BitMap
    words: search_index.Words | None  # with words: their matches and ranks
    distances: dict[int, float]  # with a radius: each match's distance


def _matches(
    params: SearchParams,
    language: str,
    moment: datetime.datetime,
    query: str,
    index: search_index.DirectoryIndex,
) -> _Matches:
    """The services matching `params`: an intersection of the index's sets, with the words
    (and a postcode or a modification date, for the API) asked of PostgreSQL."""
    from services.models import Service, TaxonomyTerm

    matches = index.statuses(params.statuses)
    words = None
    distances: dict[int, float] = {}
    if query:
        words = index.words(language, query, lambda: _text_ranks(query, language))
        matches = matches & words.bitmap
    if params.need:
        terms = TaxonomyTerm.objects.filter(code=params.need).values_list("pk", flat=True)
        matches = matches & index.needs(terms)
    if params.taxonomy_term_id:
        matches = matches & index.needs([params.taxonomy_term_id])
    if params.language:
        matches = matches & index.language(params.language)
    if params.open_now:
        matches = matches & index.open_at(moment)
    if params.day:
        matches = matches & index.open_on(WEEKDAYS.index(params.day))
    for flag in Service.SEARCH_FLAGS:
        if getattr(params, flag):
            matches = matches & index.flag(flag)
    if params.age is not None:
        matches = matches & index.age(params.age)
    if params.organisation is not None:
        matches = matches & index.organisation(params.organisation)
    if params.modified_after is not None and matches:
        matches = matches & index.indexes(
            _ids(
                "SELECT service_id::text FROM services_servicefacts WHERE updated_at > %s",
                [params.modified_after],
            )
        )
    if params.postcode and matches:
        # A shelter's postcode is not given away.
        matches = matches & index.indexes(
            _ids(
                "SELECT DISTINCT x.service_id::text FROM services_address a "
                "JOIN services_location l ON l.id = a.location_id "
                "JOIN services_serviceatlocation x ON x.location_id = l.id "
                "WHERE NOT l.is_confidential AND a.postal_code = %s",
                [params.postcode],
            )
        )
    if params.near is not None and params.radius_km is not None:
        within = index.nearest(matches, params.near, 0, params.radius_km)
        distances = {position: distance for distance, position in within}
        matches = BitMap(distances)
    return _Matches(matches, words, distances)


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
    with_services: bool = True,
) -> SearchResult:
    """One page of services matching `params` for a reader of `language`; without
    `with_services`, only their ids (the HSDS API reads the services it answers itself).

    Text is matched in the reader's language (with the texts they would see in a
    fallback language); when nothing matches, a misspelt word is corrected from the
    directory's vocabulary and the search is run again. Results come nearest first with
    a place, then by rank with words, then by name in the reader's language.
    """
    from portal import search as word_search
    from services.selectors import service_list_for_results

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    moment = moment or local_now()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = " ".join(params.q.split())[:200]

    index = search_index.current()
    found = _matches(params, language, moment, query, index)
    corrected = None
    if query and not found.indexes:
        corrected = word_search.correct_query(scope=SCOPE, language=language, query=query)
        if corrected:
            found = _matches(params, language, moment, corrected, index)
    matches, words = found.indexes, found.words
    total = len(matches)
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))
    start = (page - 1) * per_page
    needed = start + per_page
    names = index.name_order[language]

    def first(candidates: BitMap, count: int) -> list[int]:
        if count <= 0:
            return []
        if words is not None:
            return words.first(candidates, count, names)
        return index.first_by_name(candidates, language, count)

    distances = dict(found.distances)
    if params.near is not None:
        nearest = (
            sorted((distance, position) for position, distance in distances.items())
            if params.radius_km is not None
            else index.nearest(matches, params.near, needed, None)
        )
        distances.update((position, distance) for distance, position in nearest)
        rank = words.rank if words is not None else (lambda _position: 0.0)
        nearest.sort(key=lambda pair: (pair[0], -rank(pair[1]), names[pair[1]]))
        positions = [position for _distance, position in nearest[:needed]]
        if len(positions) < needed:  # every service with a place is in: then those without
            positions += first(matches & index.unplaced, needed - len(positions))
    else:
        positions = first(matches, needed)
    positions = positions[start:needed]

    page_ids = [index.ids[position] for position in positions]
    by_id = (
        {str(service.pk): service for service in service_list_for_results(page_ids)}
        if with_services
        else {}
    )
    ordered = []
    for position in positions:
        service = by_id.get(index.ids[position])
        if service is not None:
            service.distance_km = distances.get(position)  # type: ignore[attr-defined]
            ordered.append(service)
    facets = {}
    if with_facets and total:
        counts = index.counts(matches)
        facets = _facets(
            [("need", key, count) for key, count in counts["need"].items()]
            + [("language", key, count) for key, count in counts["language"].items()]
            + [("flag", key, count) for key, count in counts["flag"].items()],
            language,
        )
    return SearchResult(
        services=ordered,
        service_ids=page_ids,
        total=total,
        page=page,
        pages=pages,
        facets=facets,
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


def _related(instance: object, name: str) -> list[object]:
    """`instance.<name>.all()`, or the list a page of results read for it
    (services.selectors.service_list_for_results)."""
    listed = getattr(instance, f"listed_{name}", None)
    return list(listed) if listed is not None else list(getattr(instance, name).all())


def _schedules(service: object) -> list[object]:
    own = _related(service, "schedules")
    for service_at_location in _related(service, "service_at_locations"):
        own.extend(_related(service_at_location, "schedules"))
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
            for closure in _related(service, "closures")
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
