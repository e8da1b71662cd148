"""The directory's in-memory index (services/search_index.py): it follows every change
of the directory at once, never serves what a rolled-back transaction wrote, orders
"near" exactly as computing every distance would, and a page of results leaves no
garbage for the collector to stop a search on."""

from __future__ import annotations

import datetime
import gc
import math
import random
import zoneinfo
from array import array

import pytest
from django.db import transaction
from pyroaring import BitMap

from services import search, search_index
from services.models import Closure, Location, Schedule, ServiceAtLocation
from services.search import SearchParams, service_search
from tests.factories.accounts import OrganisationFactory
from tests.factories.services import ServiceFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEDNESDAY_NOON = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=PARIS)


def weekly(byday: str, opens: int, closes: int, **owner: object) -> None:
    """Weekly hours of a service (service=…) or of a service at a place (service_at_location=…)."""
    Schedule.objects.create(
        freq="WEEKLY",
        byday=byday,
        opens_at=datetime.time(opens),
        closes_at=datetime.time(closes),
        **owner,
    )


def names(params: SearchParams, **options: object) -> list[str]:
    result = service_search(params, language="fr", moment=WEDNESDAY_NOON, per_page=50, **options)  # type: ignore[arg-type]
    return [service.name_fr for service in result.services]


def test_an_edit_is_searchable_at_once_and_a_closure_counts_without_reindexing() -> None:
    organisation = OrganisationFactory()
    clinic = ServiceFactory(organisation=organisation, name_fr="Centre de santé")
    weekly("WE", 9, 17, service=clinic)
    search.reindex()
    assert names(SearchParams(q="santé", open_now=True)) == ["Centre de santé"]

    # A closure is written by the editing screens without a reindex: the trigger on
    # services_closure gives the directory a new stamp all the same.
    Closure.objects.create(
        service=clinic, starts_on=datetime.date(2026, 11, 25), ends_on=datetime.date(2026, 11, 25)
    )
    assert names(SearchParams(q="santé", open_now=True)) == []

    # The word search was kept; a new service with the word is found all the same.
    ServiceFactory(organisation=organisation, name_fr="Maison de santé")
    search.reindex()
    assert names(SearchParams(q="santé")) == ["Centre de santé", "Maison de santé"]


def test_what_a_rolled_back_transaction_wrote_is_never_served() -> None:
    ServiceFactory(name_fr="Accueil de jour")
    search.reindex()
    assert names(SearchParams()) == ["Accueil de jour"]
    with pytest.raises(RuntimeError), transaction.atomic():
        ServiceFactory(name_fr="Bureau éphémère")
        search.reindex()
        assert names(SearchParams()) == ["Accueil de jour", "Bureau éphémère"]
        raise RuntimeError("rolled back")
    # The index built inside the transaction carries a stamp that no other state
    # carries: the process reads the directory anew.
    assert names(SearchParams()) == ["Accueil de jour"]


