"""Which model fields the translation workflow follows: every field registered with
django-modeltranslation on the models named in `settings.TRANSLATION_WORKFLOW_MODELS`.

No per-model code: a module adds its model to that list and its registered fields are
cut into paragraphs, tracked, pre-translated and reviewed like the guide's."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_quiet: ContextVar[bool] = ContextVar("translation_workflow_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Follow source texts without queuing jobs or telling translators: for loading
    many objects at once (the demo), where a message per object helps nobody."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


@cache
def tracked_models() -> tuple[type[models.Model], ...]:
    return tuple(apps.get_model(label) for label in settings.TRANSLATION_WORKFLOW_MODELS)


def is_tracked(model: type[models.Model]) -> bool:
    return model in tracked_models()


@cache
def tracked_fields(model: type[models.Model]) -> tuple[str, ...]:
    from modeltranslation.translator import translator

    return tuple(sorted(translator.get_options_for_model(model).get_field_names()))


def is_long(model: type[models.Model], field: str) -> bool:
    """Long text fields are cut into paragraphs; short ones are one segment."""
    return isinstance(model._meta.get_field(field), models.TextField)


def source_language() -> str:
    return settings.LANGUAGE_CODE


def languages() -> list[str]:
    """Every enabled language: each is a target for texts written in another one."""
    return [code for code, _name in settings.LANGUAGES]


def object_source_language(obj: models.Model) -> str:
    """The language an object is written in: the portal's source language, unless the
    object says otherwise (a budget proposal keeps the language its author wrote in)."""
    language = getattr(obj, "source_language", "") or settings.LANGUAGE_CODE
    return language if language in languages() else settings.LANGUAGE_CODE


def target_languages(source: str | None = None) -> list[str]:
    source = source or settings.LANGUAGE_CODE
    return [code for code in languages() if code != source]


def column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def split(model: type[models.Model], field: str, text: str | None) -> list[str]:
    """The paragraphs of a field's text (empty text: none)."""
    text = (text or "").strip()
    if not text:
        return []
    if not is_long(model, field):
        return [text]
    return [part.strip() for part in PARAGRAPH_BREAK.split(text) if part.strip()]


def join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_languages_field(model: type[models.Model]) -> str | None:
    """A model may keep the list of its languages shown to readers (the guide's
    `approved_languages`); approval of a whole language version adds to it."""
    names = {field.name for field in model._meta.get_fields()}
    return "approved_languages" if "approved_languages" in names else None
