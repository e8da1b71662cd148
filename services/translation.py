from modeltranslation.translator import TranslationOptions, register

from services.models import Service, TaxonomyTerm


@register(TaxonomyTerm)
class TaxonomyTermTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Service)
class ServiceTranslationOptions(TranslationOptions):
    fields = ("name", "description")
