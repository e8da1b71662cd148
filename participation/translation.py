from modeltranslation.translator import TranslationOptions, register

from participation.models import District, Process, Proposal


@register(Process)
class ProcessTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(District)
class DistrictTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Proposal)
class ProposalTranslationOptions(TranslationOptions):
    fields = ("title", "description", "review_reason")
