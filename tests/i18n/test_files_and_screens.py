"""Translators' screens and round-trip files: PO and XLIFF 2 out, edited, back in;
stale, malformed or foreign files refused with nothing changed."""

from __future__ import annotations

import polib
import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.i18n.files import XLIFF
from portal.i18n.models import LanguageAssignment, TranslationSegment
from rights_guide.models import Article
from tests.factories.accounts import UserFactory
from tests.factories.guide import ArticleFactory

pytestmark = pytest.mark.django_db
State = TranslationSegment.State
BODY_FR = "Premier paragraphe.\n\nDeuxième paragraphe."


@pytest.fixture
def article() -> Article:
    return ArticleFactory(title_fr="Le logement", summary_fr="Un toit.", body_fr=BODY_FR)


@pytest.fixture
def translator(client):  # type: ignore[no-untyped-def]
    user = UserFactory(username="amal", preferred_language="ar", is_staff=True)
    user.save()  # the factory does not save the password it sets
    LanguageAssignment.objects.create(user=user, language="ar")
    client.force_login(user)
    return user


def snapshot() -> list[tuple[object, ...]]:
    return list(
        TranslationSegment.objects.order_by("pk").values_list(
            "pk", "state", "draft_text", "published_text"
        )
    )


def body(article: Article, language: str = "ar") -> list[TranslationSegment]:
    return list(
        TranslationSegment.objects.filter(
            source__object_id=str(article.pk), source__field="body", language=language
        )
        .select_related("source")
        .order_by("source__position")
    )


def send(client, name: str, data: bytes, language: str = "ar"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, data)
    return client.post(f"/ar/translate/{language}/import/", {"file": upload})


def test_po_round_trip_saves_the_translated_entries_for_review(client, article, translator) -> None:
    response = client.get("/ar/translate/ar/export.po")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    po = polib.pofile(response.content.decode())
    assert po.metadata["Language"] == "ar"
    entries = {entry.msgid: entry for entry in po}
    assert {"Premier paragraphe.", "Deuxième paragraphe.", "Le logement"} <= set(entries)
    entries["Deuxième paragraphe."].msgstr = "الفقرة الثانية."
    response = send(client, "portal-ar.po", str(po).encode())
    assert response.status_code == 200
    assert "1" in response.content.decode()
    first, second = body(article)
    assert (second.state, second.draft_text, second.draft_tool) == (
        State.NEEDS_REVIEW,
        "الفقرة الثانية.",
        "po",
    )
    assert second.drafted_by == translator
    assert first.state == State.MISSING
    article.refresh_from_db()
    assert not article.body_ar  # awaiting a reviewer


def test_xliff_round_trip(client, article, translator) -> None:
    response = client.get("/ar/translate/ar/export.xlf")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{XLIFF}xliff" and root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("fr", "ar")
    for unit in root.iter(f"{XLIFF}unit"):
        segment = unit.find(f"{XLIFF}segment")
        if segment.find(f"{XLIFF}source").text == "Premier paragraphe.":
            target = ElementTree.fromstring(
                f'<target xmlns="{XLIFF[1:-1]}">الفقرة الأولى.</target>'
            )
            segment.append(target)
            segment.set("state", "translated")
    from xml.etree.ElementTree import tostring

    response = send(client, "portal-ar.xlf", tostring(root, encoding="utf-8"))
    assert response.status_code == 200
    first, second = body(article)
    assert (first.state, first.draft_text, first.draft_tool) == (
        State.NEEDS_REVIEW,
        "الفقرة الأولى.",
        "xliff",
    )
    assert second.state == State.MISSING


