"""The public API: processes, projects and results to read; casting needs a code."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from participation.models import Ballot
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    cache.clear()
    return APIClient()


def test_read_processes_and_projects_in_a_language(api: APIClient) -> None:
    district = DistrictFactory(process__title_es="Presupuesto", name_es="Centro")
    ProjectFactory(district=district, title_es="Bancos")
    processes = api.get("/api/v1/participation/processes/", {"lang": "es"}).json()
    assert processes[0]["title"] == "Presupuesto"
    assert processes[0]["districts"][0]["name"] == "Centro"
    projects = api.get(
        f"/api/v1/participation/processes/{district.process.slug}/projects/", {"lang": "es"}
    ).json()
    assert projects["results"][0]["title"] == "Bancos"


def test_cast_with_a_code_once(api: APIClient) -> None:
    district = DistrictFactory()
    project = ProjectFactory(district=district)
    (code,) = make_codes(district.process, 1)
    url = f"/api/v1/participation/processes/{district.process.slug}/ballots/"
    body = {"code": code, "district": district.slug, "choices": {str(project.pk): 1}}
    first = api.post(url, body, format="json")
    assert first.status_code == 201 and len(first.json()["receipt"]) == 32
    again = api.post(url, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "used"
    bad = api.post(url, {**body, "code": "nonsense"}, format="json")
    assert bad.status_code == 400
    assert Ballot.objects.count() == 1


def test_casting_is_rate_limited(api: APIClient, settings: object) -> None:
    district = DistrictFactory()
    url = f"/api/v1/participation/processes/{district.process.slug}/ballots/"
    statuses = [
        api.post(
            url, {"code": "x", "district": district.slug, "choices": {}}, format="json"
        ).status_code
        for _index in range(31)
    ]
    assert statuses[-1] == 429
    cache.clear()


def test_results_are_empty_until_published(api: APIClient) -> None:
    district = DistrictFactory()
    response = api.get(f"/api/v1/participation/processes/{district.process.slug}/results/")
    assert response.status_code == 200 and response.json() == []
