"""The checklist stores nothing and advises by situation; no page lists people."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

SITUATIONS = [
    # answers, routes expected, evidence that must be suggested
    (
        {"housing": "none", "children": "no", "months": "3to12"},
        {"domiciliation", "social_links"},
        ["association"],
    ),
    (
        {"housing": "own", "documents": ["lease_or_bill"], "children": "no", "months": "over12"},
        {"register"},
        ["lease_or_bill"],
    ),
    (
        {"housing": "hosted", "children": "yes", "months": "under3"},
        {"register", "domiciliation", "social_links"},
        ["school"],
    ),
    ({"housing": "none", "children": "no", "months": "under3"}, {"domiciliation"}, []),
]
ROUTE_TITLES = {
    "fr": {"register": "Inscription", "domiciliation": "domiciliation"},
    "ar": {},
    "es": {},
}


def answer(client: Client, language: str, answers: dict[str, object]) -> str:
    response = client.get(f"/{language}/register/", answers)
    assert response.status_code == 200
    assert not response.cookies
    return response.content.decode()


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
@pytest.mark.parametrize(("answers", "routes", "evidence"), SITUATIONS)
def test_checklist_routes_and_evidence(
    client: Client, language: str, answers, routes, evidence
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation
    from django.utils.html import escape

    from registration.models import Evidence, Route

    page = answer(client, language, answers)
    with translation.override(language):
        for route in Route:
            assert (escape(str(route.label)) in page) == (route.value in routes), (route, language)
        for item in evidence:
            assert escape(str(Evidence(item).label)) in page
    assert "request-form.pdf?" in page


def test_request_form_pdf_in_two_languages(client: Client) -> None:
    response = client.get(
        "/ar/register/request-form.pdf", {"housing": "none", "children": "yes", "months": "3to12"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "domiciliation" in text.lower()  # the French column
    assert any("\u0600" <= character <= "\u06ff" for character in text)  # the Arabic column


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found.extend(_patterns(pattern, prefix + str(pattern.pattern)))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


def test_no_url_admin_page_or_api_lists_or_searches_people() -> None:
    from registration.models import Attestation, EligibilityRelease

    patterns = _patterns(get_resolver())
    registration_urls = [
        pattern for pattern in patterns if "register" in pattern or "registration" in pattern
    ]
    assert sorted(p.split("register/", 1)[-1] for p in registration_urls if "register/" in p) == [
        "",
        "counter/",
        "request-form.pdf",
        "statistics/",
        "verify/",
    ]
    assert not any(model in admin.site._registry for model in (Attestation, EligibilityRelease))
    schema_paths = [pattern for pattern in patterns if pattern.startswith("api/")]
    assert not any("attestation" in pattern for pattern in schema_paths)


def test_counter_needs_an_accredited_caseworker(client: Client, counters) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/fr/register/counter/").status_code == 302
    client.force_login(counters["clinic"])
    assert client.get("/fr/register/counter/").status_code == 403
    client.force_login(counters["welcome"])
    response = client.get("/fr/register/counter/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_counter_issues_and_opens_by_code(client: Client, counters) -> None:  # type: ignore[no-untyped-def]
    import re

    client.force_login(counters["welcome"])
    response = client.post(
        "/fr/register/counter/",
        {
            "action": "issue",
            "display_name": "Amadou",
            "birth_year": "1999",
            "address": "CCAS, 14 avenue de la République",
            "route": "domiciliation",
            "neighbourhood": "centre",
            "evidence": ["social_services"],
            "person_language": "fr",
        },
    )
    assert response.status_code == 200
    code = re.search(r"<code>([A-Z2-7-]{32})</code>", response.content.decode()).group(1)  # type: ignore[union-attr]
    client.force_login(counters["association"])
    opened = client.post("/fr/register/counter/", {"action": "open", "code": code})
    assert "Amadou" in opened.content.decode()
    missing = client.post("/fr/register/counter/", {"action": "open", "code": "D" * 26})
    assert missing.status_code == 404


def test_statistics_hide_small_cells_for_the_city_admin_only(client: Client, counters) -> None:  # type: ignore[no-untyped-def]
    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role
    from tests.registration.conftest import issue

    for index in range(3):
        issue(counters["welcome"], birth_year=1950 + index)
    client.force_login(counters["welcome"])
    assert client.get("/fr/register/statistics/").status_code == 403
    admin = account_actions.user_create(
        username="city", password=None, roles=[Role.CITY_ADMIN], notify=False
    )
    client.force_login(admin)
    page = client.get("/fr/register/statistics/").content.decode()
    assert "&lt;11" in page and ">3<" not in page
    csv = client.get("/fr/register/statistics/", {"format": "csv"}).content.decode()
    assert "<11" in csv and ",3" not in csv


def test_record_status_is_shown_in_the_reader_language(client: Client, counters) -> None:  # type: ignore[no-untyped-def]
    from tests.registration.conftest import issue

    issued = issue(counters["welcome"])
    client.force_login(counters["welcome"])
    page = client.post("/es/register/counter/", {"action": "open", "code": issued.code})
    assert "<dd>válido</dd>" in page.content.decode()
