from __future__ import annotations

from django import template

from portal.i18n.languages import TranslatedText, language_name, text_in_language

register = template.Library()


@register.simple_tag
def translated(obj: object, field: str) -> TranslatedText:
    """`{% translated notice "title" as title %}`: the text in the reader's language,
    or along the fallback chain, knowing which language it is in."""
    return text_in_language(obj, field)


@register.inclusion_tag("components/fallback_notice.html")
def fallback_notice(*texts: TranslatedText) -> dict[str, object]:
    """A notice, in the reader's language, when any of `texts` is a fallback."""
    fallback = next((text for text in texts if text.is_fallback), None)
    if fallback is None:
        return {"show": False}
    return {
        "show": True,
        "requested_name": language_name(fallback.requested),
        "shown_name": language_name(fallback.language),
    }