def test_a_file_exported_before_the_source_changed_is_refused_whole(
    client, article, translator
) -> None:
    po = polib.pofile(client.get("/ar/translate/ar/export.po").content.decode())
    for entry in po:
        entry.msgstr = f"ترجمة: {entry.msgid}"
    article.body_fr = BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, modifié.")
    article.save()
    before = snapshot()
    response = send(client, "portal-ar.po", str(po).encode())
    assert response.status_code == 400
    page = response.content.decode()
    stale = body(article)[1]
    assert f"{stale.pk}" in page and "body" in page  # names the paragraph
    assert snapshot() == before  # not even the entries that were still current


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.po", b'msgid "unterminated\n'),
        ("broken.po", b"\xff\xfe\x00garbage"),
        ("broken.xlf", b"<xliff version='2.0'><file><unit"),
        ("billion.xlf", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
        ("old.xlf", b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>'),
        ("notes.txt", b"hello"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message_and_nothing_changes(
    client, article, translator, name, data
) -> None:
    before = snapshot()
    response = send(client, name, data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert snapshot() == before


def test_a_file_for_another_language_or_by_someone_not_assigned_is_refused(
    client, article, translator
) -> None:
    po = polib.pofile(client.get("/ar/translate/ar/export.po").content.decode())
    for entry in po:
        entry.msgstr = "x"
    po.metadata["Language"] = "fa"
    before = snapshot()
    assert send(client, "portal-ar.po", str(po).encode()).status_code == 400
    # Persian is not one of Amal's languages: the page itself is closed to her.
    assert send(client, "portal-fa.po", str(po).encode(), language="fa").status_code == 403
    assert client.get("/ar/translate/fa/export.po").status_code == 403
    # An entry pointing at another language's paragraph is refused too.
    po.metadata["Language"] = "ar"
    persian = TranslationSegment.objects.filter(language="fa").select_related("source").first()
    po[0].msgctxt = f"{persian.pk}:{persian.source.source_hash}"
    assert send(client, "portal-ar.po", str(po).encode()).status_code == 400
    assert snapshot() == before


def test_dashboard_counts_and_links_per_assigned_language(client, article, translator) -> None:
    page = client.get("/ar/translate/").content.decode()
    assert "/ar/translate/ar/?state=missing" in page
    assert "/ar/translate/fa/" not in page  # only her languages
    missing = TranslationSegment.objects.filter(language="ar", state=State.MISSING).count()
    assert f">{missing}</a>" in page
    listing = client.get("/ar/translate/ar/?state=missing").content.decode()
    assert "Premier paragraphe." in listing


def test_side_by_side_editor_is_right_to_left_and_a_translator_cannot_approve(
    client, article, translator
) -> None:
    segment = body(article)[0]
    page = client.get(f"/ar/translate/ar/{segment.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert 'lang="ar" dir="rtl" required' in page  # the text box
    assert 'lang="fr" dir="ltr"' in page and "Premier paragraphe." in page
    assert 'name="approve"' not in page
    response = client.post(
        f"/ar/translate/ar/{segment.pk}/", {"text": "الفقرة الأولى.", "approve": "1"}
    )
    assert response.status_code == 403
    response = client.post(f"/ar/translate/ar/{segment.pk}/", {"text": "الفقرة الأولى."})
    assert response.status_code == 302
    assert body(article)[0].state == State.NEEDS_REVIEW
    # empty text: a message, nothing saved
    second = body(article)[1]
    response = client.post(f"/ar/translate/ar/{second.pk}/", {"text": "  "})
    assert response.status_code == 409 and body(article)[1].state == State.MISSING


def test_a_reviewer_approves_from_the_editor_and_readers_see_it(client, article) -> None:
    reviewer = UserFactory(is_staff=True)
    reviewer.save()
    LanguageAssignment.objects.create(user=reviewer, language="ar", can_review=True)
    client.force_login(reviewer)
    segment = body(article)[0]
    page = client.get(f"/fr/translate/ar/{segment.pk}/").content.decode()
    assert 'name="approve"' in page
    response = client.post(
        f"/fr/translate/ar/{segment.pk}/", {"text": "الفقرة الأولى.", "approve": "1"}
    )
    assert response.status_code == 302
    assert body(article)[0].published_text == "الفقرة الأولى."


def test_the_screens_are_closed_to_people_without_a_language(client, article) -> None:
    someone = UserFactory(is_staff=True)
    someone.save()
    client.force_login(someone)
    assert client.get("/fr/translate/").status_code == 403
    assert client.get("/fr/translate/ar/").status_code == 403
    client.logout()
    assert client.get("/fr/translate/").status_code == 302
