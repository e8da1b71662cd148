import datetime

import factory

from rights_guide.models import Article, Situation, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda number: f"topic-{number}")
    title_fr = factory.Sequence(lambda number: f"Thème {number}")
    title_en = factory.Sequence(lambda number: f"Topic {number}")


class SituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Situation

    slug = factory.Sequence(lambda number: f"situation-{number}")
    title_fr = factory.Sequence(lambda number: f"Situation {number}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article in French, approved in French only, unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    topic = factory.SubFactory(TopicFactory)
    slug = factory.Sequence(lambda number: f"article-{number}")
    title_fr = factory.Sequence(lambda number: f"Article {number}")
    summary_fr = "Un résumé simple."
    body_fr = "Premier paragraphe.\n\nSecond paragraphe."
    last_reviewed = datetime.date(2026, 9, 1)
    is_published = True
    approved_languages = factory.LazyFunction(lambda: ["fr"])

    @factory.post_generation
    def situations(self, create: bool, extracted: list[Situation] | None, **kwargs: object) -> None:
        if create and extracted:
            self.situations.set(extracted)
