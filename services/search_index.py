"""The directory's filters, counts and orders in memory: one compressed bitmap (Roaring)
per need, language spoken, profile flag and status over the rows of ServiceFacts, read
once per process and read again only when the directory changes.

PostgreSQL stays the truth: a trigger on services_servicefacts and services_closure
(migration 0006) stamps every change with a new random value, in the same transaction,
and each search reads that stamp first (one small query). A process whose index
carries another stamp rebuilds it (one query for the facts and the name order in every
language, one for closures). No other state carries the same stamp, so an index built
inside a transaction that was rolled back is never taken for the committed state.

What PostgreSQL still answers per search: the words (full text in the reader's
language, with their rank), a postcode, "modified after", and the page's services.
Everything else — intersections, totals, facet counts, open now, nearest first, the
name order — costs microseconds to a few milliseconds whatever the directory's size.
"""

from __future__ import annotations

import bisect
import datetime
import gc
import heapq
import logging
import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from pyroaring import BitMap

logger = logging.getLogger(__name__)

FLAGS = ("free", "no_documents_required", "anonymous_ok", "walk_in")
NEAREST_OF = 3  # places per service considered for "near", as services.search always did
EARTH_RADIUS_KM = 6371.0
KILOMETRES_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
# "Near": below this many candidates every distance is computed; above, a grid of the
# places is walked outwards from the point until the page is certain.
BRUTE_FORCE_BELOW = 4_000
CELL_DEGREES = 0.004  # grid cells of about 450 m from north to south
WORD_CACHE_SIZE = 128  # word searches kept per process, until the directory changes
# From this size on, a process reads a changed directory in the background (3 s at
# 100,000 services) and searches meanwhile in the index it has.
REFRESH_IN_BACKGROUND_FROM = 20_000
MAXIMUM_RINGS = 100  # a point farther from every place than this: every distance is computed


