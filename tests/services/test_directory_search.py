"""Directory search: every filter and their combinations, open now across midnight and
on a holiday closure, distance order, facet counts, paging and query counts."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

import pytest
from django.test import Client

from portal.i18n.languages import set_translations
from services import search
from services.models import (
    Closure,
    Language,
    Location,
    Schedule,
    ServiceAtLocation,
)
from services.search import SearchParams, service_search
from tests.factories.accounts import OrganisationFactory
from tests.factories.services import ServiceFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Wednesday.
WEDNESDAY_NOON = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """25 = Wednesday 25 November 2026, 26 = Thursday …"""
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def place(service, latitude: float, longitude: float, *, confidential: bool = False) -> Location:  # type: ignore[no-untyped-def]
    location = Location.objects.create(
        location_type="physical",
        name_fr=f"Lieu de {service.name_fr}",
        latitude=latitude,
        longitude=longitude,
        is_confidential=confidential,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


def hours(service, byday: str, opens: str, closes: str) -> None:  # type: ignore[no-untyped-def]
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday=byday,
        opens_at=datetime.time.fromisoformat(opens),
        closes_at=datetime.time.fromisoformat(closes),
    )


@pytest.fixture
def directory():  # type: ignore[no-untyped-def]
    health = TaxonomyTermFactory(code="health", name_fr="Soins de santé", name_ar="الرعاية الصحية")
    dental = TaxonomyTermFactory(code="dental", name_fr="Soins dentaires", parent=health)
    housing = TaxonomyTermFactory(code="housing", name_fr="Un toit pour dormir")
    organisation = OrganisationFactory(name="Ville")
    clinic = ServiceFactory(
        organisation=organisation,
        name_fr="Centre de santé du Vieux Port",
        name_ar="مركز صحي الميناء القديم",
        description_fr="Consultations de médecine générale sans rendez-vous.",
        free=True,
        no_documents_required=True,
        walk_in=True,
    )
    clinic.needs.add(health)
    hours(clinic, "MO,TU,WE,TH,FR", "09:00", "17:00")
    Language.objects.create(service=clinic, code="ar")
    place(clinic, 45.1880, 5.7240)

    dentist = ServiceFactory(
        organisation=organisation,
        name_fr="Dentiste solidaire",
        description_fr="Soins dentaires gratuits pour les enfants.",
        free=True,
        maximum_age=17,
    )
    dentist.needs.add(dental)
    hours(dentist, "WE", "14:00", "18:00")
    location = place(dentist, 45.2030, 5.7200)
    Language.objects.create(location=location, code="ti")

    shelter = ServiceFactory(
        organisation=organisation,
        name_fr="Halte de nuit",
        description_fr="Un lit et une douche pour la nuit, sans condition.",
        anonymous_ok=True,
        no_documents_required=True,
    )
    shelter.needs.add(housing)
    hours(shelter, "MO,TU,WE,TH,FR,SA,SU", "20:00", "08:00")
    place(shelter, 45.1680, 5.7250)
    refuge = ServiceFactory(
        organisation=organisation,
        name_fr="Refuge pour femmes",
        description_fr="Hébergement protégé.",
        minimum_age=18,
    )
    refuge.needs.add(housing)
    place(refuge, 45.1881, 5.7241, confidential=True)
    hours(refuge, "SA", "10:00", "12:00")
    closed = ServiceFactory(organisation=organisation, name_fr="Ancien accueil", status="defunct")
    search.reindex()
    search.vocabulary_rebuild()
    return {
        "clinic": clinic,
        "dentist": dentist,
        "shelter": shelter,
        "refuge": refuge,
        "closed": closed,
    }


def names(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [service.name_fr for service in result.services]


def found(params: SearchParams, *, language: str = "fr", moment=WEDNESDAY_NOON) -> set[str]:  # type: ignore[no-untyped-def]
    return set(names(service_search(params, language=language, moment=moment, per_page=50)))


def test_everything_active_without_filters(directory) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams()) == {
        "Centre de santé du Vieux Port",
        "Dentiste solidaire",
        "Halte de nuit",
        "Refuge pour femmes",
    }


def test_words_in_french_and_arabic(directory) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(q="santé")) == {"Centre de santé du Vieux Port"}
    assert found(SearchParams(q="صحي"), language="ar") == {"Centre de santé du Vieux Port"}
    # A French text shown to a Ukrainian reader (fallback) is found in their search too.
    assert found(SearchParams(q="douche"), language="uk") == {"Halte de nuit"}


def test_a_misspelt_word_is_corrected(directory) -> None:  # type: ignore[no-untyped-def]
    result = service_search(SearchParams(q="dentise"), language="fr", moment=WEDNESDAY_NOON)
    assert result.corrected_query == "dentiste"
    assert names(result) == ["Dentiste solidaire"]


def test_need_includes_narrower_needs(directory) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(need="health")) == {
        "Centre de santé du Vieux Port",
        "Dentiste solidaire",
    }
    assert found(SearchParams(need="dental")) == {"Dentiste solidaire"}


def test_language_spoken_at_the_service_or_its_location(directory) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(language="ar")) == {"Centre de santé du Vieux Port"}
    assert found(SearchParams(language="ti")) == {"Dentiste solidaire"}
    assert found(SearchParams(language="ps")) == set()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(25, 12), {"Centre de santé du Vieux Port"}),  # Wednesday noon
        (at(25, 15), {"Centre de santé du Vieux Port", "Dentiste solidaire"}),
        (at(25, 17, 0), {"Dentiste solidaire"}),  # the clinic closes at 17:00 sharp
        (at(25, 23, 30), {"Halte de nuit"}),  # overnight, before midnight
        (at(26, 2, 0), {"Halte de nuit"}),  # overnight, after midnight (Thursday)
        (at(26, 8, 0), set()),  # the shelter closes at 08:00, the clinic opens at 09:00
        (at(28, 11), {"Refuge pour femmes"}),  # Saturday
    ],
)
def test_open_now(directory, moment, expected) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(open_now=True), moment=moment) == expected
    # The page's badge uses the same rules as the SQL filter.
    for service in service_search(SearchParams(), language="fr", moment=moment).services:
        assert search.is_open(service, moment) == (service.name_fr in expected)


def test_a_holiday_closure_closes_the_day_but_not_the_night_before(directory) -> None:  # type: ignore[no-untyped-def]
    Closure.objects.create(
        service=directory["clinic"],
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 11, 25),
    )
    Closure.objects.create(
        service=directory["shelter"],
        starts_on=datetime.date(2026, 11, 26),
        ends_on=datetime.date(2026, 11, 26),
    )
    assert found(SearchParams(open_now=True), moment=at(25, 12)) == set()
    # The shelter opened on Wednesday evening (no closure): still open at 2 a.m. Thursday …
    assert found(SearchParams(open_now=True), moment=at(26, 2)) == {"Halte de nuit"}
    # … but it does not open on Thursday evening, its closure day.
    assert found(SearchParams(open_now=True), moment=at(26, 22)) == set()
    clinic = service_search(SearchParams(q="santé"), language="fr").services[0]
    assert search.hours_on(clinic, datetime.date(2026, 11, 25)) == []


def test_open_on_a_day(directory) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(day="SA")) == {"Halte de nuit", "Refuge pour femmes"}


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("free", {"Centre de santé du Vieux Port", "Dentiste solidaire"}),
        ("no_documents_required", {"Centre de santé du Vieux Port", "Halte de nuit"}),
        ("anonymous_ok", {"Halte de nuit"}),
        ("walk_in", {"Centre de santé du Vieux Port"}),
    ],
)
def test_profile_filters(directory, flag: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    assert found(SearchParams(**{flag: True})) == expected


def test_age(directory) -> None:  # type: ignore[no-untyped-def]
    assert "Dentiste solidaire" in found(SearchParams(age=10))
    assert "Refuge pour femmes" not in found(SearchParams(age=10))
    assert "Dentiste solidaire" not in found(SearchParams(age=30))


def test_combinations_are_intersections(directory) -> None:  # type: ignore[no-untyped-def]
    options = {
        "free": True,
        "no_documents_required": True,
        "need": "health",
        "language": "ar",
        "open_now": True,
    }
    singles = {key: found(SearchParams(**{key: value})) for key, value in options.items()}
    for size in (2, 3):
        for keys in itertools.combinations(options, size):
            expected = set.intersection(*(singles[key] for key in keys))
            assert found(SearchParams(**{key: options[key] for key in keys})) == expected, keys


def test_nearest_first_and_confidential_places_never_give_a_distance(directory) -> None:  # type: ignore[no-untyped-def]
    result = service_search(
        SearchParams(near=(45.1680, 5.7250)), language="fr", moment=WEDNESDAY_NOON
    )
    assert names(result)[:3] == [
        "Halte de nuit",
        "Centre de santé du Vieux Port",
        "Dentiste solidaire",
    ]
    distances = [service.distance_km for service in result.services]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] == pytest.approx(
        search.distance_km((45.1680, 5.7250), (45.1880, 5.7240)), rel=0.01
    )
    refuge = next(service for service in result.services if service.name_fr == "Refuge pour femmes")
    assert refuge.distance_km is None and result.services[-1] is refuge


def test_near_a_neighbourhood(directory, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_NEIGHBOURHOOD_CENTRES = {"north": [45.2030, 5.7200]}
    page = Client().get("/fr/services/?near=north").content.decode()
    assert page.index("Dentiste solidaire") < page.index("Halte de nuit")


def test_facet_counts(directory) -> None:  # type: ignore[no-untyped-def]
    result = service_search(SearchParams(free=True), language="fr", moment=WEDNESDAY_NOON)
    needs = {code: count for code, _label, count in result.facets["need"]}
    # A need's count is what choosing it would give: narrower needs included.
    assert needs == {"health": 2, "dental": 1}
    assert (
        needs["health"]
        == service_search(
            SearchParams(free=True, need="health"), language="fr", moment=WEDNESDAY_NOON
        ).total
    )
    flags = {code: count for code, _label, count in result.facets["attribute"]}
    assert flags == {"free": 2, "no_documents_required": 1, "anonymous_ok": 0, "walk_in": 1}
    languages = {code: count for code, _label, count in result.facets["language"]}
    assert languages == {"ar": 1, "ti": 1}  # at the service or at its location


def test_paging(directory) -> None:  # type: ignore[no-untyped-def]
    first = service_search(SearchParams(), language="fr", per_page=3, page=1)
    second = service_search(SearchParams(), language="fr", per_page=3, page=2)
    assert (first.total, first.pages) == (4, 2)
    assert len(first.services) == 3 and len(second.services) == 1
    assert not set(names(first)) & set(names(second))
    assert service_search(SearchParams(), language="fr", per_page=3, page=99).page == 2


def test_the_page_costs_a_constant_number_of_queries(
    directory, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    url = "/fr/services/?q=sant%C3%A9&free=on&near=centre&day=MO"
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    organisation = directory["clinic"].organisation
    for index in range(25):
        service = ServiceFactory(
            organisation=organisation, name_fr=f"Maison de santé {index}", free=True
        )
        hours(service, "MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")
        place(service, 45.18, 5.72)
        Language.objects.create(service=service, code="fr")
    search.reindex()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Maison de santé") >= 19  # a full page of 20


def test_bad_choices_are_explained_and_left_out(directory) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/es/services/?age=old&near=atlantis&free=on")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'class="error"' in page
    assert "Centre de santé du Vieux Port" in page  # the valid filter still applies
    assert "Halte de nuit" not in page


def test_the_search_sets_no_cookie(directory) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/ar/services/?q=%D8%B5%D8%AD%D9%8A&open_now=on")
    assert response.status_code == 200
    assert not response.cookies
    assert 'dir="rtl"' in response.content.decode()
    assert "الشمال" in response.content.decode()  # neighbourhoods in the reader's language


def test_defunct_services_are_not_listed_but_keep_their_page(directory) -> None:  # type: ignore[no-untyped-def]
    assert "Ancien accueil" not in found(SearchParams())
    page = Client().get(f"/fr/services/{directory['closed'].pk}/")
    assert page.status_code == 200


def test_translations_of_names_are_searched_in_their_language(directory) -> None:  # type: ignore[no-untyped-def]
    set_translations(directory["shelter"], "name", {"en": "Night shelter"})
    directory["shelter"].save()
    search.reindex([directory["shelter"].pk])
    assert found(SearchParams(q="shelter"), language="en") == {"Halte de nuit"}
    assert found(SearchParams(q="shelter"), language="fr") == set()


def test_hours_count_only_while_they_are_valid(directory) -> None:  # type: ignore[no-untyped-def]
    from services.tasks import service_facts_refresh_task

    Schedule.objects.filter(service=directory["clinic"]).update(
        valid_to=datetime.date(2026, 11, 1)  # winter hours ended
    )
    service_facts_refresh_task.run()
    service_facts_refresh_task.run()
    assert "Centre de santé du Vieux Port" not in found(SearchParams(open_now=True))
    assert "Centre de santé du Vieux Port" not in found(SearchParams(day="WE"))
