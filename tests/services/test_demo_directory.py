"""The demo city's directory: realistic enough to try every filter, loaded once."""

from __future__ import annotations

import pytest
from django.db.models import Count

from portal.demo import seed_demo
from services import demo
from services.models import Language, Location, Schedule, Service
from services.search import SearchParams, service_search

pytestmark = pytest.mark.django_db


def test_demo_directory_is_rich_enough_and_loaded_once() -> None:
    seed_demo()
    demo.seed()
    before = (Service.objects.count(), Location.objects.count(), Schedule.objects.count())
    assert demo.seed()["services"] == 0
    assert (Service.objects.count(), Location.objects.count(), Schedule.objects.count()) == before
    services = Service.objects.annotate(
        hours=Count("schedules", distinct=True), spoken=Count("languages", distinct=True)
    )
    assert services.count() >= 60
    assert services.values("organisation").distinct().count() >= 25
    assert not services.filter(hours=0).exists()
    assert not services.filter(spoken=0).exists()
    assert Location.objects.filter(latitude__isnull=False).count() >= 25
    assert Location.objects.filter(is_confidential=True).exists()
    assert Language.objects.values("code").distinct().count() >= 8
    # Every filter finds something in the demo city.
    assert service_search(SearchParams(q="santé"), language="fr").total >= 5
    assert service_search(SearchParams(q="صحي"), language="ar").total >= 3
    for flag in ("free", "no_documents_required", "anonymous_ok", "walk_in"):
        assert service_search(SearchParams(**{flag: True}), language="fr").total > 0, flag
    assert service_search(SearchParams(language="ti"), language="ti").total > 0
    assert service_search(SearchParams(day="SU"), language="fr").total > 0
