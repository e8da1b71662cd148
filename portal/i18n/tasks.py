"""Celery tasks of the translation workflow: thin wrappers over actions, ids only."""

from celery import shared_task

from portal.i18n import actions
from portal.i18n.machine import MachineTranslationUnavailable


@shared_task(bind=True, max_retries=5, acks_late=True)
def translation_pretranslate_task(  # type: ignore[no-untyped-def]
    self, content_type_id: int, object_id: str, language: str
) -> int:
    """The translation memory's matches and machine suggestions for one object in one
    language, then a word to the language's translators. Idempotent: a second run
    finds nothing left to do."""
    actions.memory_reuse(content_type_id=content_type_id, object_id=object_id, language=language)
    try:
        suggested = actions.pretranslate(
            content_type_id=content_type_id, object_id=object_id, language=language
        )
    except MachineTranslationUnavailable as error:
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from None
    actions.translators_notify(
        content_type_id=content_type_id, object_id=object_id, language=language
    )
    return suggested


@shared_task
def translation_coverage_task() -> dict[str, int]:
    """The daily count of each language's paragraphs by state."""
    return {report.language: report.percent for report in actions.coverage_report()}
