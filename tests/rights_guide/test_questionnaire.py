"""'What are my rights?': answers in the URL only, a personal list, nothing stored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.factories.guide import ArticleFactory, SituationFactory

pytestmark = pytest.mark.django_db

BASE = {"children": "no", "health": "no", "housing": "home"}


def slugs_in(page: str) -> set[str]:
    import re

    return set(re.findall(r'href="/\w+/guide/[\w-]+/([\w-]+)/"', page))


def answer(client: Client, language: str, **answers: str | list[str]) -> str:
    response = client.get(f"/{language}/guide/questions/", {**BASE, **answers})
    assert response.status_code == 200
    assert not response.cookies
    return response.content.decode()


def test_answers_map_to_needs_and_situation(client: Client) -> None:
    newcomer = SituationFactory(slug="newcomer", default_needs=["legal_help"])
    student = SituationFactory(slug="student")
    lawyer = ArticleFactory(slug="lawyer", needs=["legal_help"], situations=[newcomer])
    school = ArticleFactory(slug="school", needs=["schooling"], applies_regardless_of_status=True)
    clinic = ArticleFactory(slug="clinic", needs=["health"], applies_regardless_of_status=True)
    student_job = ArticleFactory(slug="student-job", needs=["work"], situations=[student])

    page = answer(client, "fr", situation="newcomer", children="yes")
    assert slugs_in(page) == {lawyer.slug, school.slug}
    page = answer(client, "fr", situation="student", health="yes", other=["work"])
    assert slugs_in(page) == {clinic.slug, student_job.slug}
    page = answer(client, "fr", situation="other")
    assert slugs_in(page) == set()


def test_incomplete_answers_are_explained_in_the_reader_language(client: Client) -> None:
    SituationFactory(slug="newcomer")
    response = client.get("/ar/guide/questions/", {"situation": "newcomer", "children": "maybe"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "Please answer" not in page  # translated
    assert 'dir="rtl"' in page


def test_questionnaire_stores_nothing(client: Client) -> None:
    SituationFactory(slug="newcomer")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(n_tup_ins + n_tup_upd) FROM pg_stat_user_tables")
    answer(client, "fr", situation="newcomer", health="yes", housing="none")
    from portal.audit.models import AuditEntry
    from portal.notifications.models import Notification

    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()


@pytest.fixture
def demo_guide() -> None:
    """The demo guide only: the questionnaire reads nothing else (the whole demo, with
    its directory and referrals, costs several times as much to load)."""
    from rights_guide import demo

    demo.seed()


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_newly_arrived_without_documents_gets_health_school_address_and_legal_help(
    client: Client, demo_guide: None, language: str
) -> None:
    page = answer(
        client,
        language,
        situation="newly-arrived-without-documents",
        children="yes",
        health="yes",
        housing="none",
    )
    slugs = slugs_in(page)
    for expected in ("state-medical-aid", "school-enrolment", "domiciliation", "free-legal-advice"):
        assert expected in slugs, (expected, slugs)


@pytest.mark.parametrize(
    ("situation", "answers", "expected", "unexpected"),
    [
        (
            "asylum-seeker",
            {"health": "yes"},
            {"free-legal-advice", "state-medical-aid"},
            {"school-enrolment"},
        ),
        ("family-with-children", {"children": "yes"}, {"school-enrolment"}, {"free-legal-advice"}),
        ("elderly-resident", {}, set(), {"school-enrolment"}),
        ("foreign-student", {"other": ["work"]}, set(), {"domiciliation"}),
    ],
)
def test_other_situations_get_their_own_list(
    client: Client,
    demo_guide: None,
    situation: str,
    answers: dict[str, str],
    expected: set[str],
    unexpected: set[str],
) -> None:
    slugs = slugs_in(answer(client, "en", situation=situation, **answers))
    assert slugs, situation
    assert expected <= slugs
    assert not unexpected & slugs
