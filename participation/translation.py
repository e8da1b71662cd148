from modeltranslation.translator import TranslationOptions, register

from participation.models import (
    AgendaItem,
    Council,
    CouncilMember,
    District,
    Meeting,
    Process,
    Proposal,
    Recommendation,
)


@register(Process)
class ProcessTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(District)
class DistrictTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Proposal)
class ProposalTranslationOptions(TranslationOptions):
    fields = ("title", "description", "review_reason")


@register(Council)
class CouncilTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(CouncilMember)
class CouncilMemberTranslationOptions(TranslationOptions):
    fields = ("bio",)


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "accessibility", "minutes")


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Recommendation)
class RecommendationTranslationOptions(TranslationOptions):
    fields = ("title", "text", "answer")
