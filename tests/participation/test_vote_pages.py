"""Voting without JavaScript or cookies: code → choose → review → cast → receipt."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from participation.models import Ballot, Phase
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_vote():  # type: ignore[no-untyped-def]
    district = DistrictFactory(budget=Decimal(100_000), name_fr="Centre", name_uk="Центр")
    projects = [
        ProjectFactory(district=district, estimated_cost=Decimal(cost), title_uk=f"Проєкт {cost}")
        for cost in (60_000, 50_000, 20_000)
    ]
    (code,) = make_codes(district.process, 1)
    return district, projects, code


def post(client: Client, district, code: str, **data) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/uk/participate/{district.process.slug}/vote/",
        {"code": code, "district": district.pk, **data},
    )
    assert not response.cookies
    return response.status_code, response.content.decode()


def test_whole_vote_in_ukrainian(client: Client, open_vote) -> None:  # type: ignore[no-untyped-def]
    district, projects, code = open_vote
    page = client.get(f"/uk/participate/{district.process.slug}/vote/").content.decode()
    assert 'name="code"' in page and "<script" not in page
    status, page = post(client, district, code, step="choose")
    assert status == 200 and "Проєкт 60000" in page
    # Over budget: refused with a clear message, in Ukrainian, the choice kept.
    status, page = post(
        client, district, code, step="review", project=[projects[0].pk, projects[1].pk]
    )
    assert status == 400
    assert 'role="alert"' in page and "110" in page
    assert (
        f'value="{projects[0].pk}" id="project-{projects[0].pk}" data-cost="60000" checked' in page
    )
    status, page = post(
        client, district, code, step="review", project=[projects[0].pk, projects[2].pk]
    )
    assert status == 200 and "80" in page
    assert not Ballot.objects.exists()  # reviewing casts nothing
    status, page = post(
        client, district, code, step="cast", project=[projects[0].pk, projects[2].pk]
    )
    assert status == 200
    receipt = re.search(r"<code>([A-Z2-7-]{32})</code>", page).group(1)  # type: ignore[union-attr]
    assert Ballot.objects.count() == 1
    check = client.get(f"/uk/participate/{district.process.slug}/receipt/", {"receipt": receipt})
    assert "Проєкт 60000" in check.content.decode()
    # The same code again is refused.
    status, page = post(client, district, code, step="cast", project=[projects[1].pk])
    assert status == 400 and 'role="alert"' in page
    assert Ballot.objects.count() == 1


def test_wrong_codes_are_limited_per_connection(client: Client, open_vote) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    district, _projects, _code = open_vote
    statuses = [post(client, district, "B" * 26, step="choose")[0] for _index in range(21)]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    cache.clear()


def test_voting_page_when_closed(client: Client, open_vote) -> None:  # type: ignore[no-untyped-def]
    district, _projects, code = open_vote
    district.process.phase = Phase.RESULTS
    district.process.save()
    status, page = post(client, district, code, step="choose")
    assert status == 200 and "<h1>" in page
    assert not Ballot.objects.exists()


def test_proposal_needs_an_account_and_is_stored_in_the_writer_language(client: Client) -> None:
    from portal.accounts import actions as account_actions

    district = DistrictFactory(process__phase=Phase.PROPOSALS)
    url = f"/ar/participate/{district.process.slug}/propose/"
    assert client.get(url).status_code == 302  # to the login page
    resident = account_actions.user_create(
        username="amina", password="a-long-test-password-1", notify=False
    )
    client.force_login(resident)
    response = client.post(
        url,
        {
            "title": "حديقة للأطفال",
            "description": "في الحي الجنوبي",
            "district": district.pk,
            "estimated_cost": "15000",
        },
    )
    assert response.status_code == 302
    proposal = district.proposals.get()
    assert proposal.title_ar == "حديقة للأطفال" and proposal.source_language == "ar"
    assert proposal.status == "submitted" and proposal.author == resident


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def test_proposal_with_a_photo(client: Client, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.accounts import actions as account_actions

    settings.MEDIA_ROOT = tmp_path
    district = DistrictFactory(process__phase=Phase.PROPOSALS)
    client.force_login(account_actions.user_create(username="lea", password=None, notify=False))
    url = f"/fr/participate/{district.process.slug}/propose/"
    photo = SimpleUploadedFile("jardin.png", _png(), content_type="image/png")
    response = client.post(
        url,
        {
            "title": "Un jardin",
            "description": "Au sud.",
            "district": district.pk,
            "estimated_cost": "9000",
            "photo": photo,
        },
    )
    assert response.status_code == 302
    proposal = district.proposals.get()
    page = client.get(f"/fr/participate/{district.process.slug}/").content.decode()
    assert proposal.photo.url in page
    assert client.get(proposal.photo.url).status_code == 200
    not_an_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        url,
        {
            "title": "Autre",
            "description": "-",
            "district": district.pk,
            "estimated_cost": "10",
            "photo": not_an_image,
        },
    )
    assert response.status_code == 200 and district.proposals.count() == 1


def test_officer_pages_are_for_officers(client: Client) -> None:
    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role

    district = DistrictFactory()
    project = ProjectFactory(district=district)
    slug = district.process.slug
    resident = account_actions.user_create(username="res", password=None, notify=False)
    client.force_login(resident)
    assert client.get(f"/fr/participate/{slug}/officer/").status_code == 403
    officers = [
        account_actions.user_create(
            username=f"off{index}", password=None, roles=[Role.PB_OFFICER], notify=False
        )
        for index in range(2)
    ]
    client.force_login(officers[0])
    page = client.post(f"/fr/participate/{slug}/officer/codes/", {"label": "Mairie", "size": "3"})
    printed = re.findall(r"<code>([A-Z2-7-]{32})</code>", page.content.decode())
    assert len(printed) == 3 and page["Cache-Control"].startswith("max-age=0")
    for officer in officers:
        client.force_login(officer)
        client.post(
            f"/fr/participate/{slug}/officer/paper/",
            {
                "booth": "Mairie",
                "sheet_number": "1",
                "district": district.pk,
                "project": [project.pk],
            },
        )
    assert Ballot.objects.get().channel == "paper"
