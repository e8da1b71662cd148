from modeltranslation.translator import TranslationOptions, register

from rights_guide.models import Article, Situation, Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Situation)
class SituationTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body", "what_to_bring", "where_to_go")