@pytest.mark.django_db(transaction=True)
def test_a_large_directory_is_read_again_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Searches go on with the index they have while a thread reads the changed
    directory; then the change is found."""
    import time

    monkeypatch.setattr(search_index, "REFRESH_IN_BACKGROUND_FROM", 1)
    search_index.forget()
    ServiceFactory(name_fr="Accueil de jour")
    search.reindex()
    assert names(SearchParams()) == ["Accueil de jour"]  # no index yet: read at once
    ServiceFactory(name_fr="Bureau de quartier")
    search.reindex()
    assert names(SearchParams()) == ["Accueil de jour"]  # the index it has, for now
    deadline = time.monotonic() + 30
    while names(SearchParams()) != ["Accueil de jour", "Bureau de quartier"]:
        assert time.monotonic() < deadline, "the change was not read in 30 s"
        time.sleep(0.05)
    # Inside a transaction, which may have changed the directory itself, a search waits
    # for an index of what it sees.
    with transaction.atomic():
        ServiceFactory(name_fr="Centre social")
        search.reindex()
        assert names(SearchParams()) == ["Accueil de jour", "Bureau de quartier", "Centre social"]
    search_index.forget()


def _index_of(points: list[list[tuple[float, float]]]) -> search_index.DirectoryIndex:
    """An index of len(points) services, service i at points[i] (none: no place)."""
    index = search_index.DirectoryIndex(version="test")
    index.ids = [f"service-{number}" for number in range(len(points))]
    index.latitudes, index.longitudes = array("d"), array("d")
    index.place_start = array("i", [0])
    for places in points:
        for latitude, longitude in places:
            index.latitudes.append(latitude)
            index.longitudes.append(longitude)
        index.place_start.append(len(index.latitudes))
    index.everyone = BitMap(range(len(points)))
    index.unplaced = BitMap(number for number, places in enumerate(points) if not places)
    index.grid()
    return index


def _every_distance(
    index: search_index.DirectoryIndex, matches: BitMap, near: tuple[float, float]
) -> list[tuple[float, int]]:
    return sorted(
        (index.distance(number, near), number)  # type: ignore[misc]
        for number in matches
        if number not in index.unplaced
    )


def test_walking_the_grid_finds_exactly_the_nearest(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2026)
    points: list[list[tuple[float, float]]] = []
    for _number in range(600):
        count = rng.choice([0, 1, 1, 1, 2, 3])
        points.append(
            [(rng.uniform(45.15, 45.21), rng.uniform(5.69, 5.76)) for _place in range(count)]
        )
    points[7] = points[8] = [(45.1800, 5.7200)]  # two services at the same place
    index = _index_of(points)
    monkeypatch.setattr(search_index, "BRUTE_FORCE_BELOW", 0)  # always walk the grid
    for _case in range(60):
        near = (rng.uniform(45.14, 45.22), rng.uniform(5.68, 5.77))
        matches = BitMap(number for number in range(600) if rng.random() < 0.6)
        count = rng.choice([1, 20, 40, 300])
        expected = _every_distance(index, matches, near)
        walked = index.nearest(matches, near, count, None)
        assert walked[:count] == expected[:count]
        # Whatever it returned beyond `count` is as near as the last one asked.
        assert all(distance == walked[count - 1][0] for distance, _ in walked[count:])
        radius = rng.uniform(0.2, 3.0)
        within = index.nearest(matches, near, count, radius)
        assert within == [pair for pair in expected if pair[0] <= radius]
    # The same place is found for both services there.
    at_the_place = index.nearest(BitMap([7, 8, 9]), (45.1800, 5.7200), 1, None)
    assert {number for _distance, number in at_the_place} >= {7, 8}


def test_a_point_far_from_every_place_gets_every_distance(monkeypatch: pytest.MonkeyPatch) -> None:
    index = _index_of([[(45.18, 5.72)], [(45.19, 5.73)], []])
    monkeypatch.setattr(search_index, "BRUTE_FORCE_BELOW", 0)
    paris = (48.8566, 2.3522)
    found = index.nearest(index.everyone, paris, 1, None)
    assert [number for _distance, number in found] == [1, 0]
    assert found[0][0] == pytest.approx(search.distance_km(paris, (45.19, 5.73)), rel=0.01)
    assert not math.isinf(found[0][0])


def test_a_page_of_results_leaves_no_garbage_for_the_collector() -> None:
    """Django's usual prefetch left about 1,700 objects in reference cycles per page of
    20 (3 now), which full collections then had to find: searches stopped for up to
    130 ms at 100,000 services."""
    organisation = OrganisationFactory()
    for number in range(20):
        service = ServiceFactory(organisation=organisation, name_fr=f"Permanence {number}")
        weekly("MO,WE", 9, 13, service=service)
        location = Location.objects.create(location_type="physical", latitude=45.18, longitude=5.72)
        at_location = ServiceAtLocation.objects.create(service=service, location=location)
        weekly("FR", 14, 18, service_at_location=at_location)
    search.reindex()
    service_search(SearchParams(), language="fr", moment=WEDNESDAY_NOON)  # index, caches
    gc.collect()
    gc.disable()
    try:
        result = service_search(SearchParams(open_now=True), language="fr", moment=WEDNESDAY_NOON)
        hours = [search.hours_on(service, WEDNESDAY_NOON.date()) for service in result.services]
        del result
        garbage = gc.collect()
    finally:
        gc.enable()
    assert len(hours) == 20 and all(hours)
    assert garbage < 50, f"{garbage} objects in reference cycles after one page"
