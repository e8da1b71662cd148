from modeltranslation.translator import TranslationOptions, register

from services.models import (
    Accessibility,
    Closure,
    CostOption,
    Location,
    RequiredDocument,
    Schedule,
    Service,
    TaxonomyTerm,
)


@register(TaxonomyTerm)
class TaxonomyTermTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Service)
class ServiceTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "description",
        "application_process",
        "fees_description",
        "eligibility_description",
        "alert",
    )


@register(Location)
class LocationTranslationOptions(TranslationOptions):
    fields = ("name", "description", "transportation")


@register(Accessibility)
class AccessibilityTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(Schedule)
class ScheduleTranslationOptions(TranslationOptions):
    fields = ("description", "notes")


@register(Closure)
class ClosureTranslationOptions(TranslationOptions):
    fields = ("reason",)


@register(RequiredDocument)
class RequiredDocumentTranslationOptions(TranslationOptions):
    fields = ("document",)


@register(CostOption)
class CostOptionTranslationOptions(TranslationOptions):
    fields = ("option",)
