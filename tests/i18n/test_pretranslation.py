"""Machine pre-translation and the translators' word, run by Celery: suggestions kept
apart from human text, published only where a language allows labelled machine text,
jobs idempotent and given ids only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import before_task_publish
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from portal.i18n import actions
from portal.i18n.machine import MachineTranslationUnavailable
from portal.i18n.models import LanguageAssignment, TranslationSegment
from portal.i18n.tasks import translation_pretranslate_task
from portal.notifications.models import Notification
from rights_guide.models import Article
from tests.factories.accounts import UserFactory
from tests.factories.guide import ArticleFactory
from tests.i18n.fake_mt_servers import FakeLibreTranslate
from tests.notifications.test_outbox import wait_for

State = TranslationSegment.State
BODY_FR = "Bonjour le <b>monde</b>.\n\nLe chat noir est un chat."


@pytest.fixture
def libre(settings: Any) -> Iterator[FakeLibreTranslate]:
    with FakeLibreTranslate(api_key="key") as server:
        settings.MACHINE_TRANSLATION = {
            "BACKEND": "libretranslate",
            "URL": server.url,
            "API_KEY": "key",
            "TIMEOUT": 2,
            "RETRIES": 2,
            "BACKOFF": 0.01,
        }
        yield server


def spanish(article: Article) -> list[TranslationSegment]:
    return list(
        TranslationSegment.objects.filter(
            source__content_type=ContentType.objects.get_for_model(Article),
            source__object_id=str(article.pk),
            language="es",
        )
        .select_related("source")
        .order_by("source__field", "source__position")
    )


def ids(article: Article) -> dict[str, object]:
    content_type = ContentType.objects.get_for_model(Article)
    return {"content_type_id": content_type.pk, "object_id": str(article.pk)}


@pytest.mark.django_db
def test_machine_suggestions_are_kept_apart_and_never_published_unreviewed(client, libre) -> None:
    article = ArticleFactory(body_fr=BODY_FR, title_fr="Bonjour", summary_fr="Le monde.")
    assert actions.pretranslate(**ids(article), language="es") == 4
    body = [s for s in spanish(article) if s.source.field == "body"]
    assert [s.machine_text for s in body] == ["Hola el <b>mundo</b>.", "El gato negro es un gato."]
    assert {s.state for s in spanish(article)} == {State.MACHINE}
    assert {s.machine_tool for s in body} == {"libretranslate"}
    assert all(not s.published_text for s in body)
    article.refresh_from_db()
    assert not article.body_es and article.approved_languages == ["fr"]
    # Spanish readers get the French text, with the fallback notice.
    page = client.get(f"/es/guide/{article.topic.slug}/{article.slug}/").content.decode()
    assert "Bonjour le <b>monde</b>" not in page  # escaped, and French
    assert "Hola el" not in page

    # Again: nothing left to ask the machine.
    asked = len(libre.translate_requests())
    assert actions.pretranslate(**ids(article), language="es") == 0
    assert len(libre.translate_requests()) == asked


@pytest.mark.django_db
def test_a_language_may_allow_labelled_machine_text(client, libre, settings) -> None:
    settings.TRANSLATION_MACHINE_PUBLISHED_LANGUAGES = ["es"]
    article = ArticleFactory(body_fr=BODY_FR, title_fr="Bonjour", summary_fr="Le monde.")
    actions.pretranslate(**ids(article), language="es")
    article.refresh_from_db()
    assert article.body_es == "Hola el <b>mundo</b>.\n\nEl gato negro es un gato."
    assert "es" in article.approved_languages
    page = client.get(f"/es/guide/{article.topic.slug}/{article.slug}/").content.decode()
    with translation.override("es"):
        label = render_to_string("components/translation_notice.html", {"machine": True}).strip()
    assert label and "Machine-translated" not in label  # written in Spanish
    assert label in page and "El gato negro es un gato." in page
    # A reviewer's approval replaces the label with a person's text.
    reviewer = UserFactory()
    LanguageAssignment.objects.create(user=reviewer, language="es", can_review=True)
    for segment in spanish(article):
        actions.translation_approve(segment=segment, user=reviewer, text=segment.machine_text)
    page = client.get(f"/es/guide/{article.topic.slug}/{article.slug}/").content.decode()
    assert label not in page


@pytest.mark.django_db
def test_an_unreachable_machine_leaves_the_paragraphs_for_people(settings, libre) -> None:
    actions.pretranslate(**ids(ArticleFactory(body_fr=BODY_FR)), language="es")
    article = ArticleFactory(body_fr=BODY_FR)
    libre.fail_next(10, status=503)
    with pytest.raises(MachineTranslationUnavailable):
        actions.pretranslate(**ids(article), language="es")
    assert {s.state for s in spanish(article)} == {State.MISSING}
    with FakeLibreTranslate() as server:
        url = server.url  # closed: nobody answers there
    settings.MACHINE_TRANSLATION = {"BACKEND": "libretranslate", "URL": url, "RETRIES": 1}
    assert actions.pretranslate(**ids(article), language="es") == 0
    assert {s.state for s in spanish(article)} == {State.MISSING}


@pytest.fixture
def published() -> Iterator[list[dict[str, Any]]]:
    """The task messages Celery sends to the broker."""
    messages: list[dict[str, Any]] = []

    def record(sender: str, body: Any, headers: dict[str, Any], **kwargs: Any) -> None:
        messages.append({"task": sender, "args": body[0], "kwargs": body[1]})

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


def test_a_source_change_queues_one_job_per_language_run_by_a_real_worker(
    celery_worker, published, settings
) -> None:
    """The editor saves, the worker pre-translates with Debian's Apertium and tells the
    translators; a second run changes nothing and sends nothing more."""
    import shutil

    if shutil.which("apertium") is None:
        pytest.skip("Debian's apertium is not installed (.ci/run installs it)")
    settings.MACHINE_TRANSLATION = {"BACKEND": "apertium", "TIMEOUT": 60}
    translator = UserFactory(email="hanna@example.org", preferred_language="uk")
    LanguageAssignment.objects.create(user=translator, language="es")
    with transaction.atomic():
        article = ArticleFactory(body_fr=BODY_FR, title_fr="Bonjour le monde")
    wait_for(lambda: {s.state for s in spanish(article)} == {State.MACHINE})
    told = Notification.objects.filter(
        message="translation_needed", context__title="Bonjour le monde"
    )
    wait_for(lambda: told.count() == 1)
    assert told.get().language == "uk"  # in the translator's own language

    body = [s for s in spanish(article) if s.source.field == "body"]
    assert "<b>" in body[0].machine_text and "mundo" in body[0].machine_text
    assert {s.machine_tool for s in body} == {"apertium"}
    # Languages Apertium cannot do stay for people.
    assert not TranslationSegment.objects.filter(language="ar").exclude(state=State.MISSING)

    mine = [ids(article)["content_type_id"], ids(article)["object_id"]]
    jobs = [
        m
        for m in published
        if m["task"].endswith("translation_pretranslate_task") and list(m["args"][:2]) == mine
    ]
    assert sorted(job["args"][2] for job in jobs) == sorted(
        ["en", "es", "ar", "fa", "uk", "ti", "ps"]
    )
    for job in published:  # ids only: no text of the article ever travels
        assert all(isinstance(value, int | str) and len(str(value)) < 40 for value in job["args"])
        assert not job["kwargs"]
        assert "monde" not in repr(job) and "chat" not in repr(job)

    before = [(s.pk, s.state, s.machine_text, s.machine_at) for s in spanish(article)]
    for _again in range(2):
        translation_pretranslate_task.apply(args=jobs[0]["args"]).get()
        spanish_job = next(job for job in jobs if job["args"][2] == "es")
        translation_pretranslate_task.apply(args=spanish_job["args"]).get()
    assert [(s.pk, s.state, s.machine_text, s.machine_at) for s in spanish(article)] == before
    assert told.count() == 1
