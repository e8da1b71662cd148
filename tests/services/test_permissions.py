"""Every role against every referral page and API endpoint: only the expected calls
succeed; refused calls change nothing and leak nothing (404 for others' referrals)."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.accounts import actions as account_actions
from portal.audit.models import AuditEntry
from services.models import Referral, ReferralNote
from tests.services.conftest import refer

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "caseworker_a", "caseworker_b", "admin_a", "city_admin"]
MEMBERS = {"caseworker_a", "caseworker_b", "admin_a"}


def state() -> tuple[object, ...]:
    return (
        sorted(Referral.objects.values_list("pk", "status")),
        ReferralNote.objects.count(),
        AuditEntry.objects.exclude(action="view").count(),
    )


def client_for(network, role: str, *, api: bool = False) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if role == "anonymous":
        return client
    user = network.city_admin if role == "city_admin" else getattr(network, role)
    if api:  # organisations' systems use a token; everyone else has a session
        _token, key = account_actions.api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Token {key}")
    client.force_login(user)
    return client


@pytest.fixture
def scene(network):  # type: ignore[no-untyped-def]
    """A→B (sent) and A→A (sent, internal to A: B is not party to it)."""
    between = refer(network, note="note planted between A and B")
    internal = refer(network, service=network.service_a, note="note planted inside A")
    return network, between, internal


# (role → expected status) per page; "redirect" is the way to the login page.
PAGES = {
    "list": (
        "get",
        lambda n, ab, aa: "/fr/caseworker/",
        {"anonymous": 302, "resident": 403, "city_admin": 403, **dict.fromkeys(MEMBERS, 200)},
    ),
    "new-form": (
        "get",
        lambda n, ab, aa: f"/fr/caseworker/referrals/new/?service={n.service_b.pk}",
        {"anonymous": 302, "resident": 403, "city_admin": 403, **dict.fromkeys(MEMBERS, 200)},
    ),
    "detail-between": (
        "get",
        lambda n, ab, aa: f"/fr/caseworker/referrals/{ab.pk}/",
        {"anonymous": 302, "resident": 403, "city_admin": 403, **dict.fromkeys(MEMBERS, 200)},
    ),
    "detail-internal": (
        "get",
        lambda n, ab, aa: f"/fr/caseworker/referrals/{aa.pk}/",
        {
            "anonymous": 302,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 200,
            "admin_a": 200,
            "caseworker_b": 404,
        },
    ),
    "accept-between": (
        "post",
        lambda n, ab, aa: f"/fr/caseworker/referrals/{ab.pk}/",
        {
            "anonymous": 302,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 403,
            "admin_a": 403,
            "caseworker_b": 302,
        },
    ),
    "accept-internal": (
        "post",
        lambda n, ab, aa: f"/fr/caseworker/referrals/{aa.pk}/",
        {
            "anonymous": 302,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 302,
            "admin_a": 302,
            "caseworker_b": 404,
        },
    ),
    "audit-a": (
        "get",
        lambda n, ab, aa: f"/fr/caseworker/organisations/{n.a.pk}/audit/",
        {
            "anonymous": 302,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 403,
            "caseworker_b": 403,
            "admin_a": 200,
        },
    ),
    "statistics": (
        "get",
        lambda n, ab, aa: "/fr/caseworker/statistics/",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "city_admin": 200},
    ),
    "chart": (
        "get",
        lambda n, ab, aa: "/fr/caseworker/statistics/chart.svg",
        {**dict.fromkeys(ROLES, 403), "anonymous": 302, "city_admin": 200},
    ),
}

API = {
    "api-list": (
        "get",
        lambda n, ab, aa: "/api/v1/referrals/",
        {"anonymous": 401, "resident": 403, "city_admin": 403, **dict.fromkeys(MEMBERS, 200)},
    ),
    "api-create": (
        "post",
        lambda n, ab, aa: "/api/v1/referrals/",
        {"anonymous": 401, "resident": 403, "city_admin": 403, **dict.fromkeys(MEMBERS, 201)},
    ),
    "api-detail-internal": (
        "get",
        lambda n, ab, aa: f"/api/v1/referrals/{aa.pk}/",
        {
            "anonymous": 401,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 200,
            "admin_a": 200,
            "caseworker_b": 404,
        },
    ),
    "api-accept-between": (
        "post",
        lambda n, ab, aa: f"/api/v1/referrals/{ab.pk}/transitions/",
        {
            "anonymous": 401,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 403,
            "admin_a": 403,
            "caseworker_b": 200,
        },
    ),
    "api-note-internal": (
        "post",
        lambda n, ab, aa: f"/api/v1/referrals/{aa.pk}/notes/",
        {
            "anonymous": 401,
            "resident": 403,
            "city_admin": 403,
            "caseworker_a": 201,
            "admin_a": 201,
            "caseworker_b": 404,
        },
    ),
}

POST_DATA = {
    "accept-between": {"move": "accept"},
    "accept-internal": {"move": "accept"},
    "api-accept-between": {"move": "accept"},
    "api-note-internal": {"text": "a note"},
}


def _create_payload(network) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "service": str(network.service_b.pk),
        "consent": "given",
        "contact_channel": "caseworker",
        "send": True,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [*PAGES, *API])
def test_permission_matrix(scene, role: str, name: str) -> None:  # type: ignore[no-untyped-def]
    network, between, internal = scene
    is_api = name in API
    method, url_of, expected = (API if is_api else PAGES)[name]
    client = client_for(network, role, api=is_api)
    url = url_of(network, between, internal)
    before = state()
    if method == "get":
        response = client.get(url)
    elif is_api:
        data = _create_payload(network) if name == "api-create" else POST_DATA[name]
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, POST_DATA[name])
    assert response.status_code == expected[role], (name, role, response.status_code)
    refused = response.status_code >= 400 or role == "anonymous"
    if refused:
        assert state() == before  # a refused call changes nothing
    elif method == "post":
        assert state() != before
    if response.status_code == 302 and role == "anonymous":
        assert "/login/" in response["Location"]
    if response.status_code in {403, 404}:
        body = response.content.decode()
        for leak in (internal.client_token, between.client_token, "planted"):
            assert leak not in body


def test_a_list_shows_only_the_organisations_referrals(scene) -> None:  # type: ignore[no-untyped-def]
    network, between, internal = scene
    client = client_for(network, "caseworker_b", api=True)
    ids = {item["id"] for item in client.get("/api/v1/referrals/").json()["results"]}
    assert ids == {str(between.pk)}
    page = client_for(network, "caseworker_b").get("/fr/caseworker/").content.decode()
    assert between.client_token in page and internal.client_token not in page


def test_a_revoked_token_is_refused(network) -> None:  # type: ignore[no-untyped-def]
    token, key = account_actions.api_token_create(user=network.caseworker_a, name="system")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/referrals/").status_code == 200
    account_actions.api_token_revoke(token=token)
    assert client.get("/api/v1/referrals/").status_code == 401


def test_the_referral_api_is_documented(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/referrals/",
        "/api/v1/referrals/{referral_id}/",
        "/api/v1/referrals/{referral_id}/transitions/",
        "/api/v1/referrals/{referral_id}/notes/",
    ):
        assert path in schema["paths"]