def stamp() -> str | None:
    """The directory's current stamp (None when the table was emptied)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value::text FROM services_searchindexversion WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else row[0]


def _multirange(text: str | None) -> list[tuple[int, int]]:
    """'{[540,1020),[1980,2460)}' → [(540, 1020), (1980, 2460)] (half-open)."""
    if not text or text == "{}":
        return []
    ranges = []
    for part in text.strip("{}").split("),"):
        low, high = part.strip("[)").split(",")
        ranges.append((int(low), int(high)))
    return ranges


class _Week:
    """Opening minutes of the week (0 = Monday 00:00): one entry per range, in flat arrays
    (a few objects, whatever the directory's size, for the garbage collector to walk),
    listed under each day they touch, and bitmaps of who is open in each stretch between
    two boundaries, made when first asked from that day's ranges only."""

    def __init__(self, owners: array, lows: array, highs: array) -> None:
        self.owners, self.lows, self.highs = owners, lows, highs
        self.boundaries = sorted({*lows, *highs})
        self.by_day = [array("i") for _day in range(7)]
        for entry, (low, high) in enumerate(zip(lows, highs, strict=True)):
            for day in range(max(low // 1440, 0), min((high - 1) // 1440, 6) + 1):
                self.by_day[day].append(entry)
        self._at: dict[int, BitMap] = {}

    def open_at(self, minute: int) -> BitMap:
        stretch = bisect.bisect_right(self.boundaries, minute)
        found = self._at.get(stretch)
        if found is None:
            owners, lows, highs = self.owners, self.lows, self.highs
            found = BitMap(
                owners[entry]
                for entry in self.by_day[min(max(minute // 1440, 0), 6)]
                if lows[entry] <= minute < highs[entry]
            )
            self._at[stretch] = found
        return found

    def overlapping(self, low: int, high: int) -> BitMap:
        return BitMap(
            owner
            for owner, start, end in zip(self.owners, self.lows, self.highs, strict=True)
            if start < high and low < end
        )


@dataclass
class Words:
    """The services whose document in one language matches one query: positions in rank
    order (highest first) with their ranks, and the same positions as a bitmap."""

    positions: array
    ranks: array
    bitmap: BitMap
    _by_position: dict[int, float] | None = None

    def rank(self, position: int) -> float:
        if self._by_position is None:
            self._by_position = dict(zip(self.positions, self.ranks, strict=True))
        return self._by_position.get(position, 0.0)

    def first(self, matches: BitMap, count: int, names: array) -> list[int]:
        """The first `count` of `matches` by rank, then by name (`names`: name ranks)."""
        found: list[tuple[float, int]] = []
        last = None
        for rank, position in zip(self.ranks, self.positions, strict=True):
            if position in matches:
                if len(found) >= count and rank != last:
                    break
                found.append((rank, position))
                last = rank
        found.sort(key=lambda pair: (-pair[0], names[pair[1]]))
        return [position for _rank, position in found[:count]]


class DirectoryIndex:
    """The index of one stamp. Service indexes are positions in `ids`."""

    def __init__(self, version: str | None) -> None:
        self.version = version
        self.ids: list[str] = []  # service ids as text
        self.position: dict[str, int] = {}
        self.everyone = BitMap()
        self.unplaced = BitMap()  # services without a published place (no distance)
        self.by_status: dict[str, BitMap] = {}
        self.by_need: dict[str, BitMap] = {}
        self.by_language: dict[str, BitMap] = {}
        self.by_flag: dict[str, BitMap] = {flag: BitMap() for flag in FLAGS}
        self.organisations = array("q")
        # Age limits of the services that have some (-1: none).
        self.aged, self.minimum_ages, self.maximum_ages = array("i"), array("i"), array("i")
        # Each service's first places: latitudes[place_start[i]:place_start[i + 1]].
        self.place_start = array("i", [0])
        self.latitudes, self.longitudes = array("d"), array("d")
        self.name_order: dict[str, array] = {}  # language → rank of each index by name
        self.main = self.tail = _Week(array("i"), array("i"), array("i"))
        self.closures: list[tuple[int, datetime.date, datetime.date]] = []
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], BitMap] = {}
        self._by_name: dict[str, array] = {}
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._words: OrderedDict[tuple[str, str], Words] = OrderedDict()

    # --- Loading ----------------------------------------------------------------------------

    def load(self) -> DirectoryIndex:
        languages = [code for code, _name in settings.LANGUAGES]
        orders = ", ".join(
            f"row_number() OVER (ORDER BY s.name_{code.replace('-', '_')}, f.service_id)"
            for code in languages
        )
        # Read in chunks through a server-side cursor: 100,000 rows fetched at once took
        # 220 MiB that the process kept after the index was made.
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(
                f"""
                SELECT f.service_id::text, f.status, f.organisation_id, f.free,
                       f.no_documents_required, f.anonymous_ok, f.walk_in, f.minimum_age,
                       f.maximum_age, f.need_ids::text[], f.languages, f.latitudes,
                       f.longitudes, f.week_main::text, f.week_tail::text, {orders}
                FROM services_servicefacts f JOIN services_service s ON s.id = f.service_id
                ORDER BY f.service_id
                """  # noqa: S608 - column names come from settings.LANGUAGES
            )
            self._read(cursor, languages)
        with connection.cursor() as cursor:
            cursor.execute("SELECT service_id::text, starts_on, ends_on FROM services_closure")
            self.closures = [
                (self.position[service_id], starts_on, ends_on)
                for service_id, starts_on, ends_on in cursor.fetchall()
                if service_id in self.position
            ]
        self.grid()
        return self

    def _read(self, rows: Iterable[tuple[object, ...]], languages: list[str]) -> None:
        ranks = {code: array("i") for code in languages}
        weeks = {
            "main": (array("i"), array("i"), array("i")),
            "tail": (array("i"), array("i"), array("i")),
        }
        for index, row in enumerate(rows):
            (service_id, status, organisation, *flags) = row[:7]
            minimum, maximum, needs, spoken, latitudes, longitudes, week_main, week_tail = row[7:15]
            self.ids.append(service_id)  # type: ignore[arg-type]
            self.position[service_id] = index  # type: ignore[index]
            self.by_status.setdefault(status, BitMap()).add(index)  # type: ignore[arg-type]
            self.organisations.append(organisation)  # type: ignore[arg-type]
            for flag, value in zip(FLAGS, flags, strict=True):
                if value:
                    self.by_flag[flag].add(index)
            if minimum is not None or maximum is not None:
                self.aged.append(index)
                self.minimum_ages.append(-1 if minimum is None else minimum)  # type: ignore[arg-type]
                self.maximum_ages.append(-1 if maximum is None else maximum)  # type: ignore[arg-type]
            for need in needs:  # type: ignore[attr-defined]
                self.by_need.setdefault(need, BitMap()).add(index)
            for code in spoken:  # type: ignore[attr-defined]
                self.by_language.setdefault(code, BitMap()).add(index)
            places = [
                (latitude, longitude)
                for latitude, longitude in zip(latitudes, longitudes, strict=False)  # type: ignore[call-overload]
                if latitude is not None and longitude is not None
            ][:NEAREST_OF]
            for latitude, longitude in places:
                self.latitudes.append(latitude)
                self.longitudes.append(longitude)
            self.place_start.append(len(self.latitudes))
            for name, text in (("main", week_main), ("tail", week_tail)):
                owners, lows, highs = weeks[name]
                for low, high in _multirange(text):  # type: ignore[arg-type]
                    owners.append(index)
                    lows.append(low)
                    highs.append(high)
            for code, rank in zip(languages, row[15:], strict=True):
                ranks[code].append(rank)  # type: ignore[arg-type]
        count = len(self.ids)
        self.everyone = BitMap(range(count))
        start = self.place_start
        self.unplaced = BitMap(i for i in range(count) if start[i] == start[i + 1])
        self.name_order = ranks
        for code, by_index in ranks.items():
            order = array("i", bytes(4 * count))
            for index, rank in enumerate(by_index):
                order[rank - 1] = index
            self._by_name[code] = order
        self.main, self.tail = _Week(*weeks["main"]), _Week(*weeks["tail"])

    # --- Sets -------------------------------------------------------------------------------

    def _cached(self, key: tuple[object, ...], make) -> BitMap:  # type: ignore[no-untyped-def]
        found = self._cache.get(key)
        if found is None:
            with self._lock:
                found = self._cache.get(key)
                if found is None:
                    found = make()
                    self._cache[key] = found
        return found

    def statuses(self, statuses: Iterable[str]) -> BitMap:
        return BitMap.union(
            BitMap(), *(self.by_status.get(status, BitMap()) for status in statuses)
        )

    def needs(self, need_ids: Iterable[str]) -> BitMap:
        return BitMap.union(
            BitMap(), *(self.by_need.get(str(pk).lower(), BitMap()) for pk in need_ids)
        )

    def language(self, code: str) -> BitMap:
        return self.by_language.get(code.lower(), BitMap())

    def flag(self, name: str) -> BitMap:
        return self.by_flag[name]

    def organisation(self, organisation: object) -> BitMap:
        wanted = int(organisation)  # type: ignore[call-overload]
        return self._cached(
            ("organisation", wanted),
            lambda: BitMap(
                index for index, value in enumerate(self.organisations) if value == wanted
            ),
        )

    def age(self, age: int) -> BitMap:
        def make() -> BitMap:
            refused = BitMap(
                index
                for index, minimum, maximum in zip(
                    self.aged, self.minimum_ages, self.maximum_ages, strict=True
                )
                if minimum > age or -1 < maximum < age
            )
            return self.everyone - refused

        return self._cached(("age", age), make)

    def closed_on(self, day: datetime.date) -> BitMap:
        return self._cached(
            ("closed", day),
            lambda: BitMap(
                index for index, starts_on, ends_on in self.closures if starts_on <= day <= ends_on
            ),
        )

    def open_at(self, moment: datetime.datetime) -> BitMap:
        """Open at `moment`: in a period that started today (not a closure day), or in the
        after-midnight tail of one that started yesterday (not a closure day)."""
        today = moment.date()
        minute = today.weekday() * 1440 + moment.hour * 60 + moment.minute
        started_today = self.main.open_at(minute) - self.closed_on(today)
        from_yesterday = self.tail.open_at(minute) - self.closed_on(
            today - datetime.timedelta(days=1)
        )
        return started_today | from_yesterday

    def open_on(self, weekday: int) -> BitMap:
        return self._cached(
            ("day", weekday),
            lambda: self.main.overlapping(weekday * 1440, weekday * 1440 + 1440),
        )

    def indexes(self, service_ids: Iterable[object]) -> BitMap:
        position = self.position
        return BitMap(position[pk] for pk in service_ids if pk in position)

    def words(
        self, language: str, query: str, fetch: Callable[[], tuple[list[str], array]]
    ) -> Words:
        """The matches of `query` in `language`: `fetch` asks PostgreSQL for their ids and
        ranks in rank order; the last WORD_CACHE_SIZE queries are kept until the directory
        changes (popular words are searched again and again)."""
        key = (language, query)
        with self._lock:
            found = self._words.get(key)
            if found is not None:
                self._words.move_to_end(key)
                return found
        ids, ranks = fetch()
        # Straight into arrays (a list of 30,000 pairs would keep the garbage collector
        # busy); an id missing from the index (none, unless a document outlived its
        # service) is left out.
        looked_up = list(map(self.position.get, ids))
        if None in looked_up:
            kept = [i for i, position in enumerate(looked_up) if position is not None]
            looked_up = [looked_up[i] for i in kept]
            ranks = array("f", [ranks[i] for i in kept])
        positions = array("i", looked_up)
        found = Words(positions, ranks, BitMap(looked_up))
        with self._lock:
            self._words[key] = found
            while len(self._words) > WORD_CACHE_SIZE:
                self._words.popitem(last=False)
        return found

    def forget_words(self) -> None:
        with self._lock:
            self._words.clear()

    # --- Counting ---------------------------------------------------------------------------

    def counts(self, matches: BitMap) -> dict[str, dict[str, int]]:
        """Facet counts over `matches`: each need (with its broader ones), each language,
        each flag; zero counts left out."""

        def counted(bitmaps: dict[str, BitMap]) -> dict[str, int]:
            found = {
                key: matches.intersection_cardinality(bitmap) for key, bitmap in bitmaps.items()
            }
            return {key: count for key, count in found.items() if count}

        return {
            "need": counted(self.by_need),
            "language": counted(self.by_language),
            "flag": {flag: matches.intersection_cardinality(self.by_flag[flag]) for flag in FLAGS},
        }

    # --- Ordering ---------------------------------------------------------------------------

    def distance(self, index: int, near: tuple[float, float]) -> float | None:
        """Kilometres to the nearest of the service's first places (equirectangular)."""
        first, end = self.place_start[index], self.place_start[index + 1]
        if first == end:
            return None
        latitude, longitude = near
        scale = math.cos(math.radians(latitude)) ** 2
        latitudes, longitudes = self.latitudes, self.longitudes
        return (
            min(
                math.sqrt((latitudes[i] - latitude) ** 2 + (longitudes[i] - longitude) ** 2 * scale)
                for i in range(first, end)
            )
            * KILOMETRES_PER_DEGREE
        )

    def _cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return (math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES))

    def grid(self) -> dict[tuple[int, int], list[int]]:
        if self._grid is None:
            with self._lock:
                if self._grid is None:
                    cells: dict[tuple[int, int], list[int]] = {}
                    start = self.place_start
                    for index in range(len(self.ids)):
                        own = {
                            self._cell(self.latitudes[i], self.longitudes[i])
                            for i in range(start[index], start[index + 1])
                        }
                        for cell in own:
                            cells.setdefault(cell, []).append(index)
                    self._grid = cells
        return self._grid

    def nearest(
        self, matches: BitMap, near: tuple[float, float], count: int, radius_km: float | None
    ) -> list[tuple[float, int]]:
        """At least the first `count` of `matches` that have a place, as (km, index) nearest
        first (every one within `radius_km` when it is given), with all those as near as
        the last; services without a place are left out."""
        if radius_km is not None:
            count = len(matches)
        cells = self.grid()
        centre = self._cell(*near)
        rows = [cell[0] for cell in cells] or [centre[0]]
        columns = [cell[1] for cell in cells] or [centre[1]]
        reach = max(
            abs(centre[0] - min(rows)),
            abs(centre[0] - max(rows)),
            abs(centre[1] - min(columns)),
            abs(centre[1] - max(columns)),
        )
        if len(matches) < BRUTE_FORCE_BELOW or reach > MAXIMUM_RINGS:
            found = sorted(
                (self.distance(index, near), index)  # type: ignore[misc]
                for index in matches - self.unplaced
            )
            if radius_km is not None:
                found = [pair for pair in found if pair[0] <= radius_km]
            return found  # type: ignore[return-value]
        # A place outside the square of `ring` cells around the centre's cell is at least
        # `ring` cells away from the point, which lies in the centre's cell.
        lat_km = CELL_DEGREES * KILOMETRES_PER_DEGREE
        step = min(lat_km, lat_km * math.cos(math.radians(near[0])))
        seen: set[int] = set()
        heap: list[tuple[float, int]] = []
        certain: list[tuple[float, int]] = []
        beyond = 0.0
        for ring in range(reach + 1):
            for cell in _ring(centre, ring):
                for index in cells.get(cell, ()):
                    if index not in seen and index in matches:
                        seen.add(index)
                        heapq.heappush(heap, (self.distance(index, near), index))  # type: ignore[arg-type]
            beyond = ring * step if ring < reach else math.inf
            while heap and heap[0][0] <= beyond and len(certain) < count:
                certain.append(heapq.heappop(heap))
            if len(certain) >= count or (radius_km is not None and beyond > radius_km):
                break
        while heap and certain and heap[0][0] == certain[-1][0] and heap[0][0] <= beyond:
            certain.append(heapq.heappop(heap))  # ties with the last are ordered by the caller
        if radius_km is not None:
            certain = [pair for pair in certain if pair[0] <= radius_km]
        return certain

    def by_name(self, language: str) -> array:
        """Service indexes in the name order of `language`."""
        return self._by_name[language]

    def first_by_name(self, matches: BitMap, language: str, count: int) -> list[int]:
        """The first `count` of `matches` in the name order of `language`."""
        if not count:
            return []
        ranks = self.name_order[language]
        # Walking the whole order costs len(ids) steps; sorting the matches len(matches).
        expected_walk = count * len(self.ids) / max(len(matches), 1)
        if expected_walk < len(matches):
            found = []
            for index in self.by_name(language):
                if index in matches:
                    found.append(index)
                    if len(found) == count:
                        break
            return found
        return heapq.nsmallest(count, matches, key=ranks.__getitem__)


def _ring(centre: tuple[int, int], ring: int) -> Iterable[tuple[int, int]]:
    row, column = centre
    if ring == 0:
        yield centre
        return
    for offset in range(-ring, ring + 1):
        yield (row - ring, column + offset)
        yield (row + ring, column + offset)
    for offset in range(-ring + 1, ring):
        yield (row + offset, column - ring)
        yield (row + offset, column + ring)


_current: DirectoryIndex | None = None
_building = threading.Lock()
_refreshing = threading.Lock()  # held while a background thread reads the directory


def _loaded(version: str | None) -> DirectoryIndex:
    # Every row read is alive until the index is made: a garbage collection meanwhile
    # would walk them all, several times, and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return DirectoryIndex(version).load()
    finally:
        if collecting:
            gc.enable()


def _refresh_in_background() -> None:
    """Read the directory again in a thread of its own (with its own connection), and
    swap the new index in when it is made."""
    if not _refreshing.acquire(blocking=False):
        return  # one is reading it already

    def run() -> None:
        global _current
        try:
            fresh = _loaded(stamp())
            with _building:
                _current = fresh
        except Exception:
            logger.exception("the directory's search index could not be read again")
        finally:
            connection.close()  # this thread's own
            _refreshing.release()

    threading.Thread(target=run, name="directory-index", daemon=True).start()


def current() -> DirectoryIndex:
    """This process's index of the directory as it is now (rebuilt after any change).

    A large directory (REFRESH_IN_BACKGROUND_FROM services or more) is read again in the
    background while searches go on with the index they have, a few seconds behind (the
    public pages themselves are kept a minute); a search inside a transaction, which may
    have changed the directory itself, always waits for an index of what it sees."""
    global _current
    version = stamp()
    index = _current
    if index is not None and index.version == version and version is not None:
        return index
    if (
        index is not None
        and len(index.ids) >= REFRESH_IN_BACKGROUND_FROM
        and not connection.in_atomic_block
    ):
        _refresh_in_background()
        return index
    with _building:
        index = _current
        if index is None or index.version != version or version is None:
            index = _loaded(version)
            _current = index
    return index


def forget() -> None:
    """Drop this process's index: the next search reads it again (benchmarks)."""
    global _current
    with _building:
        _current = None
