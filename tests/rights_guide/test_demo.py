import pytest
from django.utils import translation

from rights_guide import demo
from rights_guide.models import Article

pytestmark = pytest.mark.django_db


def test_demo_content_keeps_every_language_whatever_language_is_active() -> None:
    with translation.override("ar"):
        demo.seed()
    article = Article.objects.get(slug="domiciliation")
    assert article.title_ar and article.title_ar != article.title_fr
    assert set(article.approved_languages) == {"fr", "en", "es", "ar", "fa", "uk", "ti", "ps"}
    assert Article.objects.count() >= 30
    # Fully translated into English, Spanish and Arabic; partly into the others.
    for language in ("en", "es", "ar"):
        assert not Article.objects.exclude(approved_languages__contains=[language]).exists()
    for language in ("fa", "uk", "ti", "ps"):
        count = Article.objects.filter(approved_languages__contains=[language]).count()
        assert 0 < count < Article.objects.count()
