from modeltranslation.translator import TranslationOptions, register

from portal.models import HomeNotice


@register(HomeNotice)
class HomeNoticeTranslationOptions(TranslationOptions):
    fields = ("title", "body")
