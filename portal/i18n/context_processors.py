from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from portal.i18n.languages import direction, enabled_codes, endonym, language_name


def languages(request: HttpRequest) -> dict[str, object]:
    """Current language, its direction, and this page in every other language."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    alternates = []
    for code in enabled_codes():
        url = translate_url(path, code)
        if url == path and code != current:
            url = f"/{code}/"
        alternates.append(
            {
                "code": code,
                "endonym": endonym(code),
                "name": language_name(code),
                "direction": direction(code),
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
            }
        )
    return {
        "language_code": current,
        "language_direction": direction(current),
        "language_alternates": alternates,
        "source_language": settings.LANGUAGE_CODE,
    }
