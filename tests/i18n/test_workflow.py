"""The translation workflow as editors, translators, reviewers and readers meet it:
paragraphs followed from the source, outdated marks, the memory, approval, and what
readers are told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from portal.audit.models import AuditEntry
from portal.i18n import actions, selectors
from portal.i18n.models import LanguageAssignment, SourceSegment, TranslationSegment
from portal.i18n.registry import languages, target_languages
from rights_guide.models import Article
from tests.factories.accounts import UserFactory
from tests.factories.guide import ArticleFactory

pytestmark = pytest.mark.django_db
State = TranslationSegment.State

BODY_FR = "Premier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe."
BODY_AR = "الفقرة الأولى.\n\nالفقرة الثانية.\n\nالفقرة الثالثة."  # noqa: RUF001 - Arabic text
BODY_ES = "Primer párrafo.\n\nSegundo párrafo.\n\nTercer párrafo."


def body_segments(article: Article, language: str) -> list[TranslationSegment]:
    return list(
        TranslationSegment.objects.filter(
            source__object_id=str(article.pk), source__field="body", language=language
        )
        .select_related("source")
        .order_by("source__position")
    )


def states(article: Article, language: str) -> list[str]:
    return [segment.state for segment in body_segments(article, language)]


@pytest.fixture
def article() -> Article:
    """An article in French, with Arabic and Spanish versions approved before."""
    article = ArticleFactory(
        body_fr=BODY_FR, body_ar=BODY_AR, body_es=BODY_ES, approved_languages=["fr", "ar", "es"]
    )
    return Article.objects.get(pk=article.pk)


def edit_body(article: Article, body: str) -> None:
    article.body_fr = body
    article.save()


@pytest.fixture
def translator() -> object:
    user = UserFactory(username="amal")
    LanguageAssignment.objects.create(user=user, language="ar", can_review=False)
    return user


@pytest.fixture
def reviewer() -> object:
    user = UserFactory(username="yusuf")
    LanguageAssignment.objects.create(user=user, language="ar", can_review=True)
    return user


def test_existing_translations_that_line_up_count_as_approved(article) -> None:
    assert states(article, "ar") == [State.APPROVED] * 3
    assert [s.published_text for s in body_segments(article, "ar")] == BODY_AR.split("\n\n")
    # languages with no text have every paragraph missing
    assert states(article, "uk") == [State.MISSING] * 3
    assert {s.language for s in TranslationSegment.objects.all()} == set(target_languages())


def test_editing_one_paragraph_marks_only_it_outdated_in_every_language(article) -> None:
    others = TranslationSegment.objects.exclude(source__field="body").order_by("pk")
    before = list(others.values_list("pk", "state"))
    edit_body(article, BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, corrigé."))
    assert states(article, "ar") == [State.APPROVED, State.OUTDATED, State.APPROVED]
    assert states(article, "es") == [State.APPROVED, State.OUTDATED, State.APPROVED]
    assert states(article, "uk") == [State.MISSING] * 3
    # the title, summary and other fields are untouched
    assert list(others.values_list("pk", "state")) == before
    # readers keep the last approved text
    article.refresh_from_db()
    assert article.body_ar == BODY_AR


def test_inserting_or_removing_a_paragraph_moves_the_others_without_outdating_them(
    article,
) -> None:
    edit_body(article, "Un nouveau début.\n\n" + BODY_FR)
    assert states(article, "ar") == [State.MISSING, State.APPROVED, State.APPROVED, State.APPROVED]
    edit_body(article, BODY_FR.replace("\n\nTroisième paragraphe.", ""))
    assert states(article, "ar") == [State.APPROVED, State.APPROVED]
    assert SourceSegment.objects.filter(object_id=str(article.pk), field="body").count() == 2


def notice(language: str, **context: object) -> str:
    """The reader notice as the page renders it in `language`."""
    from django.template.loader import render_to_string

    from portal.i18n.languages import language_name

    with translation.override(language):
        context.setdefault("source_name", language_name("fr"))
        return render_to_string("components/translation_notice.html", context).strip()


def test_reader_of_an_outdated_translation_sees_it_with_a_notice_in_their_language(
    client, article
) -> None:
    url = f"/ar/guide/{article.topic.slug}/{article.slug}/"
    edit_body(article, BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, corrigé."))
    changed_on = SourceSegment.objects.get(object_id=str(article.pk), position=1, field="body")
    expected = notice("ar", outdated_since=changed_on.changed_at.date())
    assert expected and expected != notice("en", outdated_since=changed_on.changed_at.date())
    assert "الفرنسية" in expected  # "French", in Arabic

    page = client.get(url).content.decode()
    assert "الفقرة الثانية." in page  # the last approved text, still shown
    assert expected in page
    # The source language's readers and an untouched article's readers see no notice.
    assert "may be out of date" not in client.get(url.replace("/ar/", "/fr/")).content.decode()
    other = ArticleFactory(topic=article.topic, body_ar=BODY_AR, body_fr=BODY_FR)
    Article.objects.filter(pk=other.pk).update(approved_languages=["fr", "ar"])
    page = client.get(f"/ar/guide/{other.topic.slug}/{other.slug}/").content.decode()
    assert "الفقرة الثانية." in page and expected not in page


def test_a_translator_proposes_and_a_reviewer_approval_publishes(
    client, article, translator, reviewer
) -> None:
    edit_body(article, BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, corrigé."))
    segment = body_segments(article, "ar")[1]
    actions.translation_propose(segment=segment, user=translator, text="الفقرة الثانية، مصححة.")
    assert body_segments(article, "ar")[1].state == State.NEEDS_REVIEW
    article.refresh_from_db()
    assert article.body_ar == BODY_AR  # not published before review

    with pytest.raises(PermissionDenied):
        actions.translation_approve(segment=segment, user=translator)
    actions.translation_approve(segment=segment, user=reviewer)

    article.refresh_from_db()
    assert article.body_ar == BODY_AR.replace("الفقرة الثانية.", "الفقرة الثانية، مصححة.")
    assert states(article, "ar") == [State.APPROVED] * 3
    approved = body_segments(article, "ar")[1]
    assert (approved.drafted_by, approved.reviewed_by) == (translator, reviewer)
    assert AuditEntry.objects.filter(actor=reviewer, detail="approved ar").exists()
    page = client.get(f"/ar/guide/{article.topic.slug}/{article.slug}/").content.decode()
    assert "الفقرة الثانية، مصححة." in page and "may be out of date" not in page
    assert notice("ar", outdated_since=approved.source.changed_at.date()) not in page


def test_a_translator_who_reviews_the_language_may_approve_their_own_work(article) -> None:
    both = UserFactory()
    LanguageAssignment.objects.create(user=both, language="ar", can_review=True)
    edit_body(article, BODY_FR + "\n\nQuatrième paragraphe.")
    segment = body_segments(article, "ar")[3]
    actions.translation_approve(segment=segment, user=both, text="الفقرة الرابعة.")
    article.refresh_from_db()
    assert article.body_ar.endswith("الفقرة الرابعة.")
    # a reviewer of another language may not
    other = UserFactory()
    LanguageAssignment.objects.create(user=other, language="es", can_review=True)
    with pytest.raises(PermissionDenied):
        actions.translation_approve(segment=segment, user=other, text="نص")


def test_a_new_paragraph_is_published_only_once_translated(article, reviewer) -> None:
    """Until the added paragraph is translated, readers keep the whole last version."""
    edit_body(article, BODY_FR + "\n\nQuatrième paragraphe.")
    first = body_segments(article, "ar")[0]
    actions.translation_approve(segment=first, user=reviewer, text="الفقرة الأولى، من جديد.")
    article.refresh_from_db()
    assert article.body_ar == BODY_AR
    actions.translation_approve(
        segment=body_segments(article, "ar")[3], user=reviewer, text="الفقرة الرابعة."
    )
    article.refresh_from_db()
    assert article.body_ar.startswith("الفقرة الأولى، من جديد.")
    assert article.body_ar.endswith("الفقرة الرابعة.")


def test_a_repeated_paragraph_comes_from_the_memory_awaiting_review(article, reviewer) -> None:
    from django.contrib.contenttypes.models import ContentType

    later = ArticleFactory(topic=article.topic, body_fr="Deuxième paragraphe.\n\nAutre chose.")
    ids = {
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "object_id": str(later.pk),
    }
    # the job that follows the save (translation_pretranslate_task) looks in the memory
    assert actions.memory_reuse(**ids, language="ar") == 1
    assert actions.memory_reuse(**ids, language="ar") == 0  # once
    assert actions.memory_reuse(**ids, language="uk") == 0  # nothing approved in Ukrainian
    memory, fresh = body_segments(later, "ar")
    assert memory.state == State.NEEDS_REVIEW
    assert (memory.draft_text, memory.draft_tool) == ("الفقرة الثانية.", "memory")
    assert fresh.state == State.MISSING
    later.refresh_from_db()
    assert not later.body_ar  # reused text still needs a reviewer
    assert selectors.memory_match(segment=fresh) == ""
    actions.translation_approve(segment=memory, user=reviewer)
    assert body_segments(later, "ar")[0].published_text == "الفقرة الثانية."


def test_approving_every_paragraph_adds_the_language_to_the_published_versions(reviewer) -> None:
    article = ArticleFactory(title_fr="Le logement", summary_fr="Un toit.", body_fr="Un texte.")
    article.refresh_from_db()
    assert article.approved_languages == ["fr"]
    for segment in TranslationSegment.objects.filter(
        source__object_id=str(article.pk), language="ar"
    ).select_related("source"):
        actions.translation_approve(segment=segment, user=reviewer, text=f"ترجمة {segment.pk}")
        article.refresh_from_db()
    assert article.approved_languages == ["fr", "ar"]
    assert article.title_ar.startswith("ترجمة")


def test_an_approval_of_a_text_written_for_an_older_source_is_refused(
    article, translator, reviewer
) -> None:
    from django.core.exceptions import ValidationError

    segment = body_segments(article, "ar")[1]
    actions.translation_propose(segment=segment, user=translator, text="اقتراح.")
    edit_body(article, BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, encore."))
    with pytest.raises(ValidationError):
        actions.translation_approve(segment=body_segments(article, "ar")[1], user=reviewer)
    article.refresh_from_db()
    assert article.body_ar == BODY_AR


def test_an_admin_edit_of_a_translation_in_line_with_the_source_is_kept(article) -> None:
    article.body_ar = BODY_AR.replace("الفقرة الثالثة.", "الفقرة الثالثة، محسنة.")
    article.save()
    segment = body_segments(article, "ar")[2]
    assert (segment.state, segment.published_text) == (State.APPROVED, "الفقرة الثالثة، محسنة.")


def test_coverage_counts_each_language_and_the_daily_report_is_idempotent(article) -> None:
    edit_body(article, BODY_FR.replace("Deuxième paragraphe.", "Deuxième paragraphe, corrigé."))
    counts = selectors.language_coverage(language="ar")
    # ar: 2 body paragraphs current, 1 outdated; the titles and summary never translated
    assert (counts["approved"], counts["outdated"], counts["missing"]) == (2, 1, 3)
    assert selectors.coverage_percent(counts) == 33
    first = {(r.language, r.total, r.approved, r.outdated) for r in actions.coverage_report()}
    second = {(r.language, r.total, r.approved, r.outdated) for r in actions.coverage_report()}
    assert first == second
    from portal.i18n.models import CoverageReport

    assert CoverageReport.objects.count() == len(languages())


def test_a_proposal_written_in_arabic_is_translated_from_arabic_into_french() -> None:
    """Budget proposals keep the language their author wrote in; the dashboard of
    French translators lists them (council minutes and proposals are followed too)."""
    from participation.models import Proposal
    from tests.factories.participation import ProjectFactory

    proposal = ProjectFactory(
        title_fr="", description_fr="", title_ar="حديقة للأطفال", source_language="ar"
    )
    proposal.description_ar = "مكان للعب.\n\nمع أشجار."
    proposal.save()
    rows = TranslationSegment.objects.filter(
        source__object_id=str(proposal.pk), source__content_type__model="proposal"
    ).select_related("source")
    assert {row.source.language for row in rows} == {"ar"}
    assert {row.language for row in rows} == set(target_languages("ar"))
    assert "fr" in {row.language for row in rows} and "ar" not in {row.language for row in rows}
    assert rows.filter(language="fr", source__field="description").count() == 2
    french = UserFactory()
    LanguageAssignment.objects.create(user=french, language="fr", can_review=True)
    segment = rows.get(language="fr", source__field="title")
    actions.translation_approve(segment=segment, user=french, text="Un jardin pour les enfants")
    assert Proposal.objects.get(pk=proposal.pk).title_fr == "Un jardin pour les enfants"
    status = selectors.reader_status(obj=proposal, language="fr")
    assert status.source_language == "ar" and status.outdated_since is None


def test_council_minutes_appear_in_the_translation_dashboard(client) -> None:
    from participation import demo as council_demo
    from participation.models import Meeting
    from portal.demo import seed_demo

    seed_demo()  # the accounts
    council_demo.seed()  # the council, its meetings and their minutes
    meeting = Meeting.objects.exclude(minutes_fr="").exclude(minutes_fr=None).first()
    minutes = SourceSegment.objects.filter(
        content_type__model="meeting", object_id=str(meeting.pk), field="minutes"
    )
    assert minutes.count() == len([p for p in meeting.minutes_fr.split("\n\n") if p.strip()])
    assert TranslationSegment.objects.filter(source__in=minutes, language="ti").exists()
    translator = UserFactory(is_staff=True)
    translator.save()
    LanguageAssignment.objects.create(user=translator, language="ti")
    client.force_login(translator)
    dashboard = client.get("/fr/translate/").content.decode()
    assert "/fr/translate/ti/?state=missing" in dashboard
    first = minutes.order_by("position").first()
    listing = client.get(
        f"/fr/translate/ti/?object={first.content_type_id}:{meeting.pk}"
    ).content.decode()
    from django.utils.html import escape

    assert escape(str(meeting)) in listing and escape(first.text[:40]) in listing


def test_an_approval_tells_the_owning_app_once_committed(
    article, reviewer, django_capture_on_commit_callbacks
) -> None:
    """The guide refreshes its search words when a translation is published."""
    from portal.i18n.signals import translation_published

    heard = []

    def listener(sender, **kwargs):  # type: ignore[no-untyped-def]
        heard.append((sender, kwargs["object_id"], kwargs["language"]))

    translation_published.connect(listener, weak=False)
    try:
        edit_body(article, BODY_FR + "\n\nQuatrième paragraphe.")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            actions.translation_approve(
                segment=body_segments(article, "ar")[3], user=reviewer, text="الفقرة الرابعة."
            )
        assert heard == []  # not before the commit
        for callback in callbacks:
            if "translation_published" in repr(callback.__code__.co_names):
                callback()
        assert heard == [(Article, str(article.pk), "ar")]
    finally:
        translation_published.disconnect(listener)


def test_the_guide_says_how_much_of_it_is_translated_in_the_readers_language(
    client, article
) -> None:
    from rights_guide.models import Situation, Topic

    percent = selectors.models_coverage(language="ar", models=[Topic, Situation, Article])
    assert 0 < percent < 100
    page = client.get("/ar/guide/").content.decode()
    assert f"{percent}%" in page
    assert client.get("/fr/guide/").context["coverage"] is None  # the source language


def test_deleting_an_object_deletes_its_paragraphs_in_every_language(article) -> None:
    kept = ArticleFactory(topic=article.topic)
    assert TranslationSegment.objects.filter(source__object_id=str(article.pk)).exists()
    Article.objects.get(pk=article.pk).delete()
    assert not SourceSegment.objects.filter(
        object_id=str(article.pk), content_type__model="article"
    )
    assert not TranslationSegment.objects.filter(
        source__object_id=str(article.pk), source__content_type__model="article"
    )
    assert SourceSegment.objects.filter(object_id=str(kept.pk), content_type__model="article")
