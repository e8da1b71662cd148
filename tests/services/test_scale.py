"""The synthetic directory of benchmarks and `seed_demo --scale N`."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from portal.accounts.models import Organisation
from portal.i18n.languages import search_config
from services import scale
from services.models import (
    Closure,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearchDocument,
)
from tests.factories.services import ServiceFactory

pytestmark = pytest.mark.django_db


def generated_services():
    return Service.objects.filter(organisation__slug__startswith=scale.SLUG_PREFIX)


def test_generate_makes_the_directory_asked_for() -> None:
    counts = scale.generate(services=300, locations=450)

    services = generated_services()
    assert services.count() == counts["services"] == 300
    assert (
        Location.objects.filter(organisation__slug__startswith=scale.SLUG_PREFIX).count()
        == counts["locations"]
        == 450
    )
    assert Organisation.objects.filter(slug__startswith=scale.SLUG_PREFIX).count() == 30
    # Every service in French and English, with a need, 1-4 languages, 1-2 places, hours.
    assert not services.filter(name_fr="").exists()
    assert not services.filter(name_en__isnull=True).exists()
    assert not services.filter(needs=None).exists()
    for service in services.prefetch_related("languages", "service_at_locations", "schedules"):
        assert 1 <= len(service.languages.all()) <= 4
        assert 1 <= len(service.service_at_locations.all()) <= 2
        assert 1 <= len(service.schedules.all()) <= 3
    assert ServiceAtLocation.objects.filter(service__in=services).count() == 450
    # Coordinates inside the city; some opening hours past midnight, some at weekends.
    placed = Location.objects.filter(
        organisation__slug__startswith=scale.SLUG_PREFIX, latitude__isnull=False
    )
    assert placed.count() > 350
    assert not placed.exclude(latitude__range=(45.10, 45.25), longitude__range=(5.65, 5.80))
    rules = list(Schedule.objects.filter(service__in=services))
    assert any(rule.closes_at < rule.opens_at for rule in rules)
    assert any("SA" in rule.byday or "SU" in rule.byday for rule in rules)
    assert Closure.objects.filter(service__in=services).exists()
    # The profile booleans vary, as in a real directory.
    for flag in ("free", "no_documents_required", "walk_in", "anonymous_ok"):
        share = services.filter(**{flag: True}).count() / 300
        assert 0.05 < share < 0.95, flag
    assert Language.objects.filter(service__in=services, code="fr").count() > 250


def test_generated_services_are_searchable() -> None:
    scale.generate(services=300, locations=450)

    documents = ServiceSearchDocument.objects.filter(service__in=generated_services())
    assert documents.count() == 300 * len(settings.LANGUAGES)
    health = documents.filter(
        language="fr", document=SearchQuery("santé", config=search_config("fr"))
    )
    classes = documents.filter(
        language="en", document=SearchQuery("French classes", config=search_config("en"))
    )
    assert health.exists()
    assert classes.exists()


def test_remove_deletes_only_what_was_generated() -> None:
    kept = ServiceFactory()
    scale.generate(services=300, locations=450)

    removed = scale.remove()

    assert removed["services"] == 300
    assert not generated_services().exists()
    assert not Organisation.objects.filter(slug__startswith=scale.SLUG_PREFIX).exists()
    assert not Location.objects.filter(organisation__isnull=False).exclude(
        organisation=kept.organisation
    )
    assert list(Service.objects.all()) == [kept]
    assert not ServiceSearchDocument.objects.exclude(service=kept).exists()
    assert not Schedule.objects.exists()
    assert not Language.objects.exists()


def test_the_same_seed_gives_the_same_directory() -> None:
    scale.generate(services=40, locations=60, seed=7)
    first = sorted(generated_services().values_list("name_en", flat=True))
    scale.remove()
    scale.generate(services=40, locations=60, seed=7)

    assert sorted(generated_services().values_list("name_en", flat=True)) == first


def test_seed_demo_scale_multiplies_the_demo_and_zero_removes_it() -> None:
    call_command("seed_demo", verbosity=0)
    demo = Service.objects.count()

    call_command("seed_demo", scale=2, verbosity=0)
    assert generated_services().count() == 2 * demo
    call_command("seed_demo", scale=2, verbosity=0)  # replaced, not added to
    assert generated_services().count() == 2 * demo

    call_command("seed_demo", scale=0, verbosity=0)
    assert not generated_services().exists()
    assert Service.objects.count() == demo
